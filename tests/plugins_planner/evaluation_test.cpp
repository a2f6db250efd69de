// default-planner evaluate(): readiness and promised magnitudes (W8).
#include <gtest/gtest.h>

#include "dashflow/time.hpp"
#include "default_planner.hpp"
#include "evaluation.hpp"
#include "planner_fixtures.hpp"

using namespace dashflow;
using namespace dashflow::planner;
using namespace planner_test;

namespace {

ReportExecutionSummary summary(double success_rate, double avg_ms, double retry_rate = 0, uint64_t n = 100) {
  ReportExecutionSummary s;
  s.total_executions = n;
  s.successful_executions = static_cast<uint64_t>(success_rate * static_cast<double>(n) + 0.5);
  s.failed_executions = n - s.successful_executions;
  s.success_rate = success_rate;
  s.avg_duration_ms = avg_ms;
  s.retry_rate = retry_rate;
  return s;
}

Hypothesis hypothesis(std::vector<ExpectedEvidence> evidence, ReportExecutionSummary baseline, uint64_t after = 50) {
  Hypothesis h;
  h.id = "3d1f0c7e-8a52-4b9e-b3c1-6f2e9a4d7b10";
  h.expected_evidence = std::move(evidence);
  h.evaluation_trigger.kind = EvaluationTrigger::Kind::AfterExecutions;
  h.evaluation_trigger.executions = after;
  h.created_at = "2025-12-15T10:31:07Z";
  h.baseline = baseline;
  return h;
}

const ExpectedEvidence kErr32{"error_rate", "reduced by 32%", "Compare error rate before/after implementation"};
const ExpectedEvidence kLat160{"latency_ms", "reduced by 160ms", "Measure average execution latency"};
const ExpectedEvidence kAcc32{"accuracy", "improved by 32%", "Measure task completion accuracy"};

const DefaultPlanner& the_planner() {
  static const DefaultPlanner p{PlannerConfig{}};
  return p;
}

}  // namespace

TEST(PlannerEvaluation, NotReadyBeforeTheTriggerCount) {
  const Hypothesis h = hypothesis({kErr32}, summary(0.5, 1000));
  EXPECT_FALSE(the_planner().evaluate(h, summary(0.9, 1000, 0, 49), 49).has_value());
  EXPECT_TRUE(the_planner().evaluate(h, summary(0.9, 1000, 0, 50), 50).has_value());
}

TEST(PlannerEvaluation, NoBaselineOrNoNewExecutionsStaysActive) {
  Hypothesis h = hypothesis({kErr32}, summary(0.5, 1000));
  h.baseline.reset();
  EXPECT_FALSE(the_planner().evaluate(h, summary(0.9, 1000), 100).has_value());
  h.baseline = summary(0.5, 1000);
  EXPECT_FALSE(the_planner().evaluate(h, ReportExecutionSummary{}, 100).has_value());
}

TEST(PlannerEvaluation, ZeroEvidenceIsNeverCorrect) {
  const Hypothesis h = hypothesis({}, summary(0.5, 1000));
  EXPECT_FALSE(the_planner().evaluate(h, summary(0.9, 500), 100).has_value());
}

TEST(PlannerEvaluation, ErrorRateReductionIsRelativeToTheBaseline) {
  // baseline error rate 50%; promise 32% relative reduction; tolerance 0.2
  // -> needs at least 25.6% relative reduction (error rate <= 37.2%).
  const Hypothesis h = hypothesis({kErr32}, summary(0.5, 1000));
  auto met = the_planner().evaluate(h, summary(0.70, 1000), 100);  // 40% reduction
  ASSERT_TRUE(met);
  EXPECT_TRUE(met->correct);
  EXPECT_EQ(met->analysis, "Hypothesis validated. All 1 expected evidence items matched observations.");
  EXPECT_TRUE(met->improvements_for_future.empty());

  auto within = the_planner().evaluate(h, summary(0.63, 1000), 100);  // 26% < 32% but within tolerance
  ASSERT_TRUE(within);
  EXPECT_TRUE(within->correct);

  auto missed = the_planner().evaluate(h, summary(0.62, 1000), 100);  // 24%: missed by a little
  ASSERT_TRUE(missed);
  EXPECT_FALSE(missed->correct);
  EXPECT_EQ(missed->analysis, "Hypothesis partially failed. 1 of 1 evidence items did not match expectations.");
  ASSERT_GE(missed->improvements_for_future.size(), 2u);
  EXPECT_EQ(missed->improvements_for_future[0], "Consider more conservative improvement estimates");
  EXPECT_EQ(missed->improvements_for_future[1], "Gather more baseline data before making predictions");

  auto any = the_planner().evaluate(h, summary(0.52, 1000), 100);  // "any improvement" is not enough
  ASSERT_TRUE(any);
  EXPECT_FALSE(any->correct);
}

