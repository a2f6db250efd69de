// Turning a DeprecationState into recommendations (dashflow-core.md §3.2,
// with known nodes/tools from config and context, never-used tools, and a
// tool confidence that can pass min_confidence).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "dashflow/types.hpp"
#include "deprecation_config.hpp"
#include "deprecation_state.hpp"

namespace dashflow::analyzers {

inline constexpr const char* kDeprecationId = "deprecation";

// Known names of config and context, without duplicates or empty names.
std::set<std::string> merge_known(const std::vector<std::string>& a, const std::vector<std::string>& b);

std::vector<DeprecationRecommendation> node_recommendations(const DeprecationState& state,
                                                            const DeprecationConfig& config,
                                                            const std::set<std::string>& known_nodes);
std::vector<DeprecationRecommendation> tool_recommendations(const DeprecationState& state,
                                                            const DeprecationConfig& config,
                                                            const std::set<std::string>& known_tools);

// Keep confidence >= min_confidence; order by confidence descending, then key.
std::vector<DeprecationRecommendation> select_recommendations(std::vector<DeprecationRecommendation> recs,
                                                              double min_confidence);

}  // namespace dashflow::analyzers
