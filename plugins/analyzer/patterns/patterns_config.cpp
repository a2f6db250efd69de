#include "patterns_config.hpp"

#include "dashflow_analyzers/config.hpp"

namespace dashflow::analyzers {

PatternsConfig PatternsConfig::from_json(const json& config) {
  PatternsConfig c;
  c.min_pattern_occurrences = config_uint(config, "min_pattern_occurrences", c.min_pattern_occurrences);
  c.min_confidence = config_number(config, "min_confidence", c.min_confidence, 0.0, 1.0);
  c.min_degradation_traces = config_uint(config, "min_degradation_traces", c.min_degradation_traces);
  c.degradation_factor = config_number(config, "degradation_factor", c.degradation_factor, 0.0, 1e12);
  c.dominant_flow_ratio = config_number(config, "dominant_flow_ratio", c.dominant_flow_ratio, 0.0, 1.0);
  c.rare_flow_ratio = config_number(config, "rare_flow_ratio", c.rare_flow_ratio, 0.0, 1.0);
  c.token_outlier_factor = config_number(config, "token_outlier_factor", c.token_outlier_factor, 0.0, 1e12);
  c.min_token_outliers = config_uint(config, "min_token_outliers", c.min_token_outliers);
  c.min_timeout_errors = config_uint(config, "min_timeout_errors", c.min_timeout_errors);
  return c;
}

}  // namespace dashflow::analyzers