TEST(PlannerEvaluation, LatencyReductionIsAbsoluteMilliseconds) {
  const Hypothesis h = hypothesis({kLat160}, summary(0.5, 1000));  // needs >= 128 ms
  EXPECT_TRUE(the_planner().evaluate(h, summary(0.5, 840), 60)->correct);   // 160
  EXPECT_TRUE(the_planner().evaluate(h, summary(0.5, 870), 60)->correct);   // 130, within tolerance
  EXPECT_FALSE(the_planner().evaluate(h, summary(0.5, 875), 60)->correct);  // 125, missed by a little
  EXPECT_FALSE(the_planner().evaluate(h, summary(0.5, 1200), 60)->correct); // slower
  const Hypothesis rel = hypothesis({{"latency_ms", "reduced by 10%", ""}}, summary(0.5, 1000));  // >= 8%
  EXPECT_TRUE(the_planner().evaluate(rel, summary(0.5, 920), 60)->correct);
  EXPECT_FALSE(the_planner().evaluate(rel, summary(0.5, 930), 60)->correct);
}

TEST(PlannerEvaluation, AccuracyIsPercentagePointsCappedByHeadroom) {
  // baseline 0%: +32 points promised, >= 25.6 points needed
  const Hypothesis h = hypothesis({kAcc32}, summary(0.0, 1000));
  EXPECT_TRUE(the_planner().evaluate(h, summary(0.26, 1000), 50)->correct);
  EXPECT_FALSE(the_planner().evaluate(h, summary(0.25, 1000), 50)->correct);
  // baseline 90%: only 10 points of headroom -> needs >= 8 points
  const Hypothesis high = hypothesis({kAcc32}, summary(0.9, 1000));
  EXPECT_TRUE(the_planner().evaluate(high, summary(0.98, 1000), 50)->correct);
  EXPECT_FALSE(the_planner().evaluate(high, summary(0.97, 1000), 50)->correct);
  // baseline 100%: nothing to measure -> inconclusive
  const Hypothesis perfect = hypothesis({kAcc32}, summary(1.0, 1000));
  EXPECT_FALSE(the_planner().evaluate(perfect, summary(1.0, 1000), 50).has_value());
}

TEST(PlannerEvaluation, RetryRateReductionIsRelative) {
  const Hypothesis h = hypothesis({{"retry_rate", "reduced by 50%", ""}}, summary(0.5, 1000, 1.0));  // >= 40%
  EXPECT_TRUE(the_planner().evaluate(h, summary(0.5, 1000, 0.6), 50)->correct);
  EXPECT_FALSE(the_planner().evaluate(h, summary(0.5, 1000, 0.61), 50)->correct);
}

TEST(PlannerEvaluation, AllItemsMustMatchAndCitationsCarryTheirOwnValue) {
  const Hypothesis h = hypothesis({kErr32, kLat160, kAcc32}, summary(0.5, 1000));
  // error 50% -> 30% (40%: met), latency -100ms (missed), accuracy +20 points (>= 25.6 needed: missed)
  const auto out = the_planner().evaluate(h, summary(0.7, 900), 80);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->correct);
  EXPECT_EQ(out->analysis, "Hypothesis partially failed. 2 of 3 evidence items did not match expectations.");
  ASSERT_EQ(out->observed_evidence.size(), 3u);
  EXPECT_TRUE(out->observed_evidence[0].matches_expected);
  EXPECT_FALSE(out->observed_evidence[1].matches_expected);
  EXPECT_FALSE(out->observed_evidence[2].matches_expected);
  EXPECT_EQ(out->observed_evidence[0].metric, "error_rate");
  EXPECT_EQ(out->observed_evidence[1].metric, "latency_ms");
  EXPECT_EQ(out->observed_evidence[0].observed_value, "reduced by 40.0% (error rate 50.0% -> 30.0%)");
  EXPECT_EQ(out->observed_evidence[1].observed_value, "reduced by 100.0ms (avg 1000.0ms -> 900.0ms)");
  for (size_t i = 0; i < 3; ++i) {
    const auto& o = out->observed_evidence[i];
    EXPECT_EQ(o.citation.retrieval.kind, CitationRetrieval::Kind::Inline);
    EXPECT_EQ(o.citation.retrieval.value,
              "Expected: " + h.expected_evidence[i].expected_value + ", Observed: " + o.observed_value);
    EXPECT_EQ(o.citation.id.rfind("eval-", 0), 0u);
    EXPECT_EQ(o.citation.id.size(), 13u);
    const auto* agg = std::get_if<CitationSource::Aggregation>(&o.citation.source_type.value);
    ASSERT_TRUE(agg);
    EXPECT_EQ(agg->query, "Evaluate " + h.expected_evidence[i].metric + " for hypothesis");
    EXPECT_EQ(agg->result_summary, "Measured after 100 executions");
  }
}

