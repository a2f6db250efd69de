// Retrospective -> plans (reference §4.1 generate_from_retrospective).
#include <cctype>

#include "dashflow/ids.hpp"

#include "finding_keys.hpp"
#include "plan_builders.hpp"
#include "text_util.hpp"

namespace dashflow::planner {
namespace {

// Insight titles keep DashFlow's 50-byte prefix (UTF-8 safe, no ellipsis).
constexpr size_t kInsightTitleBytes = 50;
// Score of retrospective plans that carry no impact estimate.
constexpr double kRetrospectiveScore = 0.5;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

ExecutionPlan plan_from_missing_tool(const MissingToolAnalysis& tool, const PlanStamp& stamp,
                                     const PlannerConfig& config) {
  // A named missing tool is the same finding as capability-gaps' "missing_tool:<name>" gap:
  // sharing its fingerprint lets dedup merge the two plans (and their citations)
  // into one instead of proposing "Add Tool: ..." and "Add <tool>" side by side.
  const bool named = !tool.tool_name.empty() && tool.tool_name != "unknown_tool";
  ExecutionPlan plan = named ? new_plan(stamp, kKindGap, "missing_tool:" + tool.tool_name,
                                        PlanCategory::ApplicationImprovement, 2)
                             : new_plan(stamp, kKindRetrospective, retro_tool_key(tool),
                                        PlanCategory::ApplicationImprovement, 2);
  plan.title = truncate_text("Add " + tool.tool_name, kMaxTitleBytes);
  plan.description = truncate_text(
      "Add " + tool.tool_name + " to address: " + tool.description + ". Expected benefit: " + tool.benefit,
      kMaxDescriptionBytes);
  plan.estimated_commits = 2;
  const std::string file = lower_ascii(tool.tool_name);
  add_step(plan, "Create " + tool.tool_name + " module", {"src/tools/" + file}, verify::kBuild);
  add_step(plan, "Add unit tests", {"src/tools/" + file + "_tests"}, verify::kUnitTests);
  add_step(plan, "Integrate with graph", {"src/graph"}, verify::kIntegrationTests);
  plan.success_criteria = {tool.tool_name + " correctly implements required functionality", "All unit tests pass",
                           "Integration tests pass"};
  plan.rollback_plan = "Remove " + tool.tool_name + " and related integrations";
  const double score = impact_score(tool.impact);
  set_validation(plan, score > 0 ? score : kRetrospectiveScore, config);
  return plan;
}

ExecutionPlan plan_from_insight(std::string_view scope, const std::string& insight, size_t index,
                                PlanCategory category, const PlanStamp& stamp, const PlannerConfig& config) {
  ExecutionPlan plan = new_plan(stamp, kKindRetrospective, insight_key(scope, insight), category, 4);
  plan.title = "Insight #" + std::to_string(index + 1) + ": " + utf8_prefix(insight, kInsightTitleBytes);
  plan.description = truncate_text(insight, kMaxDescriptionBytes);
  plan.estimated_commits = 1;
  add_step(plan, "Investigate and implement insight", {}, verify::kManual);
  plan.success_criteria = {"Insight addressed"};
  set_validation(plan, kRetrospectiveScore, config);
  return plan;
}

}  // namespace

std::vector<ExecutionPlan> plans_from_retrospective(const RetrospectiveAnalysis& retro, const PlanStamp& stamp,
                                                    const PlannerConfig& config) {
  std::vector<ExecutionPlan> plans;
  for (const auto& tool : retro.missing_tools) plans.push_back(plan_from_missing_tool(tool, stamp, config));
  for (size_t i = 0; i < retro.platform_insights.size(); ++i)
    plans.push_back(plan_from_insight("platform", retro.platform_insights[i], i, PlanCategory::PlatformImprovement,
                                      stamp, config));
  for (size_t i = 0; i < retro.application_insights.size(); ++i)
    plans.push_back(plan_from_insight("application", retro.application_insights[i], i,
                                      PlanCategory::ApplicationImprovement, stamp, config));
  return plans;
}

}  // namespace dashflow::planner
