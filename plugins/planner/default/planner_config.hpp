// Configuration of the default planner (keys of the manifest's config_schema).
#pragma once

#include <cstdint>

#include "dashflow/json.hpp"

namespace dashflow::planner {

struct PlannerConfig {
  double min_confidence = 0.6;                // gaps/deprecations below this get no plan
  double min_validation_score = 0.5;          // plans at or above are Validated, else Proposed
  uint64_t evaluate_after_executions = 50;    // hypothesis trigger AfterExecutions(N)
  double metric_tolerance = 0.2;              // promised magnitude may be missed by this fraction
  double min_confidence_for_hypothesis = 0.5; // findings below this get no hypothesis
  uint64_t min_reports_for_patterns = 3;      // meta-analysis needs this many reports
  uint64_t analysis_window = 10;              // newest reports used by meta-analysis
  double recurrence_threshold = 0.3;          // share of window reports a gap must appear in
  bool auto_add_test_steps = true;            // append "Run full test suite" to gap plans
  bool auto_add_rollback = true;              // fill rollback_plan of gap plans

  // Reads the keys present in `config` (missing keys keep their defaults).
  // Throws dashflow::ConfigError naming the key on a wrong type or range.
  static PlannerConfig from_json(const json& config);
};

}  // namespace dashflow::planner
