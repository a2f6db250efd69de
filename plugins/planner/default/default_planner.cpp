#include "default_planner.hpp"

#include "dashflow/time.hpp"
#include "evaluation.hpp"
#include "hypotheses.hpp"
#include "meta_analysis.hpp"
#include "plan_builders.hpp"

namespace dashflow::planner {

DefaultPlanner::DefaultPlanner(const PluginContext& context)
    : config_(PlannerConfig::from_json(context.config())), host_(context.host()) {}

DefaultPlanner::DefaultPlanner(PlannerConfig config, HostServices host) : config_(config), host_(host) {}

PlannerOutput DefaultPlanner::generate(const PlannerInput& input) const {
  // The host clock (which tests and replays may fake) stamps everything.
  const Timestamp now = format_rfc3339_ms(host_.now_unix_ms());
  const PlanStamp stamp{input.report_id, now};

  std::vector<ExecutionPlan> plans;
  for (const auto& gap : input.gaps)
    if (auto plan = plan_from_gap(gap, stamp, config_)) plans.push_back(std::move(*plan));
  for (const auto& dep : input.deprecations)
    if (auto plan = plan_from_deprecation(dep, stamp, config_)) plans.push_back(std::move(*plan));
  for (auto& plan : plans_from_retrospective(input.retrospective, stamp, config_)) plans.push_back(std::move(plan));

  PlannerOutput output;
  output.plans = dedup_and_sort(std::move(plans));
  const HypothesisBaseline baseline{input.summary, input.context.traces_total, now};
  output.hypotheses = hypotheses_for_findings(input.gaps, input.deprecations, baseline, config_);
  return output;
}

std::optional<HypothesisOutcome> DefaultPlanner::evaluate(const Hypothesis& hypothesis,
                                                          const ReportExecutionSummary& since,
                                                          uint64_t traces_since) const {
  return evaluate_hypothesis(hypothesis, since, traces_since, host_.now_unix_ms(), config_);
}

std::optional<MetaAnalysisResult> DefaultPlanner::meta_analyze(const MetaInput& input) const {
  return planner::meta_analyze(input, config_);
}

}  // namespace dashflow::planner
