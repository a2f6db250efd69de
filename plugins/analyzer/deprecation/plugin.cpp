// The plugin entry of the deprecation analyzer. The tests read the manifest
// below from this file and check its defaults against the code.
#include "dashflow/export.hpp"
#include "deprecation.hpp"

DASHFLOW_PLUGIN(dashflow::analyzers::DeprecationAnalyzer, R"json({
  "id": "deprecation",
  "kind": "analyzer",
  "version": "1.0.0",
  "description": "Recommends deprecating known nodes and tools that are never or rarely used",
  "config_schema": {
    "type": "object",
    "properties": {
      "min_total_executions": {"type": "integer", "minimum": 0, "default": 10,
        "description": "Traces needed (inclusive) before any recommendation is made"},
      "usage_threshold": {"type": "number", "minimum": 0, "default": 0.01,
        "description": "A known node is rarely used when its executions per trace are strictly below this"},
      "min_confidence": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.6,
        "description": "Recommendations with a lower confidence are dropped (inclusive threshold)"},
      "rare_tool_max_share": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.05,
        "description": "A called tool is rarely used when its calls are strictly below this share of the most used tool's calls (and below rare_tool_avg_factor times the mean)"},
      "rare_tool_avg_factor": {"type": "number", "minimum": 0, "default": 0.1,
        "description": "A called tool is rarely used when its calls are strictly below this factor times the mean calls per tool (and below rare_tool_max_share)"},
      "known_nodes": {"type": "array", "items": {"type": "string"}, "default": [],
        "description": "Node names of the graph; merged with the nodes the host passes (pipeline config or graph manifest)"},
      "known_tools": {"type": "array", "items": {"type": "string"}, "default": [],
        "description": "Tool names available to the graph; merged with the tools the host passes"}
    },
    "additionalProperties": false
  }
})json")
