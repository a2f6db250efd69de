// The built-in planner "default-planner": DashFlow's PlanGenerator,
// HypothesisTracker and MetaAnalyzer behind dashflow::Planner, with the
// reference's weaknesses W1, W8, W9, W11 (in-run dedup), W12 fixed.
#pragma once

#include "dashflow/plugin.hpp"
#include "planner_config.hpp"

namespace dashflow::planner {

class DefaultPlanner final : public Planner {
 public:
  explicit DefaultPlanner(const PluginContext& context);
  explicit DefaultPlanner(PlannerConfig config, HostServices host = HostServices());

  // Plans (deduplicated by fingerprint, sorted by priority then fingerprint)
  // and hypotheses (one per finding fingerprint, sorted by fingerprint).
  PlannerOutput generate(const PlannerInput& input) const override;
  std::optional<HypothesisOutcome> evaluate(const Hypothesis& hypothesis, const ReportExecutionSummary& since,
                                            uint64_t traces_since) const override;
  std::optional<MetaAnalysisResult> meta_analyze(const MetaInput& input) const override;

  const PlannerConfig& config() const { return config_; }

 private:
  PlannerConfig config_;
  HostServices host_;
};

}  // namespace dashflow::planner