TEST(PlannerEvaluation, TestPassRateAndCriteriaAreNotMeasurable) {
  // Only unmeasurable items: inconclusive, stays active.
  const Hypothesis only = hypothesis({{"test_pass_rate", "100%", ""}, {"criterion_0", "All tests pass", ""}},
                                     summary(0.5, 1000));
  EXPECT_FALSE(the_planner().evaluate(only, summary(0.9, 500), 100).has_value());

  // Deprecation hypothesis: judged on the error rate alone.
  const Hypothesis dep = hypothesis({{"test_pass_rate", "100%", ""}, {"error_rate", "no increase", ""}},
                                    summary(0.8, 1000));  // error 20%, allowed up to 24%
  const auto ok = the_planner().evaluate(dep, summary(0.77, 1000), 100);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->correct);
  EXPECT_FALSE(ok->observed_evidence[0].matches_expected);
  EXPECT_EQ(ok->observed_evidence[0].observed_value.rfind("not measurable from traces", 0), 0u);
  EXPECT_NE(ok->analysis.find("not judged: test_pass_rate"), std::string::npos);
  const auto worse = the_planner().evaluate(dep, summary(0.75, 1000), 100);  // error 25% > 24%
  ASSERT_TRUE(worse);
  EXPECT_FALSE(worse->correct);
}

TEST(PlannerEvaluation, ZeroBaselineErrorRateCannotBeReduced) {
  const Hypothesis h = hypothesis({kErr32}, summary(1.0, 1000));
  EXPECT_FALSE(the_planner().evaluate(h, summary(1.0, 1000), 100).has_value());
}

TEST(PlannerEvaluation, ToleranceComesFromConfig) {
  PlannerConfig strict;
  strict.metric_tolerance = 0.0;
  const DefaultPlanner p{strict};
  const Hypothesis h = hypothesis({kLat160}, summary(0.5, 1000));
  EXPECT_FALSE(p.evaluate(h, summary(0.5, 870), 60)->correct);
  EXPECT_TRUE(p.evaluate(h, summary(0.5, 840), 60)->correct);
}

TEST(PlannerEvaluation, OtherTriggers) {
  Hypothesis h = hypothesis({kLat160}, summary(0.5, 1000));
  const int64_t created = *parse_rfc3339_ms(h.created_at);
  h.evaluation_trigger = {};
  h.evaluation_trigger.kind = EvaluationTrigger::Kind::AfterDuration;
  h.evaluation_trigger.duration_secs = 3600;
  EXPECT_FALSE(evaluate_hypothesis(h, summary(0.5, 800), 5, created + 3599'000, PlannerConfig{}).has_value());
  const auto due = evaluate_hypothesis(h, summary(0.5, 800), 5, created + 3600'000, PlannerConfig{});
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->correct);

  h.evaluation_trigger = {};
  h.evaluation_trigger.kind = EvaluationTrigger::Kind::AfterPlan;
  h.evaluation_trigger.plan_id = "5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68";
  EXPECT_FALSE(the_planner().evaluate(h, summary(0.5, 800), 1000).has_value());
  h.evaluation_trigger.kind = EvaluationTrigger::Kind::Manual;
  EXPECT_FALSE(the_planner().evaluate(h, summary(0.5, 800), 1000).has_value());
}

TEST(PlannerEvaluation, GeneratedHypothesesRoundTrip) {
  // A hypothesis made by generate() is judged against what came later.
  PlannerInput in = worked_input();
  in.summary = summary(0.0, 2310, 1.0, 4);
  const auto out = the_planner().generate(in);
  for (const auto& h : out.hypotheses) {
    EXPECT_FALSE(the_planner().evaluate(h, summary(1.0, 1500, 0.0, 10), 10).has_value());  // 10 < 50
    const auto outcome = the_planner().evaluate(h, summary(1.0, 1500, 0.0, 60), 60);
    ASSERT_TRUE(outcome.has_value()) << h.statement;
    EXPECT_TRUE(outcome->correct) << h.statement << ": " << outcome->analysis;
  }
}
