// default-planner meta_analyze(): cross-report patterns and momentum (W9).
#include <gtest/gtest.h>

#include "dashflow/time.hpp"
#include "default_planner.hpp"
#include "finding_keys.hpp"
#include "meta_analysis.hpp"
#include "planner_fixtures.hpp"

using namespace dashflow;
using namespace dashflow::planner;
using namespace planner_test;

namespace {

constexpr int64_t kDay = 86'400'000;
const int64_t kT0 = *parse_rfc3339_ms("2025-12-01T00:00:00Z");

IntrospectionReport report(const std::string& id, int day, double success_rate, double retry_rate, double avg_ms,
                           std::vector<CapabilityGap> gaps) {
  IntrospectionReport r;
  r.id = id;
  r.timestamp = format_rfc3339_ms(kT0 + day * kDay);
  r.execution_summary.total_executions = 100;
  r.execution_summary.success_rate = success_rate;
  r.execution_summary.retry_rate = retry_rate;
  r.execution_summary.avg_duration_ms = avg_ms;
  r.capability_gaps = std::move(gaps);
  return r;
}

ExecutionPlan plan(const std::string& id, const std::string& title, PlanStatus status, int day,
                   PlanCategory category = PlanCategory::ApplicationImprovement, std::string fingerprint = "") {
  ExecutionPlan p;
  p.id = id;
  p.title = title;
  p.description = "description of " + title;
  p.priority = 2;
  p.category = category;
  p.status = std::move(status);
  p.validation_score = 0.8;
  p.steps.resize(3);
  p.updated_at = format_rfc3339_ms(kT0 + day * kDay);
  p.fingerprint = std::move(fingerprint);
  return p;
}

PlanStatus implemented(int day) {
  PlanStatus s;
  s.value = PlanStatus::Implemented{format_rfc3339_ms(kT0 + day * kDay), "abc1234"};
  return s;
}

Hypothesis evaluated(bool correct) {
  Hypothesis h;
  h.outcome = HypothesisOutcome{};
  h.outcome->correct = correct;
  return h;
}

CapabilityGap keyless(CapabilityGap g) {
  g.key.clear();
  return g;
}

// Four reports, newest first: the retry gap appears in three of them, each
// time with different numbers in its texts, once twice in the same report.
MetaInput four_reports() {
  MetaInput in;
  in.reports = {
      report("r4", 4, 0.80, 0.2, 900, {retry_gap(0.2, 2, 10, 0.5), performance_gap(1900, 1200, 30)}),
      report("r3", 3, 0.70, 0.4, 1000, {retry_gap(0.4, 4, 10, 0.6), retry_gap(0.45, 5, 11, 0.6)}),
      report("r2", 2, 0.60, 0.6, 1100, {missing_tool_gap(3)}),
      report("r1", 1, 0.50, 1.0, 1200, {retry_gap(1.0, 4, 4, 0.84), performance_gap(1830, 1830, 4)}),
  };
  return in;
}

}  // namespace

TEST(PlannerMeta, RecurringGapsByKeyCountedOncePerReport) {
  const auto result = *DefaultPlanner{PlannerConfig{}}.meta_analyze(four_reports());
  EXPECT_EQ(result.reports_analyzed, 4u);
  ASSERT_EQ(result.recurring_gaps.size(), 2u);
  EXPECT_EQ(result.recurring_gaps[0].description, "retry:tool_executor");
  EXPECT_EQ(result.recurring_gaps[0].occurrence_count, 3u);
  EXPECT_EQ(result.recurring_gaps[0].first_seen, "r1");
  EXPECT_EQ(result.recurring_gaps[0].last_seen, "r4");
  EXPECT_EQ(result.recurring_gaps[0].pattern_type, "RecurringGap");
  EXPECT_EQ(result.recurring_gaps[1].description, "performance:tool_executor");
  EXPECT_EQ(result.recurring_gaps[1].occurrence_count, 2u);
}

TEST(PlannerMeta, RecurringGapsWithoutAnalyzerKeysStillMatchAcrossNumbers) {
  MetaInput in = four_reports();
  for (auto& r : in.reports)
    for (auto& g : r.capability_gaps) g = keyless(g);
  const auto result = *DefaultPlanner{PlannerConfig{}}.meta_analyze(in);
  ASSERT_FALSE(result.recurring_gaps.empty());
  EXPECT_EQ(result.recurring_gaps[0].description, "retry:tool_executor");
  EXPECT_EQ(result.recurring_gaps[0].occurrence_count, 3u);
}

