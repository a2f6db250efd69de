// The plugin entry of the patterns analyzer. The tests read the manifest
// below from this file and check its defaults against the code.
#include "dashflow/export.hpp"
#include "patterns.hpp"

DASHFLOW_PLUGIN(dashflow::analyzers::PatternsAnalyzer, R"json({
  "id": "patterns",
  "kind": "analyzer",
  "version": "1.2.0",
  "description": "Detects recurring errors, performance degradation over time, dominant and rare flows, token outliers and timeouts",
  "config_schema": {
    "type": "object",
    "properties": {
      "min_pattern_occurrences": {"type": "integer", "minimum": 1, "default": 3,
        "description": "Occurrences (inclusive) a recurring error or a flow needs; also the traces needed for token outliers"},
      "min_confidence": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.6,
        "description": "Patterns with a lower confidence are dropped (inclusive threshold)"},
      "min_degradation_traces": {"type": "integer", "minimum": 2, "default": 6,
        "description": "Traces needed (inclusive) to compare the earlier and later half in time order"},
      "degradation_factor": {"type": "number", "minimum": 0, "default": 1.2,
        "description": "Degradation when the later half's mean duration is strictly above this factor times the earlier half's"},
      "dominant_flow_ratio": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
        "description": "A flow (node sequence) is dominant when its share of traces is strictly above this"},
      "rare_flow_ratio": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.05,
        "description": "A flow is rare when its share of traces is strictly below this"},
      "token_outlier_factor": {"type": "number", "minimum": 0, "default": 2.0,
        "description": "A trace is a token outlier when its total_tokens are strictly above this factor times the mean"},
      "min_token_outliers": {"type": "integer", "minimum": 1, "default": 3,
        "description": "Token outliers needed (inclusive) for a pattern"},
      "min_timeout_errors": {"type": "integer", "minimum": 1, "default": 3,
        "description": "Timeout errors needed (inclusive) for a pattern"}
    },
    "additionalProperties": false
  }
})json")
