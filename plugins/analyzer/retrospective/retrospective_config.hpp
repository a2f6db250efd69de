// Settings of the retrospective analyzer (dashflow-core.md §3.3 defaults).
#pragma once

#include <cstdint>

#include "dashflow/json.hpp"

namespace dashflow::analyzers {

struct RetrospectiveConfig {
  bool include_platform_insights = true;
  uint64_t slow_trace_ms = 5000;           // slow trace: total_duration_ms strictly above
  double success_rate_target = 0.9;        // insight when the error-free rate is strictly below
  double hot_node_percent = 150;           // insight when executions/traces*100 is strictly above
  double variance_factor = 3;              // insight when max duration > factor * avg
  uint64_t high_avg_tokens = 10000;        // insight when the integer mean of tokens is strictly above
  uint64_t min_node_errors = 2;            // counterfactual per node: errors in failed traces (>=)
  uint64_t min_missing_tool_errors = 2;    // missing tool: identical raw messages (>=)

  static RetrospectiveConfig from_json(const json& config);
  bool operator==(const RetrospectiveConfig&) const = default;
};

}  // namespace dashflow::analyzers