TEST(PlannerMeta, ReportsAreOrderedByTimestampWhateverTheInputOrder) {
  MetaInput in = four_reports();
  std::swap(in.reports[0], in.reports[3]);
  std::swap(in.reports[1], in.reports[2]);
  const auto result = *DefaultPlanner{PlannerConfig{}}.meta_analyze(in);
  EXPECT_EQ(result.recurring_gaps.at(0).first_seen, "r1");
  EXPECT_EQ(result.recurring_gaps.at(0).last_seen, "r4");
  EXPECT_TRUE(result.improvement_momentum.is_positive);
}

TEST(PlannerMeta, MomentumComparesNewestWithOldest) {
  const auto up = DefaultPlanner{PlannerConfig{}}.meta_analyze(four_reports())->improvement_momentum;
  EXPECT_NEAR(up.success_rate_trend, 0.30, 1e-12);
  EXPECT_NEAR(up.retry_rate_trend, 0.8, 1e-12);
  EXPECT_NEAR(up.latency_trend_ms, 300, 1e-9);
  EXPECT_NEAR(up.velocity_score, 100.0, 1e-9);  // 30 + 40 + 30 = 100, clamped at 100
  EXPECT_TRUE(up.is_positive);

  MetaInput worse = four_reports();
  worse.reports[0].execution_summary.success_rate = 0.45;  // -5 points
  worse.reports[0].execution_summary.retry_rate = 1.0;     // 0
  worse.reports[0].execution_summary.avg_duration_ms = 1250;  // -50 ms -> -5
  const auto down = DefaultPlanner{PlannerConfig{}}.meta_analyze(worse)->improvement_momentum;
  EXPECT_NEAR(down.velocity_score, -10.0, 1e-9);
  EXPECT_FALSE(down.is_positive);
}

TEST(PlannerMeta, PlansImplementedAndGapsAddressedInTheWindow) {
  MetaInput in = four_reports();
  const std::string retry_fp = gap_fingerprint(retry_gap());
  in.plans = {
      plan("p1", "Fix retries", implemented(3), 3, PlanCategory::ApplicationImprovement, retry_fp),  // addresses r1's gap
      plan("p2", "Unrelated", implemented(2), 2, PlanCategory::Optimization, "ffffffffffffffff"),
      plan("p3", "Long ago", implemented(-5), -5, PlanCategory::Optimization, retry_fp),  // before the window
      plan("p4", "Open", PlanStatus{}, 3),
  };
  const auto m = DefaultPlanner{PlannerConfig{}}.meta_analyze(in)->improvement_momentum;
  EXPECT_EQ(m.plans_implemented, 2u);
  EXPECT_EQ(m.gaps_addressed, 1u);
}

TEST(PlannerMeta, DeadEndsFromFailedAndSupersededPlans) {
  MetaInput in = four_reports();
  PlanStatus failed, superseded;
  failed.value = PlanStatus::Failed{"Broke the build"};
  superseded.value = PlanStatus::Superseded{"5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68"};
  in.plans = {plan("p2", "Cache geocode results", failed, 3), plan("p1", "Add fallback", superseded, 2),
              plan("p3", "Still open", PlanStatus{}, 3)};
  const auto result = *DefaultPlanner{PlannerConfig{}}.meta_analyze(in);
  ASSERT_EQ(result.dead_ends.size(), 2u);
  EXPECT_EQ(result.dead_ends[0].plan_title, "Add fallback");
  EXPECT_EQ(result.dead_ends[0].failure_reason, "Superseded by 5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68");
  EXPECT_EQ(result.dead_ends[1].plan_id, "p2");
  EXPECT_EQ(result.dead_ends[1].failure_reason, "Broke the build");
  EXPECT_EQ(result.dead_ends[1].lesson_learned,
            "Plan 'Cache geocode results' with priority 2 failed. Consider alternative approaches.");
}

