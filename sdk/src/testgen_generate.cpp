// Generation of test specs from successful traces: one candidate per
// behaviour (flow + node sequence with each step's tools), the newest
// behaviours first, bounds from the slowest run seen of each behaviour.
#include <algorithm>
#include <cmath>
#include <limits>

#include "dashflow/testgen.hpp"
#include "dashflow/time.hpp"
#include "testgen_internal.hpp"

namespace dashflow::testgen {

namespace internal {

std::string display_name(std::string_view name) {
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f || c == '\\') return quote_text(name);
  }
  return std::string(name);
}

namespace {
std::string joined(const std::vector<std::string>& names, std::string_view sep) {
  constexpr size_t kKeep = 10;
  std::string out;
  auto add = [&](const std::string& n) { out += (out.empty() ? "" : std::string(sep)) + display_name(n); };
  if (names.size() <= 2 * kKeep + 4) {
    for (const auto& n : names) add(n);
    return out;
  }
  for (size_t i = 0; i < kKeep; ++i) add(names[i]);
  out += std::string(sep) + "... (" + std::to_string(names.size() - 2 * kKeep) + " more)";
  for (size_t i = names.size() - kKeep; i < names.size(); ++i) add(names[i]);
  return out;
}
}  // namespace

std::string sequence_text(const std::vector<std::string>& names) { return "[" + joined(names, ", ") + "]"; }
std::string path_text(const std::vector<std::string>& names) {
  return names.empty() ? "(no nodes)" : joined(names, " -> ");
}

}  // namespace internal

void GenerateOptions::validate() const {
  if (limit == 0) throw ConfigError("limit must be at least 1");
  if (!std::isfinite(tolerance) || tolerance < 0)
    throw ConfigError("tolerance must be a finite number >= 0 (0.5 means bounds 50% above the observed duration)");
  if (tolerance > 1000) throw ConfigError("tolerance " + std::to_string(tolerance) + " is too large (at most 1000)");
}

int64_t trace_time_ms(const ExecutionTrace& trace, int64_t fallback_ms) {
  if (trace.started_at)
    if (auto ms = parse_rfc3339_ms(*trace.started_at)) return *ms;
  return fallback_ms;
}

bool successful_run(const ExecutionTrace& trace) {
  if (!trace.is_successful()) return false;
  for (const auto& n : trace.nodes_executed)
    if (!n.success) return false;
  return true;
}

SpecGenerator::SpecGenerator(GenerateOptions options) : options_(std::move(options)) { options_.validate(); }

void SpecGenerator::add(const ExecutionTrace& trace, const TraceInfo& info) {
  ++traces_;
  if (!successful_run(trace)) {
    ++unsuccessful_;
    return;
  }
  const FlowKey flow = flow_of(trace);
  // The behaviour key: unambiguous whatever the names contain.
  json key = json::array({flow.graph_name ? json(*flow.graph_name) : json(nullptr), flow.entry_node});
  for (const auto& n : trace.nodes_executed) key.push_back(json::array({n.node, n.tools_called}));
  Candidate& c = candidates_[key.dump(-1, ' ', false, json::error_handler_t::replace)];
  const bool newer = c.traces == 0 || info.time_ms > c.time_ms || (info.time_ms == c.time_ms && info.location > c.location);
  if (c.traces == 0) {
    c.flow = flow;
    for (const auto& n : trace.nodes_executed) c.steps.push_back({n.node, n.tools_called});
  }
  ++c.traces;
  if (newer) {
    c.time_ms = info.time_ms;
    c.location = info.location;
    c.execution_id = trace.execution_id;
    c.thread_id = trace.thread_id;
    c.started_at = trace.started_at;
  }
  c.total_max_ms = std::max(c.total_max_ms, trace.total_duration_ms);
  for (const auto& n : trace.nodes_executed) {
    uint64_t& m = c.node_max_ms[n.node];
    m = std::max(m, n.duration_ms);
  }
}

namespace {

uint64_t bound(uint64_t observed, const GenerateOptions& o) {
  const long double scaled = std::ceil(static_cast<long double>(observed) * (1.0L + static_cast<long double>(o.tolerance)));
  const long double cap = static_cast<long double>(std::numeric_limits<uint64_t>::max());
  const uint64_t b = scaled >= cap ? std::numeric_limits<uint64_t>::max() : static_cast<uint64_t>(scaled);
  return std::max(b, o.timing_floor_ms);
}

}  // namespace

std::vector<TestSpec> SpecGenerator::finish(GenerateStats* stats) const {
  std::vector<const Candidate*> order;
  order.reserve(candidates_.size());
  for (const auto& [key, c] : candidates_) order.push_back(&c);
  std::sort(order.begin(), order.end(), [](const Candidate* a, const Candidate* b) {
    if (a->time_ms != b->time_ms) return a->time_ms > b->time_ms;
    return a->location > b->location;
  });
  const size_t n = std::min(order.size(), options_.limit);
  std::set<std::string> taken;
  std::vector<TestSpec> specs;
  specs.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const Candidate& c = *order[i];
    TestSpec t;
    t.name = unique_test_name(c.flow, taken);
    t.match = c.flow;
    t.steps = c.steps;
    t.expect_success = true;
    t.expected_error_count = 0;
    t.source = SourceInfo{c.location, c.execution_id, c.thread_id, c.started_at, c.traces};
    t.description = "Regression test from trace " + (c.execution_id ? quote_text(*c.execution_id) : quote_text(c.location)) +
                    " of " + c.flow.describe() + ": " + internal::path_text(t.node_sequence());
    if (c.traces > 1) t.description += " (behaviour seen in " + std::to_string(c.traces) + " traces)";
    if (options_.timing) {
      TimingSpec timing;
      timing.tolerance = options_.tolerance;
      timing.floor_ms = options_.timing_floor_ms;
      timing.total_max_ms = bound(c.total_max_ms, options_);
      for (const auto& [node, ms] : c.node_max_ms) timing.node_max_ms[node] = bound(ms, options_);
      t.timing = std::move(timing);
    }
    specs.push_back(std::move(t));
  }
  if (stats) {
    stats->traces = traces_;
    stats->unsuccessful = unsuccessful_;
    stats->behaviours = candidates_.size();
    stats->omitted = candidates_.size() - n;
  }
  return specs;
}

}  // namespace dashflow::testgen
