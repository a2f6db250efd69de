// Execution summary of a set of traces, mergeable across threads.
#pragma once

#include <cstdint>

#include "dashflow/types.hpp"

namespace dashflow {

class SummaryAccumulator {
 public:
  void add(const ExecutionTrace& trace);
  void merge(const SummaryAccumulator& other);
  // success = completed and no errors; retry_rate = retried errors / traces.
  ReportExecutionSummary summary() const;
  uint64_t traces() const { return traces_; }

 private:
  uint64_t traces_ = 0, successful_ = 0, duration_ms_ = 0, tokens_ = 0, retries_ = 0;
};

// Deltas of `current` against `previous` (current - previous; retry too).
ComparisonMetrics compare(const ReportExecutionSummary& current, const ReportExecutionSummary& previous);

}  // namespace dashflow
