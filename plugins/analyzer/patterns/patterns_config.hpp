// Settings of the patterns analyzer (dashflow-core.md §3.4 defaults, plus
// the timeout pattern).
#pragma once

#include <cstdint>

#include "dashflow/json.hpp"

namespace dashflow::analyzers {

struct PatternsConfig {
  uint64_t min_pattern_occurrences = 3;  // recurring error / flow: occurrences (>=); token outliers: traces (>=)
  double min_confidence = 0.6;           // patterns below are dropped (>=)
  uint64_t min_degradation_traces = 6;   // traces needed (>=) to compare the halves
  double degradation_factor = 1.2;       // later-half mean strictly above factor * earlier-half mean
  double dominant_flow_ratio = 0.5;      // flow share strictly above
  double rare_flow_ratio = 0.05;         // flow share strictly below
  double token_outlier_factor = 2.0;     // tokens strictly above factor * mean
  uint64_t min_token_outliers = 3;       // outliers (>=)
  uint64_t min_timeout_errors = 3;       // timeout errors (>=)

  static PatternsConfig from_json(const json& config);
  bool operator==(const PatternsConfig&) const = default;
};

}  // namespace dashflow::analyzers
