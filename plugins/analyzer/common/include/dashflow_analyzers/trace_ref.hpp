// A small reference to one trace: its time-order key (started_at, source,
// line) and the ids a citation needs. Analyzer states keep a few of these
// instead of whole traces.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "dashflow/json.hpp"
#include "dashflow/types.hpp"

namespace dashflow::analyzers {

struct TraceRef {
  // Declaration order is the time order: started_at, then file, then line.
  int64_t started_at_ms = 0;
  std::string source;
  uint64_t line = 0;
  std::string thread_id;     // empty when absent
  std::string execution_id;  // empty when absent

  static TraceRef of(const ExecutionTrace& trace, const TraceOrigin& origin);
  auto operator<=>(const TraceRef&) const = default;
  bool operator==(const TraceRef&) const = default;
};

// Time order of an origin against a ref: <0, 0 (same trace position), >0.
int compare_time(const TraceOrigin& origin, const TraceRef& ref);

// Citation of the trace: id "trace-" + first 8 characters of execution_id,
// else thread_id, else the file name; ExecutionTrace{thread_id, started_at};
// TraceStorage{"thread_id = '<t>'"} when there is a thread id, else File{source}.
Citation trace_citation(const TraceRef& ref);

// Citation of a computed aggregate, with a stable id ("agg-" + 8 hex digits
// of the fingerprint of the query and summary).
Citation aggregation_citation(const std::string& query, const std::string& result_summary);

// State persistence: [started_at_ms, source, line, thread_id, execution_id].
json trace_ref_to_json(const TraceRef& ref);
TraceRef trace_ref_from_json(const json& j);

}  // namespace dashflow::analyzers
