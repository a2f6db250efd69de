#include "triggers.hpp"

#include <cstdio>
#include <stdexcept>

#include "dashflow/time.hpp"
#include "dashflow_analyzers/packed_state.hpp"
#include "dashflow_analyzers/stats.hpp"
#include "triggers_state.hpp"

namespace dashflow::analyzers {
namespace {

std::string percent(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", rate * 100.0);
  return buf;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

class AlertBuilder {
 public:
  AlertBuilder(const TriggersConfig& config, const AnalysisContext& context) : config_(config), context_(context) {}

  Alert make(const std::string& kind, AlertSeverity severity, const std::string& node, std::string title,
             std::string message) const {
    Alert a;
    a.kind = kind;
    a.severity = severity;
    a.title = std::move(title);
    a.message = std::move(message);
    a.labels = {{"alertname", kind}, {"graph", config_.graph}};
    if (!node.empty()) a.labels["node"] = node;
    a.annotations["summary"] = a.title;
    a.annotations["description"] = a.message;
    a.starts_at = format_rfc3339_ms(context_.now_unix_ms);
    return a;
  }

 private:
  const TriggersConfig& config_;
  const AnalysisContext& context_;
};

}  // namespace

std::unique_ptr<AnalyzerState> TriggersAnalyzer::make_state() const { return std::make_unique<TriggersState>(); }

void TriggersAnalyzer::consume(AnalyzerState& state, const ExecutionTrace& trace, const TraceOrigin& origin) const {
  dynamic_cast<TriggersState&>(state).add(trace, origin, config_.slow_node_threshold_ms);
}

void TriggersAnalyzer::merge(AnalyzerState& into, AnalyzerState& from) const {
  dynamic_cast<TriggersState&>(into).merge(dynamic_cast<const TriggersState&>(from));
}

// Version 2: a JSON head, then the durations packed (version 1 was all JSON).
constexpr int kStateVersion = 2;

std::string TriggersAnalyzer::save_state(const AnalyzerState& state) const {
  const auto& s = dynamic_cast<const TriggersState&>(state);
  std::string text = packed_state_head(s.head_json(), kTriggersId, kStateVersion);
  s.append_packed(text);
  return text;
}

std::unique_ptr<AnalyzerState> TriggersAnalyzer::load_state(std::string_view text) const {
  const PackedStateText parts = split_packed_state(text, kTriggersId, kStateVersion);
  auto state = std::make_unique<TriggersState>();
  state->load(parts.head, parts.packed);
  return state;
}

AnalysisOutput TriggersAnalyzer::finish(const AnalyzerState&, const AnalysisContext&) const { return {}; }

std::vector<Alert> TriggersAnalyzer::alerts(const AnalyzerState& state, const AnalysisContext& context) const {
  const auto& s = dynamic_cast<const TriggersState&>(state);
  const AlertBuilder build(config_, context);
  std::vector<Alert> out;
  const std::string threshold_ms = std::to_string(config_.slow_node_threshold_ms);

  // std::map: nodes in name order, so the alerts come out in a stable order.
  for (const auto& [node, n] : s.nodes) {
    if (n.slow > 0) {
      const uint64_t p95 = p95_nearest_rank(n.durations_ms);
      const bool far = n.max_ms >= 2 * config_.slow_node_threshold_ms;
      Alert a = build.make("slow_node", far ? AlertSeverity::Error : AlertSeverity::Warning, node,
                           "Slow node '" + node + "'",
                           "Slow node '" + node + "': " + std::to_string(n.slow) + " of " +
                               std::to_string(n.durations_ms.size()) + " executions took longer than " + threshold_ms +
                               " ms (max " + std::to_string(n.max_ms) + " ms, p95 " + std::to_string(p95) +
                               " ms; threshold: " + threshold_ms + " ms)");
      a.annotations["threshold_ms"] = threshold_ms;
      a.annotations["max_ms"] = std::to_string(n.max_ms);
      a.annotations["p95_ms"] = std::to_string(p95);
      a.annotations["slow_executions"] = std::to_string(n.slow);
      a.annotations["example_traces"] = join(n.slow_examples.traces);
      out.push_back(std::move(a));
    }
    if (n.retries > config_.retry_threshold) {
      Alert a = build.make("repeated_retry", AlertSeverity::Warning, node, "Repeated retries in '" + node + "'",
                           "Repeated retries for '" + node + "': " + std::to_string(n.retries) +
                               " retried errors in this run (threshold: " + std::to_string(config_.retry_threshold) +
                               ")");
      a.annotations["threshold"] = std::to_string(config_.retry_threshold);
      a.annotations["retries"] = std::to_string(n.retries);
      a.annotations["example_traces"] = join(n.retry_examples.traces);
      out.push_back(std::move(a));
    }
  }

  if (s.traces >= config_.min_traces_for_error_rate && s.traces > 0) {
    const double rate = static_cast<double>(s.failed) / static_cast<double>(s.traces);
    if (rate > config_.error_rate_threshold) {
      Alert a = build.make("high_error_rate", rate > 2 * config_.error_rate_threshold ? AlertSeverity::Error
                                                                                      : AlertSeverity::Warning,
                           "", "High error rate in '" + config_.graph + "'",
                           "High error rate: " + percent(rate) + " of " + std::to_string(s.traces) +
                               " runs failed (threshold: " + percent(config_.error_rate_threshold) +
                               ", samples: " + std::to_string(s.traces) + ")");
      a.annotations["threshold"] = percent(config_.error_rate_threshold);
      a.annotations["error_rate"] = percent(rate);
      a.annotations["samples"] = std::to_string(s.traces);
      a.annotations["example_traces"] = join(s.failed_examples.traces);
      out.push_back(std::move(a));
    }
  }

  if (s.traces >= config_.unused_min_traces) {
    auto unused = [&](const std::string& name, bool used, const char* what) {
      if (used) return;
      Alert a = build.make("unused_capability", AlertSeverity::Info, name, "Unused capability '" + name + "'",
                           std::string("Unused capability '") + name + "': the " + what + " was not used in " +
                               std::to_string(s.traces) + " executions (minimum for this verdict: " +
                               std::to_string(config_.unused_min_traces) + ")");
      a.annotations["executions"] = std::to_string(s.traces);
      a.annotations["capability_kind"] = what;
      out.push_back(std::move(a));
    };
    for (const auto& node : context.known_nodes) unused(node, s.nodes.count(node) > 0, "node");
    for (const auto& tool : context.known_tools) unused(tool, s.tools_called.count(tool) > 0, "tool");
  }
  return out;
}

}  // namespace dashflow::analyzers
