// default-planner hypotheses: creation from gaps and deprecations.
#include <gtest/gtest.h>

#include <map>

#include "dashflow/ids.hpp"
#include "default_planner.hpp"
#include "finding_keys.hpp"
#include "hypotheses.hpp"
#include "planner_fixtures.hpp"

using namespace dashflow;
using namespace dashflow::planner;
using namespace planner_test;

namespace {

std::vector<std::pair<std::string, std::string>> evidence_of(const Hypothesis& h) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : h.expected_evidence) out.emplace_back(e.metric, e.expected_value);
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST(PlannerHypotheses, WorkedExampleGivesOnePerGapNeverVacuous) {
  PlannerConfig cfg;
  cfg.evaluate_after_executions = 25;
  DefaultPlanner planner{cfg};
  const PlannerInput in = worked_input();
  const PlannerOutput out = planner.generate(in);
  ASSERT_EQ(out.hypotheses.size(), 4u);

  std::map<std::string, const Hypothesis*> by_fp;
  for (const auto& h : out.hypotheses) by_fp[h.fingerprint] = &h;
  ASSERT_EQ(by_fp.size(), 4u);

  // Each hypothesis carries the fingerprint of its gap's plan.
  for (const auto& gap : in.gaps) {
    const std::string fp = gap_fingerprint(gap);
    ASSERT_TRUE(by_fp.count(fp)) << gap.description;
    bool has_plan = false;
    for (const auto& p : out.plans) has_plan |= p.fingerprint == fp;
    EXPECT_TRUE(has_plan) << gap.description;
  }

  const Hypothesis& tool = *by_fp.at(gap_fingerprint(missing_tool_gap()));
  EXPECT_EQ(tool.statement, "Addressing 'Missing tool: geocode' will improve system performance");
  EXPECT_EQ(tool.reasoning,
            "Based on analysis showing Errors (4 occurrences): Tool 'geocode' not found or undefined with confidence "
            "80%. Enable functionality currently failing due to missing 'geocode'");
  EXPECT_EQ(evidence_of(tool),
            (Pairs{{"error_rate", "reduced by 64%"}, {"latency_ms", "reduced by 320ms"}, {"accuracy", "improved by 64%"}}));
  EXPECT_EQ(tool.expected_evidence[0].measurement_method, "Compare error rate before/after implementation");

  const Hypothesis& retry = *by_fp.at(gap_fingerprint(retry_gap()));
  EXPECT_EQ(evidence_of(retry),
            (Pairs{{"error_rate", "reduced by 32%"}, {"latency_ms", "reduced by 160ms"}, {"accuracy", "improved by 32%"}}));
  EXPECT_EQ(retry.reasoning.rfind("Based on analysis showing High retry rate (100.0%) in nodes: tool_executor with "
                                  "confidence 84%.", 0),
            0u);

  // The performance gap has an all-zero impact; it still gets a measurable
  // latency promise (p95 == avg: 10% of the node's 1830 ms average).
  const Hypothesis& perf = *by_fp.at(gap_fingerprint(performance_gap()));
  EXPECT_EQ(evidence_of(perf), (Pairs{{"latency_ms", "reduced by 183ms"}}));

  for (const auto& h : out.hypotheses) {
    EXPECT_FALSE(h.expected_evidence.empty());
    EXPECT_TRUE(looks_like_uuid(h.id));
    EXPECT_EQ(h.evaluation_trigger.kind, EvaluationTrigger::Kind::AfterExecutions);
    EXPECT_EQ(h.evaluation_trigger.executions, 25u);
    EXPECT_EQ(h.status.kind, HypothesisStatus::Kind::Active);
    EXPECT_EQ(h.source, HypothesisSource::CapabilityGap);
    EXPECT_FALSE(h.outcome.has_value());
    ASSERT_TRUE(h.baseline.has_value());
    EXPECT_EQ(*h.baseline, in.summary);
    EXPECT_EQ(h.baseline_trace_count, 4u);
    EXPECT_FALSE(h.created_at.empty());
  }
}

TEST(PlannerHypotheses, PerformanceFallbackUsesTheP95AvgSpread) {
  CapabilityGap g = performance_gap(2000, 1500, 10);
  g.expected_impact = {};  // an analyzer that left the impact empty
  EXPECT_EQ(evidence_of(*hypothesis_from_gap(g, HypothesisBaseline{}, PlannerConfig{})),
            (Pairs{{"latency_ms", "reduced by 400ms"}}));
  // p95 - avg = 500 > 50: DashFlow's own latency item applies
  EXPECT_EQ(evidence_of(*hypothesis_from_gap(performance_gap(2000, 1500, 10), HypothesisBaseline{}, PlannerConfig{})),
            (Pairs{{"latency_ms", "reduced by 400ms"}}));
  // unparseable bottleneck text: relative promise
  CapabilityGap vague;
  vague.description = "Slow";
  vague.category.value = GapCategory::PerformanceGap{"Timeout errors"};
  vague.confidence = 0.7;
  EXPECT_EQ(evidence_of(*hypothesis_from_gap(vague, HypothesisBaseline{}, PlannerConfig{})),
            (Pairs{{"latency_ms", "reduced by 10%"}}));
}

TEST(PlannerHypotheses, FallbacksForRetryAndErrorGapsWithoutImpact) {
  CapabilityGap r = retry_gap();
  r.expected_impact = {};
  EXPECT_EQ(expected_evidence_for_gap(r), (std::vector<ExpectedEvidence>{
                                              {"retry_rate", "reduced by 10%",
                                               "Compare retry rate before/after implementation"}}));
  CapabilityGap e = error_pattern_gap();
  e.expected_impact = {};
  ASSERT_EQ(expected_evidence_for_gap(e).size(), 1u);
  EXPECT_EQ(expected_evidence_for_gap(e)[0].metric, "error_rate");
}

TEST(PlannerHypotheses, ConfidenceThreshold) {
  PlannerConfig cfg;
  CapabilityGap g = retry_gap();
  g.confidence = 0.49;
  EXPECT_FALSE(hypothesis_from_gap(g, HypothesisBaseline{}, cfg).has_value());
  g.confidence = 0.5;
  EXPECT_TRUE(hypothesis_from_gap(g, HypothesisBaseline{}, cfg).has_value());
}

TEST(PlannerHypotheses, FromDeprecation) {
  DeprecationRecommendation dep;
  dep.target.value = DeprecationTarget::Edge{"a", "b"};
  dep.rationale = "Edge never taken";
  dep.benefits = {"Simplify graph structure"};
  dep.confidence = 0.7;
  HypothesisBaseline base;
  base.summary.total_executions = 100;
  base.trace_count = 100;
  base.now = "2025-12-15T10:31:07Z";
  const auto h = hypothesis_from_deprecation(dep, base, PlannerConfig{});
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->statement, "Removing edge a -> b will not cause regressions");
  EXPECT_EQ(h->reasoning, "Rationale: Edge never taken. Benefits: Simplify graph structure. Risks: none identified");
  EXPECT_EQ(evidence_of(*h), (Pairs{{"test_pass_rate", "100%"}, {"error_rate", "no increase"}}));
  EXPECT_EQ(h->source, HypothesisSource::Deprecation);
  EXPECT_EQ(h->fingerprint, deprecation_fingerprint(dep));
  EXPECT_EQ(h->created_at, "2025-12-15T10:31:07Z");
  EXPECT_EQ(h->baseline_trace_count, 100u);
  dep.confidence = 0.4;
  EXPECT_FALSE(hypothesis_from_deprecation(dep, base, PlannerConfig{}).has_value());
}
