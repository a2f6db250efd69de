// Mergeable state of the retrospective analyzer: the execution summary
// (SummaryAccumulator, as the host computes it) and the counters behind the
// counterfactuals, missing tools and insights.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "dashflow/summary.hpp"

namespace dashflow::analyzers {

class RetrospectiveState final : public AnalyzerState {
 public:
  using Counts = std::map<std::string, uint64_t, std::less<>>;

  SummaryAccumulator summary;
  // The same totals as plain numbers (integer means in texts; persistence).
  uint64_t traces = 0;
  uint64_t successful = 0;       // completed and no errors
  uint64_t without_errors = 0;   // no errors (the reference's insight rate)
  uint64_t duration_sum_ms = 0;
  uint64_t duration_min_ms = std::numeric_limits<uint64_t>::max();
  uint64_t duration_max_ms = 0;
  uint64_t tokens_sum = 0;
  uint64_t retries = 0;          // errors with retry_attempted
  uint64_t timeouts = 0;         // errors mentioning "timeout" or typed Timeout
  uint64_t slow_traces = 0;
  uint64_t slow_duration_sum_ms = 0;
  Counts failed_node_errors;     // errors per node, in traces that are not successful
  Counts unavailable_messages;   // raw messages with "not found"/"unavailable"/"not implemented"
  Counts node_executions;

  void add(const ExecutionTrace& trace, uint64_t slow_trace_ms);
  void merge(const RetrospectiveState& other);

  json to_json() const;
  static RetrospectiveState from_json(const json& j);
};

}  // namespace dashflow::analyzers
