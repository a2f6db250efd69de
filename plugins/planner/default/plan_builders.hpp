// The three plan sources of DashFlow's PlanGenerator (reference §4.1), with
// validation scores, fingerprints and neutral verification texts.
#pragma once

#include <optional>
#include <vector>

#include "dashflow/types.hpp"
#include "plan_common.hpp"
#include "planner_config.hpp"

namespace dashflow::planner {

// nullopt when gap.confidence < min_confidence. validation_score = confidence.
std::optional<ExecutionPlan> plan_from_gap(const CapabilityGap& gap, const PlanStamp& stamp,
                                           const PlannerConfig& config);

// nullopt when dep.confidence < min_confidence. Priority 3, validation_score = confidence.
std::optional<ExecutionPlan> plan_from_deprecation(const DeprecationRecommendation& dep, const PlanStamp& stamp,
                                                   const PlannerConfig& config);

// Missing tools (priority 2, score = impact score, or 0.5 without an impact),
// then platform insights, then application insights (priority 4, score 0.5).
// Counterfactuals and task insights give no plans (as in DashFlow).
std::vector<ExecutionPlan> plans_from_retrospective(const RetrospectiveAnalysis& retro, const PlanStamp& stamp,
                                                    const PlannerConfig& config);

}  // namespace dashflow::planner
