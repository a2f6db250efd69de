// Entry point of the built-in planner plugin; the logic is in default_planner.cpp.
#include "dashflow/export.hpp"
#include "default_planner.hpp"

DASHFLOW_PLUGIN(dashflow::planner::DefaultPlanner, R"json({
  "id": "default-planner",
  "kind": "planner",
  "version": "1.0.0",
  "description": "Plans from gaps, deprecations and the retrospective (scored, fingerprinted, deduplicated), hypotheses with measurable expectations checked by magnitude, and cross-report meta-analysis",
  "config_schema": {
    "type": "object",
    "properties": {
      "min_confidence": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.6,
        "description": "Gaps and deprecations below this confidence get no plan"},
      "min_validation_score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
        "description": "Plans whose validation score (the source confidence) reaches this are Validated, others Proposed"},
      "evaluate_after_executions": {"type": "integer", "minimum": 1, "default": 50,
        "description": "Hypotheses are evaluated after this many new executions (AfterExecutions trigger)"},
      "metric_tolerance": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.2,
        "description": "Fraction by which a promised improvement may fall short and still count (0.2: 80% of the promise)"},
      "min_confidence_for_hypothesis": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
        "description": "Findings below this confidence get no hypothesis"},
      "min_reports_for_patterns": {"type": "integer", "minimum": 1, "default": 3,
        "description": "Meta-analysis needs at least this many reports"},
      "analysis_window": {"type": "integer", "minimum": 1, "default": 10,
        "description": "Number of newest reports the meta-analysis looks at"},
      "recurrence_threshold": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.3,
        "description": "Share of the window's reports a gap must appear in to be recurring (at least 2 reports)"},
      "auto_add_test_steps": {"type": "boolean", "default": true,
        "description": "Append a 'Run full test suite' step to gap plans"},
      "auto_add_rollback": {"type": "boolean", "default": true,
        "description": "Give gap plans a rollback plan"}
    },
    "additionalProperties": false
  }
})json")
