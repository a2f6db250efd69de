// The plugin entry of the retrospective analyzer. The tests read the manifest
// below from this file and check its defaults against the code.
#include "dashflow/export.hpp"
#include "retrospective.hpp"

DASHFLOW_PLUGIN(dashflow::analyzers::RetrospectiveAnalyzer, R"json({
  "id": "retrospective",
  "kind": "analyzer",
  "version": "1.0.0",
  "description": "Execution summary, counterfactuals, missing tools and application/task/platform insights",
  "config_schema": {
    "type": "object",
    "properties": {
      "include_platform_insights": {"type": "boolean", "default": true,
        "description": "Emit platform insights (timeouts, retry counts)"},
      "slow_trace_ms": {"type": "integer", "minimum": 0, "default": 5000,
        "description": "A trace is slow when its total_duration_ms is strictly above this"},
      "success_rate_target": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.9,
        "description": "Insight when the share of traces without errors is strictly below this"},
      "hot_node_percent": {"type": "number", "minimum": 0, "default": 150,
        "description": "Insight when the most executed node runs strictly more than this percentage of the traces"},
      "variance_factor": {"type": "number", "minimum": 0, "default": 3,
        "description": "Insight when the longest trace is strictly longer than this factor times the (integer) mean"},
      "high_avg_tokens": {"type": "integer", "minimum": 0, "default": 10000,
        "description": "Insight when the integer mean of total_tokens is strictly above this"},
      "min_node_errors": {"type": "integer", "minimum": 1, "default": 2,
        "description": "Errors of a node in failed traces (inclusive) that produce a fallback counterfactual"},
      "min_missing_tool_errors": {"type": "integer", "minimum": 1, "default": 2,
        "description": "Identical 'not found'/'unavailable'/'not implemented' messages (inclusive) that make a missing tool"}
    },
    "additionalProperties": false
  }
})json")
