// Execution summary of a set of traces, mergeable across threads.
#pragma once

#include <cstdint>

#include "dashflow/json.hpp"
#include "dashflow/types.hpp"

namespace dashflow {

class SummaryAccumulator {
 public:
  void add(const ExecutionTrace& trace);
  void merge(const SummaryAccumulator& other);
  // success = completed and no errors; retry_rate = retried errors / traces.
  ReportExecutionSummary summary() const;
  uint64_t traces() const { return traces_; }

  // The raw counters, {"traces", "successful", "duration_ms", "tokens",
  // "retries"}, so partial summaries can be stored (the host's analysis cache)
  // and merged later. from_json throws JsonError naming the bad field.
  json to_json() const;
  static SummaryAccumulator from_json(const json& j);
  bool operator==(const SummaryAccumulator&) const = default;

 private:
  uint64_t traces_ = 0, successful_ = 0, duration_ms_ = 0, tokens_ = 0, retries_ = 0;
};

// Deltas of `current` against `previous` (current - previous; retry too).
ComparisonMetrics compare(const ReportExecutionSummary& current, const ReportExecutionSummary& previous);

}  // namespace dashflow
