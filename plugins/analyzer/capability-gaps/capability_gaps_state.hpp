// Mergeable state of the capability-gaps analyzer: per error pattern, per
// node and per missing tool counts, a few samples and the earliest traces as
// evidence. No trace is kept whole.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "dashflow_analyzers/evidence.hpp"

namespace dashflow::analyzers {

// One raw error message with its position in time order (trace, then the
// error's index inside the trace).
struct MessageSample {
  int64_t started_at_ms = 0;
  std::string source;
  uint64_t line = 0;
  uint64_t error_index = 0;
  std::string message;
  auto operator<=>(const MessageSample&) const = default;
  bool operator==(const MessageSample&) const = default;
};

struct ErrorGroup {
  uint64_t count = 0;
  std::set<std::string> nodes;
  std::vector<MessageSample> samples;  // the earliest 3, ascending
  EvidenceSet evidence;
};

struct NodeStats {
  uint64_t executions = 0;
  uint64_t retries = 0;  // errors at this node with retry_attempted
  uint64_t duration_sum_ms = 0;
  std::vector<uint32_t> durations_ms;  // one per execution, saturated at 2^32-1
  EvidenceSet retry_evidence;
  EvidenceSet slow_evidence;  // executions above the slow threshold
};

struct ToolErrorStats {
  uint64_t count = 0;
  EvidenceSet evidence;
};

class CapabilityGapState final : public AnalyzerState {
 public:
  static constexpr size_t kMaxSamples = 3;

  uint64_t traces = 0;
  std::map<std::string, ErrorGroup, std::less<>> errors;  // by normalized message
  std::map<std::string, NodeStats, std::less<>> nodes;
  std::map<std::string, ToolErrorStats, std::less<>> missing_tools;

  void add(const ExecutionTrace& trace, const TraceOrigin& origin, uint64_t slow_threshold_ms);
  void merge(const CapabilityGapState& other);

  // Persistence for the host's analysis cache: the tables as a JSON head,
  // the per-node durations packed after it (dashflow_analyzers/packed_state.hpp),
  // node by node in name order.
  json head_json() const;
  void append_packed(std::string& out) const;
  static CapabilityGapState load(const json& head, std::string_view packed);

 private:
  NodeStats& node(const std::string& name);
  void add_errors(const ExecutionTrace& trace, const TraceOrigin& origin);
};

}  // namespace dashflow::analyzers
