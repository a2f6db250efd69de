// Turning a PatternsState into DetectedPattern entries (dashflow-core.md §3.4,
// with degradation over time order and a timeout pattern).
#pragma once

#include <vector>

#include "dashflow/types.hpp"
#include "patterns_config.hpp"
#include "patterns_state.hpp"

namespace dashflow::analyzers {

inline constexpr const char* kPatternsId = "patterns";

std::vector<DetectedPattern> recurring_error_patterns(const PatternsState& state, const PatternsConfig& config);
std::vector<DetectedPattern> degradation_patterns(const PatternsState& state, const PatternsConfig& config);
std::vector<DetectedPattern> flow_patterns(const PatternsState& state, const PatternsConfig& config);
std::vector<DetectedPattern> token_outlier_patterns(const PatternsState& state, const PatternsConfig& config);
std::vector<DetectedPattern> timeout_patterns(const PatternsState& state, const PatternsConfig& config);

// Keep confidence >= min_confidence; order by occurrences descending, then key.
std::vector<DetectedPattern> select_patterns(std::vector<DetectedPattern> patterns, double min_confidence);

}  // namespace dashflow::analyzers
