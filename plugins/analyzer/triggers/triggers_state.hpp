// What the triggers need from the traces of one run (one daemon cycle):
// per node the durations (for the slow-node verdict and its p95), the slow
// executions, retries and a few example traces; per run the failed traces;
// which nodes and tools ran at all.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"

namespace dashflow::analyzers {

// The first few traces behind a finding, for the alert's annotations.
struct Examples {
  static constexpr size_t kMax = 3;
  std::vector<std::string> traces;  // sorted, at most kMax
  void add(const std::string& trace);
  void merge(const Examples& other);
};

struct NodeTriggerStats {
  std::vector<uint32_t> durations_ms;  // one per execution, saturated
  uint64_t slow = 0;                   // executions above the threshold
  uint64_t max_ms = 0;
  uint64_t retries = 0;                // errors of this node with retry_attempted
  Examples slow_examples, retry_examples;
};

class TriggersState final : public AnalyzerState {
 public:
  void add(const ExecutionTrace& trace, const TraceOrigin& origin, uint64_t slow_threshold_ms);
  void merge(const TriggersState& other);

  // Persistence for the host's analysis cache: the tables as a JSON head,
  // the durations packed after it (dashflow_analyzers/packed_state.hpp), per
  // node in name order. load throws JsonError naming the field, or
  // std::runtime_error when the packed part does not fit the head.
  json head_json() const;
  void append_packed(std::string& out) const;
  void load(const json& head, std::string_view packed);

  uint64_t traces = 0;
  uint64_t failed = 0;  // not completed, or completed with errors
  Examples failed_examples;
  std::map<std::string, NodeTriggerStats> nodes;
  std::set<std::string> tools_called;
};

}  // namespace dashflow::analyzers
