// Deprecation -> plan (reference §4.1 generate_from_deprecations).
#include <type_traits>

#include "finding_keys.hpp"
#include "plan_builders.hpp"
#include "text_util.hpp"

namespace dashflow::planner {
namespace {

std::string deprecation_title(const DeprecationTarget& target) {
  return std::visit(
      [](const auto& t) -> std::string {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, DeprecationTarget::Node>) return "Deprecate Node: " + t.name;
        else if constexpr (std::is_same_v<T, DeprecationTarget::Tool>) return "Deprecate Tool: " + t.name;
        else if constexpr (std::is_same_v<T, DeprecationTarget::Edge>) return "Deprecate Edge: " + t.from + " -> " + t.to;
        else if constexpr (std::is_same_v<T, DeprecationTarget::Feature>) return "Deprecate Feature: " + t.name;
        else return "Deprecate Code: " + t.location;
      },
      target.value);
}

}  // namespace

std::optional<ExecutionPlan> plan_from_deprecation(const DeprecationRecommendation& dep, const PlanStamp& stamp,
                                                   const PlannerConfig& config) {
  if (dep.confidence < config.min_confidence) return std::nullopt;
  ExecutionPlan plan = new_plan(stamp, kKindDeprecation, deprecation_key(dep), PlanCategory::ProcessImprovement, 3);
  plan.title = truncate_text(deprecation_title(dep.target), kMaxTitleBytes);
  std::string description = "Rationale: " + dep.rationale;
  if (!dep.benefits.empty()) description += ". Benefits: " + join(dep.benefits, ", ");
  if (!dep.risks.empty()) description += ". Risks: " + join(dep.risks, ", ");
  plan.description = truncate_text(description, kMaxDescriptionBytes);
  plan.estimated_commits = 1;

  add_step(plan, "Add deprecation warning", {}, verify::kBuildWithWarnings);
  if (dep.migration_path && !dep.migration_path->empty())
    add_step(plan, "Migrate usages: " + *dep.migration_path, {}, verify::kUnitTests);
  add_step(plan, "Remove deprecated code", {}, verify::kBuildAndTests);
  add_step(plan, "Verify no usages remain", {}, verify::kNoUsages);

  plan.success_criteria = {"All usages removed or migrated", "All tests pass", "No runtime errors"};
  plan.rollback_plan = "Revert deprecation changes. " +
                       (dep.migration_path && !dep.migration_path->empty() ? *dep.migration_path
                                                                            : std::string("Restore original code."));
  plan.citations = dep.evidence;
  set_validation(plan, dep.confidence, config);
  return plan;
}

}  // namespace dashflow::planner
