// Thresholds of the alert triggers (dashflow-runtime.md §4.1/§4.2 defaults).
#pragma once

#include <cstdint>
#include <string>

#include "dashflow/json.hpp"

namespace dashflow::analyzers {

struct TriggersConfig {
  uint64_t slow_node_threshold_ms = 10000;  // an execution is slow when strictly above
  double error_rate_threshold = 0.05;       // failed traces / traces, strictly above
  uint64_t min_traces_for_error_rate = 5;   // fewer traces: no error-rate verdict
  uint64_t retry_threshold = 3;             // retries of one node in one run, strictly above
  uint64_t unused_min_traces = 50;          // traces needed before "never used" means something
  std::string graph = "default";            // the graph label on every alert

  // Throws ConfigError naming the key.
  static TriggersConfig from_json(const json& config);
};

}  // namespace dashflow::analyzers
