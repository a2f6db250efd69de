// Settings of the capability-gaps analyzer (dashflow-core.md §3.1 defaults).
#pragma once

#include <cstdint>

#include "dashflow/json.hpp"

namespace dashflow::analyzers {

struct CapabilityGapConfig {
  uint64_t min_error_count = 2;          // error pattern / missing tool: occurrences (>=)
  double min_retry_rate = 0.1;           // retries per node execution (>=)
  uint64_t min_pattern_occurrences = 3;  // samples before a node's p95 is judged (>=)
  double min_confidence = 0.5;           // gaps below are dropped (>=)
  uint64_t threshold_ms = 1000;          // slow node: p95 strictly above

  static CapabilityGapConfig from_json(const json& config);
  bool operator==(const CapabilityGapConfig&) const = default;
};

}  // namespace dashflow::analyzers
