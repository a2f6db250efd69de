#include "retrospective_findings.hpp"

#include <algorithm>
#include <utility>

#include "dashflow_analyzers/error_text.hpp"
#include "dashflow_analyzers/stats.hpp"
#include "dashflow_analyzers/text.hpp"

namespace dashflow::analyzers {

namespace {

// Entries with count >= min, by count descending, then key.
std::vector<std::pair<std::string, uint64_t>> ranked(const RetrospectiveState::Counts& counts, uint64_t min) {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const auto& [key, n] : counts)
    if (n >= min) out.emplace_back(key, n);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace

std::vector<Counterfactual> counterfactuals(const RetrospectiveState& state, const RetrospectiveConfig& config) {
  std::vector<Counterfactual> out;
  for (const auto& [node, n] : ranked(state.failed_node_errors, config.min_node_errors)) {
    out.push_back(Counterfactual{"Add retry logic or fallback mechanism for '" + node + "'",
                                 "Reduce failures from " + std::to_string(n) + " occurrences in '" + node + "'",
                                 "No fallback mechanism was implemented", 0.7});
  }
  if (state.slow_traces > 0) {
    const uint64_t avg = state.slow_duration_sum_ms / state.slow_traces;
    out.push_back(Counterfactual{"Implement caching or parallel execution for slow operations",
                                 "Reduce average execution time from " + std::to_string(avg) + "ms for " +
                                     std::to_string(state.slow_traces) + " slow executions",
                                 "Performance optimization not prioritized", 0.6});
  }
  return out;
}

std::vector<MissingToolAnalysis> missing_tools(const RetrospectiveState& state, const RetrospectiveConfig& config) {
  std::vector<MissingToolAnalysis> out;
  for (const auto& [message, n] : ranked(state.unavailable_messages, config.min_missing_tool_errors)) {
    const std::string count = std::to_string(n);
    out.push_back(MissingToolAnalysis{extract_tool_name_from_error(message), "Tool to handle: " + truncate_text(message, 60),
                                      "Would prevent " + count + " errors",
                                      impact_medium("Eliminate " + count + " recurring errors")});
  }
  return out;
}

std::vector<std::string> application_insights(const RetrospectiveState& state, const RetrospectiveConfig& config) {
  std::vector<std::string> out;
  if (state.traces == 0) return out;  // nothing ran: nothing to judge (the reference reports 0% here)
  const double traces = static_cast<double>(state.traces);
  const double rate = static_cast<double>(state.without_errors) / traces;
  if (rate < config.success_rate_target)
    out.push_back("Success rate of " + fixed(rate * 100.0, 1) + "% is below target. Focus on error reduction.");

  // Hottest node: most executions, ties to the alphabetically first name.
  const auto hottest = ranked(state.node_executions, 1);
  if (!hottest.empty()) {
    const double pct = static_cast<double>(hottest.front().second) / traces * 100.0;
    if (pct > config.hot_node_percent)
      out.push_back("Node '" + hottest.front().first + "' is heavily used (" + fixed(pct, 0) +
                    "% of executions). Consider optimizing.");
  }
  return out;
}

std::vector<std::string> task_insights(const RetrospectiveState& state, const RetrospectiveConfig& config) {
  std::vector<std::string> out;
  if (state.traces == 0) return out;
  const uint64_t avg = state.duration_sum_ms / state.traces;
  if (static_cast<double>(state.duration_max_ms) > config.variance_factor * static_cast<double>(avg))
    out.push_back("High variance in execution time (" + std::to_string(state.duration_min_ms) + "ms - " +
                  std::to_string(state.duration_max_ms) + "ms). Identify outlier causes.");
  const uint64_t avg_tokens = state.tokens_sum / state.traces;
  if (avg_tokens > config.high_avg_tokens)
    out.push_back("High average token usage (" + std::to_string(avg_tokens) +
                  " tokens/execution). Consider prompt optimization.");
  return out;
}

std::vector<std::string> platform_insights(const RetrospectiveState& state, const RetrospectiveConfig& config) {
  std::vector<std::string> out;
  if (!config.include_platform_insights) return out;
  if (state.timeouts > 0)
    out.push_back(std::to_string(state.timeouts) +
                  " timeout errors detected. Consider increasing timeout limits or optimizing slow nodes.");
  if (state.retries > state.traces / 2)
    out.push_back("High retry count (" + std::to_string(state.retries) + " retries in " +
                  std::to_string(state.traces) + " executions). Implement better error handling.");
  return out;
}

RetrospectiveAnalysis build_retrospective(const RetrospectiveState& state, const RetrospectiveConfig& config) {
  RetrospectiveAnalysis r;
  r.actual_execution = state.summary.summary();
  r.counterfactuals = counterfactuals(state, config);
  r.missing_tools = missing_tools(state, config);
  r.application_insights = application_insights(state, config);
  r.task_insights = task_insights(state, config);
  r.platform_insights = platform_insights(state, config);
  return r;
}

}  // namespace dashflow::analyzers
