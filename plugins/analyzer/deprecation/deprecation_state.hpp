// Mergeable state of the deprecation analyzer: how often each node ran and
// each tool was called, when a tool was last used, and the earliest uses.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "dashflow_analyzers/evidence.hpp"

namespace dashflow::analyzers {

struct UsageStats {
  uint64_t count = 0;
  int64_t last_used_ms = 0;  // latest started_at of a trace using it; 0 = unknown
  EvidenceSet evidence;      // earliest traces using it
};

class DeprecationState final : public AnalyzerState {
 public:
  uint64_t traces = 0;
  std::map<std::string, UsageStats, std::less<>> nodes;  // NodeExecution entries per name
  std::map<std::string, UsageStats, std::less<>> tools;  // tool calls per name

  void add(const ExecutionTrace& trace, const TraceOrigin& origin);
  void merge(const DeprecationState& other);

  json to_json() const;
  static DeprecationState from_json(const json& j);
};

}  // namespace dashflow::analyzers
