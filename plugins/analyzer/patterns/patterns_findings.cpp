#include "patterns_findings.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "dashflow/ids.hpp"
#include "dashflow_analyzers/stats.hpp"
#include "dashflow_analyzers/text.hpp"

namespace dashflow::analyzers {

namespace {

DetectedPattern make_pattern(std::string key, std::string type) {
  DetectedPattern p;
  p.key = std::move(key);
  p.pattern_type = std::move(type);
  p.source = kPatternsId;
  return p;
}

// "2x", "2.5x".
std::string factor_text(double f) {
  return (f == std::floor(f) ? std::to_string(static_cast<uint64_t>(f)) : fixed(f, 1)) + "x";
}

}  // namespace

std::vector<DetectedPattern> recurring_error_patterns(const PatternsState& state, const PatternsConfig& config) {
  std::vector<DetectedPattern> out;
  for (const auto& [pattern, group] : state.errors) {
    if (group.count < config.min_pattern_occurrences) continue;
    auto p = make_pattern("error:" + pattern, "RecurringError");
    const std::string count = std::to_string(group.count);
    p.description = "Recurring error: " + truncate_text(pattern, 50) + " (" + count + " occurrences)";
    p.occurrences = group.count;
    p.affected_nodes.assign(group.nodes.begin(), group.nodes.end());
    p.confidence = pattern_confidence(group.count, state.traces);
    p.suggestion = "Investigate root cause in nodes: " + join(group.nodes, ", ");
    p.evidence.push_back(aggregation_citation("SELECT COUNT(*) FROM errors WHERE normalized_message = '" + pattern + "'",
                                              count + " errors in " + std::to_string(state.traces) + " traces"));
    auto traces = group.evidence.citations();
    p.evidence.insert(p.evidence.end(), traces.begin(), traces.end());
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<DetectedPattern> degradation_patterns(const PatternsState& state, const PatternsConfig& config) {
  std::vector<DetectedPattern> out;
  const size_t n = state.samples.size();
  if (n == 0 || n < config.min_degradation_traces) return out;
  const size_t mid = n / 2;
  const uint64_t first_sum = state.samples.earliest_duration_sum(mid);
  const uint64_t second_sum = state.samples.earliest_duration_sum(n) - first_sum;
  const double first = static_cast<double>(first_sum) / static_cast<double>(mid);
  const double second = static_cast<double>(second_sum) / static_cast<double>(n - mid);
  if (!(first > 0 && second > config.degradation_factor * first)) return out;
  const double pct = (second - first) / first * 100.0;
  auto p = make_pattern("degradation:overall", "PerformanceDegradation");
  const std::string summary = "mean " + fixed(first, 1) + "ms in the earlier " + std::to_string(mid) +
                              " traces, " + fixed(second, 1) + "ms in the later " + std::to_string(n - mid);
  p.description = "Performance degradation: mean execution time rose " + fixed(pct, 1) + "% (" + summary + ")";
  p.occurrences = n;
  p.confidence = degradation_confidence(pct, n);
  p.suggestion = "Compare what changed between the two periods and profile the slowest nodes of recent traces";
  p.evidence.push_back(aggregation_citation(
      "AVG(total_duration_ms) of the earlier and later half of the traces in time order (started_at, file, line)", summary));
  out.push_back(std::move(p));
  return out;
}

std::vector<DetectedPattern> flow_patterns(const PatternsState& state, const PatternsConfig& config) {
  std::vector<DetectedPattern> out;
  if (state.traces == 0) return out;
  const double total = static_cast<double>(state.traces);
  for (const auto& [sig, flow] : state.flows) {
    if (sig.empty() || flow.count < config.min_pattern_occurrences) continue;
    const double ratio = static_cast<double>(flow.count) / total;
    const bool dominant = ratio > config.dominant_flow_ratio;
    const bool rare = ratio < config.rare_flow_ratio;
    if (!dominant && !rare) continue;
    const std::string hash = fingerprint_of(sig);
    auto p = make_pattern(std::string(dominant ? "flow_dominant:" : "flow_rare:") + hash, "ExecutionFlow");
    p.description = std::string(dominant ? "Dominant" : "Rare") + " execution flow (" + fixed(ratio * 100.0, 1) +
                    "% of traces): " + truncate_text(sig, 200);
    p.occurrences = flow.count;
    p.affected_nodes.assign(flow.nodes.begin(), flow.nodes.end());
    p.confidence = dominant ? ratio : 0.6;
    p.suggestion = dominant ? "Optimize this path first: it carries most executions"
                            : "Check whether this rare path handles an edge case correctly or can be removed";
    p.evidence.push_back(aggregation_citation("SELECT COUNT(*) FROM traces WHERE flow = '" + hash + "'",
                                              std::to_string(flow.count) + " of " + std::to_string(state.traces) +
                                                  " traces follow " + truncate_text(sig, 200)));
    auto traces = flow.evidence.citations();
    p.evidence.insert(p.evidence.end(), traces.begin(), traces.end());
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<DetectedPattern> token_outlier_patterns(const PatternsState& state, const PatternsConfig& config) {
  std::vector<DetectedPattern> out;
  const size_t n = state.samples.size();
  if (n == 0 || n < config.min_pattern_occurrences) return out;
  uint64_t sum = 0;
  for (const auto& s : state.samples.unordered()) sum += s.tokens;
  const double mean = static_cast<double>(sum) / static_cast<double>(n);
  const double limit = config.token_outlier_factor * mean;
  uint64_t high = 0;
  for (const auto& s : state.samples.unordered())
    if (static_cast<double>(s.tokens) > limit) ++high;
  if (high < config.min_token_outliers) return out;
  const std::string factor = factor_text(config.token_outlier_factor);
  auto p = make_pattern("token_outliers", "ResourceUsage");
  p.description =
      "High token usage outliers: " + std::to_string(high) + " executions with >" + factor + " average tokens";
  p.occurrences = high;
  p.confidence = 0.7;
  p.suggestion = "Inspect the prompts and context of the outlier executions; cap or summarize long inputs";
  p.evidence.push_back(aggregation_citation("SELECT COUNT(*) FROM traces WHERE total_tokens > " + factor + " AVG(total_tokens)",
                                            std::to_string(high) + " of " + std::to_string(n) +
                                                " traces above " + fixed(limit, 1) + " tokens"));
  out.push_back(std::move(p));
  return out;
}

std::vector<DetectedPattern> timeout_patterns(const PatternsState& state, const PatternsConfig& config) {
  std::vector<DetectedPattern> out;
  const PatternGroup& t = state.timeouts;
  if (t.count == 0 || t.count < config.min_timeout_errors) return out;
  auto p = make_pattern("timeouts", "Timeout");
  p.description = "Timeout errors: " + std::to_string(t.count) + " in nodes: " + join(t.nodes, ", ");
  p.occurrences = t.count;
  p.affected_nodes.assign(t.nodes.begin(), t.nodes.end());
  p.confidence = pattern_confidence(t.count, state.traces);
  p.suggestion = "Speed up the nodes that time out, or raise their timeout limits where the work is legitimate";
  p.evidence = t.evidence.citations();
  out.push_back(std::move(p));
  return out;
}

std::vector<DetectedPattern> select_patterns(std::vector<DetectedPattern> patterns, double min_confidence) {
  std::erase_if(patterns, [&](const DetectedPattern& p) { return p.confidence < min_confidence; });
  std::sort(patterns.begin(), patterns.end(), [](const DetectedPattern& a, const DetectedPattern& b) {
    if (a.occurrences != b.occurrences) return a.occurrences > b.occurrences;
    return a.key < b.key;
  });
  return patterns;
}

}  // namespace dashflow::analyzers
