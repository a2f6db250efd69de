// Stable keys and fingerprints of findings. A fingerprint never depends on
// text with live numbers, so the same finding in two runs gets the same one:
//   fingerprint = fingerprint_of(kind + "|" + key + "|" + plan category name)
// kind is "gap", "deprecation" or "retrospective"; key is the finding's `key`
// field when an analyzer set it, otherwise derived here from category +
// node/tool name (normalized: no digits survive).
#pragma once

#include <string>
#include <string_view>

#include "dashflow/types.hpp"

namespace dashflow::planner {

inline constexpr std::string_view kKindGap = "gap";
inline constexpr std::string_view kKindDeprecation = "deprecation";
inline constexpr std::string_view kKindRetrospective = "retrospective";

// MissingTool, MissingNode, InadequateFunctionality -> ApplicationImprovement;
// MissingIntegration -> PlatformImprovement; PerformanceGap -> Optimization.
PlanCategory plan_category_for_gap(const GapCategory& category);

// gap.key, or e.g. "missing_tool:geocode", "retry:fetch", "performance:fetch",
// "inadequate:fetch:recurring error pattern: timeout after <n>s".
std::string gap_key(const CapabilityGap& gap);
// dep.key, or "deprecate_node:<n>", "deprecate_tool:<t>", "deprecate_edge:<a>-><b>", ...
std::string deprecation_key(const DeprecationRecommendation& dep);
// "retro_tool:<tool_name>"
std::string retro_tool_key(const MissingToolAnalysis& tool);
// "insight:<scope>:<insight_kind>", scope "platform" or "application".
std::string insight_key(std::string_view scope, std::string_view insight);

std::string plan_fingerprint(std::string_view kind, std::string_view key, PlanCategory category);
std::string gap_fingerprint(const CapabilityGap& gap);
std::string deprecation_fingerprint(const DeprecationRecommendation& dep);

}  // namespace dashflow::planner
