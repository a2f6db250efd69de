// Turning a CapabilityGapState into gaps: the four sub-analyses of
// dashflow-core.md §3.1 and the final selection (confidence filter, dedup by
// (category, key), deterministic order).
#pragma once

#include <vector>

#include "capability_gaps_config.hpp"
#include "capability_gaps_state.hpp"
#include "dashflow/types.hpp"

namespace dashflow::analyzers {

inline constexpr const char* kCapabilityGapsId = "capability-gaps";

std::vector<CapabilityGap> error_pattern_gaps(const CapabilityGapState& state, const CapabilityGapConfig& config);
std::vector<CapabilityGap> retry_gaps(const CapabilityGapState& state, const CapabilityGapConfig& config);
std::vector<CapabilityGap> slow_node_gaps(const CapabilityGapState& state, const CapabilityGapConfig& config);
std::vector<CapabilityGap> missing_tool_gaps(const CapabilityGapState& state, const CapabilityGapConfig& config);

// Keep confidence >= min_confidence, drop later duplicates of a (category,
// key), order by confidence descending, then key.
std::vector<CapabilityGap> select_gaps(std::vector<CapabilityGap> gaps, double min_confidence);

}  // namespace dashflow::analyzers
