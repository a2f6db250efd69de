// The plugin entry of the capability-gaps analyzer. The tests read the
// manifest below from this file and check its defaults against the code.
#include "capability_gaps.hpp"
#include "dashflow/export.hpp"

DASHFLOW_PLUGIN(dashflow::analyzers::CapabilityGapAnalyzer, R"json({
  "id": "capability-gaps",
  "kind": "analyzer",
  "version": "1.1.0",
  "description": "Finds recurring error patterns, nodes with high retry rates, slow nodes (p95) and missing tools",
  "config_schema": {
    "type": "object",
    "properties": {
      "min_error_count": {"type": "integer", "minimum": 1, "default": 2,
        "description": "Occurrences (inclusive) an error pattern or a missing tool needs to become a gap"},
      "min_retry_rate": {"type": "number", "minimum": 0, "default": 0.1,
        "description": "Retries per node execution (inclusive) that make a retry gap"},
      "min_pattern_occurrences": {"type": "integer", "minimum": 1, "default": 3,
        "description": "Executions of a node (inclusive) before its p95 latency is judged"},
      "min_confidence": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
        "description": "Gaps with a lower confidence are dropped (inclusive threshold)"},
      "threshold_ms": {"type": "integer", "minimum": 0, "default": 1000,
        "description": "A node is slow when its nearest-rank p95 duration is strictly above this many milliseconds"}
    },
    "additionalProperties": false
  }
})json")