TEST(PlannerMeta, SuccessPatterns) {
  MetaInput in = four_reports();
  in.plans = {plan("a", "A", implemented(3), 3, PlanCategory::Optimization),
              plan("b", "B", implemented(4), 4, PlanCategory::Optimization),
              plan("c", "C", implemented(4), 4, PlanCategory::ProcessImprovement)};
  in.plans[1].validation_score = 0.6;
  in.plans[1].steps.resize(4);
  const auto result = *DefaultPlanner{PlannerConfig{}}.meta_analyze(in);
  ASSERT_EQ(result.success_patterns.size(), 2u);
  EXPECT_EQ(result.success_patterns[0].category, "Optimization");
  EXPECT_EQ(result.success_patterns[0].success_count, 2u);
  EXPECT_NEAR(result.success_patterns[0].average_validation_score, 0.7, 1e-12);
  EXPECT_EQ(result.success_patterns[0].common_characteristics,
            std::vector<std::string>{"Average 3 steps per plan"});
  EXPECT_EQ(result.success_patterns[1].category, "Overall Improvement");
  EXPECT_EQ(result.success_patterns[1].success_count, 4u);
  EXPECT_EQ(result.success_patterns[1].common_characteristics,
            std::vector<std::string>{"Success rate improved from 50.0% to 80.0%"});
}

TEST(PlannerMeta, HypothesisAccuracyHasOneDefinition) {
  MetaInput in = four_reports();
  in.hypotheses = {evaluated(true), evaluated(false), Hypothesis{}};  // the active one is not counted
  EXPECT_DOUBLE_EQ(DefaultPlanner{PlannerConfig{}}.meta_analyze(in)->hypothesis_accuracy, 0.5);
  in.hypotheses = {Hypothesis{}, Hypothesis{}};
  EXPECT_DOUBLE_EQ(DefaultPlanner{PlannerConfig{}}.meta_analyze(in)->hypothesis_accuracy, 1.0);

  // Too few reports: empty result, same accuracy definition.
  MetaInput few = four_reports();
  few.reports.resize(2);
  few.hypotheses = {evaluated(true), evaluated(false), evaluated(false), Hypothesis{}};
  PlanStatus failed;
  failed.value = PlanStatus::Failed{"x"};
  few.plans = {plan("p", "P", failed, 1)};
  const auto result = *DefaultPlanner{PlannerConfig{}}.meta_analyze(few);
  EXPECT_EQ(result.reports_analyzed, 2u);
  EXPECT_TRUE(result.recurring_gaps.empty());
  EXPECT_TRUE(result.dead_ends.empty());
  EXPECT_EQ(result.improvement_momentum, ImprovementMomentum{});
  EXPECT_NEAR(result.hypothesis_accuracy, 1.0 / 3.0, 1e-12);
  few.hypotheses.clear();
  EXPECT_DOUBLE_EQ(DefaultPlanner{PlannerConfig{}}.meta_analyze(few)->hypothesis_accuracy, 1.0);
}

TEST(PlannerMeta, WindowKeepsTheNewestReports) {
  MetaInput in;
  for (int day = 12; day >= 1; --day)  // newest first
    in.reports.push_back(report("r" + std::to_string(day), day, 0.5 + day * 0.01, 0.5, 1000,
                                day <= 2 ? std::vector<CapabilityGap>{missing_tool_gap()} : std::vector<CapabilityGap>{}));
  const auto result = *DefaultPlanner{PlannerConfig{}}.meta_analyze(in);
  EXPECT_EQ(result.reports_analyzed, 10u);
  EXPECT_TRUE(result.recurring_gaps.empty());  // only in r1, r2: outside the window
  EXPECT_NEAR(result.improvement_momentum.success_rate_trend, 0.09, 1e-12);  // r12 vs r3
}

TEST(PlannerMeta, RecurrenceNeedsTheConfiguredShare) {
  MetaInput in;
  for (int day = 10; day >= 1; --day)
    in.reports.push_back(report("r" + std::to_string(day), day, 0.5, 0.5, 1000,
                                day <= 3 ? std::vector<CapabilityGap>{missing_tool_gap()} : std::vector<CapabilityGap>{}));
  // ceil(10 * 0.3) = 3 reports needed: present in exactly 3
  EXPECT_EQ(DefaultPlanner{PlannerConfig{}}.meta_analyze(in)->recurring_gaps.size(), 1u);
  PlannerConfig cfg;
  cfg.recurrence_threshold = 0.4;  // 4 needed
  EXPECT_TRUE(DefaultPlanner{cfg}.meta_analyze(in)->recurring_gaps.empty());
}
