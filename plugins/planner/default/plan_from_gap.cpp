// Gap -> plan (reference §4.1 generate_from_gaps).
#include <type_traits>

#include "finding_keys.hpp"
#include "plan_builders.hpp"
#include "text_util.hpp"

namespace dashflow::planner {
namespace {

std::string gap_title(const GapCategory& category) {
  return std::visit(
      [](const auto& c) -> std::string {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, GapCategory::MissingTool>) return "Add Tool: " + c.tool_description;
        else if constexpr (std::is_same_v<T, GapCategory::MissingNode>) return "Add Node: " + c.suggested_signature;
        else if constexpr (std::is_same_v<T, GapCategory::InadequateFunctionality>)
          return "Enhance " + c.node + ": " + c.limitation;
        else if constexpr (std::is_same_v<T, GapCategory::MissingIntegration>)
          return "Add Integration: " + c.external_system;
        else return "Optimize: " + c.bottleneck;
      },
      category.value);
}

void add_category_steps(ExecutionPlan& plan, const GapCategory& category) {
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, GapCategory::MissingTool>) {
          add_step(plan, "Create tool: " + c.tool_description, {"src/tools/new_tool"}, verify::kBuild);
          add_step(plan, "Add tool tests", {"src/tools/new_tool_tests"}, verify::kUnitTests);
          add_step(plan, "Integrate tool with graph", {"src/graph"}, verify::kIntegrationTests);
        } else if constexpr (std::is_same_v<T, GapCategory::MissingNode>) {
          add_step(plan, "Create node with signature: " + c.suggested_signature, {"src/nodes/new_node"},
                   verify::kBuild);
          add_step(plan, "Add node to graph", {"src/graph"}, verify::kUnitTests);
        } else if constexpr (std::is_same_v<T, GapCategory::InadequateFunctionality>) {
          add_step(plan, "Enhance " + c.node + " to address: " + c.limitation, {"src/nodes/" + c.node},
                   verify::kBuild);
          add_step(plan, "Update tests for enhanced functionality", {}, verify::kUnitTests);
        } else if constexpr (std::is_same_v<T, GapCategory::MissingIntegration>) {
          add_step(plan, "Add integration for " + c.external_system, {"src/integrations/" + c.external_system},
                   verify::kBuild);
          add_step(plan, "Add integration tests", {}, verify::kIntegrationTests);
        } else {
          add_step(plan, "Profile and optimize: " + c.bottleneck, {}, verify::kBenchmark);
          add_step(plan, "Validate performance improvement", {}, verify::kBenchmark);
        }
      },
      category.value);
}

std::string gap_rollback(const GapCategory& category) {
  return std::visit(
      [](const auto& c) -> std::string {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, GapCategory::MissingTool>)
          return "Remove the " + c.tool_description + " tool and revert to previous behavior";
        else if constexpr (std::is_same_v<T, GapCategory::MissingNode>)
          return "Remove the new node (" + c.suggested_signature + ") and revert graph changes";
        else if constexpr (std::is_same_v<T, GapCategory::InadequateFunctionality>)
          return "Revert changes to " + c.node + " node";
        else if constexpr (std::is_same_v<T, GapCategory::MissingIntegration>)
          return "Remove " + c.external_system + " integration";
        else return "Revert optimization changes if performance regresses";
      },
      category.value);
}

std::vector<std::string> success_criteria(const Impact& impact) {
  std::vector<std::string> criteria;
  if (impact.error_reduction > 0.1)
    criteria.push_back("Error rate reduced by at least " + format_fixed(impact.error_reduction * 100.0 * 0.8, 0) + "%");
  if (impact.latency_reduction_ms > 50)
    criteria.push_back("Latency reduced by at least " + format_fixed(impact.latency_reduction_ms * 0.8, 0) + "ms");
  if (impact.accuracy_improvement > 0.1)
    criteria.push_back("Accuracy improved by at least " + format_fixed(impact.accuracy_improvement * 100.0 * 0.8, 0) +
                       "%");
  criteria.push_back("All existing tests pass");
  criteria.push_back("New functionality has test coverage");
  return criteria;
}

}  // namespace

std::optional<ExecutionPlan> plan_from_gap(const CapabilityGap& gap, const PlanStamp& stamp,
                                           const PlannerConfig& config) {
  if (gap.confidence < config.min_confidence) return std::nullopt;
  ExecutionPlan plan = new_plan(stamp, kKindGap, gap_key(gap), plan_category_for_gap(gap.category),
                                plan_priority(gap_priority(gap)));
  plan.title = truncate_text(gap_title(gap.category), kMaxTitleBytes);
  plan.description =
      truncate_text(gap.description + ". Proposed solution: " + gap.proposed_solution, kMaxDescriptionBytes);
  plan.estimated_commits = 2;
  add_category_steps(plan, gap.category);
  if (config.auto_add_test_steps) add_step(plan, "Run full test suite", {}, verify::kFullSuite);
  plan.success_criteria = success_criteria(gap.expected_impact);
  if (config.auto_add_rollback) plan.rollback_plan = gap_rollback(gap.category);
  plan.citations = gap.evidence;
  set_validation(plan, gap.confidence, config);
  return plan;
}

}  // namespace dashflow::planner
