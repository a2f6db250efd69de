// Settings of the deprecation analyzer (dashflow-core.md §3.2 defaults, plus
// the registry of known nodes and tools that the reference never passed in).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dashflow/json.hpp"

namespace dashflow::analyzers {

struct DeprecationConfig {
  uint64_t min_total_executions = 10;   // fewer traces: no recommendation at all
  double usage_threshold = 0.01;        // node executions per trace strictly below
  double min_confidence = 0.6;          // recommendations below are dropped (>=)
  double rare_tool_max_share = 0.05;    // tool calls / most used tool's calls strictly below
  double rare_tool_avg_factor = 0.1;    // and tool calls strictly below factor * mean calls per tool
  std::vector<std::string> known_nodes;  // merged with AnalysisContext::known_nodes
  std::vector<std::string> known_tools;  // merged with AnalysisContext::known_tools

  static DeprecationConfig from_json(const json& config);
  bool operator==(const DeprecationConfig&) const = default;
};

}  // namespace dashflow::analyzers
