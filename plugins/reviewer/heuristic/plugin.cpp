#include "heuristic_reviewer.hpp"

DASHFLOW_PLUGIN(dashflow_plugins::HeuristicReviewer, R"json({
  "id": "heuristic",
  "kind": "reviewer",
  "version": "1.0.0",
  "description": "Deterministic offline reviewer: judges a plan by its evidence, confidence, steps, success criteria and rollback",
  "config_schema": {
    "type": "object",
    "properties": {
      "min_citations": {"type": "integer", "minimum": 0, "default": 1,
                        "description": "Citations a plan needs before it is trusted"},
      "min_score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.6,
                    "description": "Validation score below which the reviewer raises a confidence critique"}
    },
    "additionalProperties": false
  }
})json")
