// Turning a RetrospectiveState into a RetrospectiveAnalysis (dashflow-core.md
// §3.3), with deterministic orders: counts descending, then name.
#pragma once

#include <string>
#include <vector>

#include "dashflow/types.hpp"
#include "retrospective_config.hpp"
#include "retrospective_state.hpp"

namespace dashflow::analyzers {

std::vector<Counterfactual> counterfactuals(const RetrospectiveState& state, const RetrospectiveConfig& config);
std::vector<MissingToolAnalysis> missing_tools(const RetrospectiveState& state, const RetrospectiveConfig& config);
std::vector<std::string> application_insights(const RetrospectiveState& state, const RetrospectiveConfig& config);
std::vector<std::string> task_insights(const RetrospectiveState& state, const RetrospectiveConfig& config);
std::vector<std::string> platform_insights(const RetrospectiveState& state, const RetrospectiveConfig& config);

RetrospectiveAnalysis build_retrospective(const RetrospectiveState& state, const RetrospectiveConfig& config);

}  // namespace dashflow::analyzers
