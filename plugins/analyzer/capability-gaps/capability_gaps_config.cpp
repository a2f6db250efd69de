#include "capability_gaps_config.hpp"

#include "dashflow_analyzers/config.hpp"

namespace dashflow::analyzers {

CapabilityGapConfig CapabilityGapConfig::from_json(const json& config) {
  CapabilityGapConfig c;
  c.min_error_count = config_uint(config, "min_error_count", c.min_error_count);
  c.min_retry_rate = config_number(config, "min_retry_rate", c.min_retry_rate, 0.0, 1e9);
  c.min_pattern_occurrences = config_uint(config, "min_pattern_occurrences", c.min_pattern_occurrences);
  c.min_confidence = config_number(config, "min_confidence", c.min_confidence, 0.0, 1.0);
  c.threshold_ms = config_uint(config, "threshold_ms", c.threshold_ms);
  return c;
}

}  // namespace dashflow::analyzers
