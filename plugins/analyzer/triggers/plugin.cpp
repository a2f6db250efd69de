// The plugin entry of the triggers analyzer.
#include "dashflow/export.hpp"
#include "triggers.hpp"

DASHFLOW_PLUGIN(dashflow::analyzers::TriggersAnalyzer, R"json({
  "id": "triggers",
  "kind": "analyzer",
  "version": "1.1.0",
  "description": "Alert triggers per node per run: slow nodes, high error rate, repeated retries, unused capabilities (what the daemon alerts on)",
  "config_schema": {
    "type": "object",
    "properties": {
      "slow_node_threshold_ms": {"type": "integer", "minimum": 0, "default": 10000,
        "description": "An execution is slow when it takes strictly longer than this many milliseconds"},
      "error_rate_threshold": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.05,
        "description": "Alert when the share of failed runs (not completed, or with errors) is strictly above this"},
      "min_traces_for_error_rate": {"type": "integer", "minimum": 1, "default": 5,
        "description": "Runs needed before the error rate is judged"},
      "retry_threshold": {"type": "integer", "minimum": 0, "default": 3,
        "description": "Alert when a node has strictly more retried errors than this in one run"},
      "unused_min_traces": {"type": "integer", "minimum": 1, "default": 50,
        "description": "Runs needed before a known node or tool that never ran is reported as unused"},
      "graph": {"type": "string", "default": "default",
        "description": "Graph name put in the 'graph' label of every alert"}
    },
    "additionalProperties": false
  }
})json")
