// The test kit's builders and fixtures: defaults, computed fields, and the
// DashFlow bug it must not copy (rejected() gave correct=true).
#include <gtest/gtest.h>

#include "dashflow/json.hpp"
#include "dashflow/testing/builders.hpp"
#include "dashflow/testing/checks.hpp"
#include "dashflow/testing/fixtures.hpp"
#include "dashflow/time.hpp"

namespace {

using namespace dashflow;
using namespace dashflow::testing;

TEST(TraceBuilder, ComputesTotalsAndIndexes) {
  const auto t = TraceBuilder()
                     .thread("t")
                     .started_at("2025-12-15T10:30:00Z")
                     .node("planner", 412, 1250)
                     .tool("search")
                     .failed_node("x", 100, "msg")
                     .error("x", "message", true, "Timeout")
                     .build();
  EXPECT_EQ(t.thread_id, "t");
  ASSERT_EQ(t.nodes_executed.size(), 2u);
  EXPECT_EQ(t.nodes_executed[0].tools_called, std::vector<std::string>{"search"});
  EXPECT_EQ(t.nodes_executed[1].index, 1u);
  EXPECT_FALSE(t.nodes_executed[1].success);
  EXPECT_EQ(t.nodes_executed[1].error_message, "msg");
  EXPECT_EQ(t.nodes_executed[1].started_at, "2025-12-15T10:30:00.412Z");
  EXPECT_EQ(t.ended_at, "2025-12-15T10:30:00.512Z");
  EXPECT_EQ(t.total_duration_ms, 512u);
  EXPECT_EQ(t.total_tokens, 1250u);
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_TRUE(t.errors[0].retry_attempted);
  EXPECT_EQ(t.errors[0].error_type, "Timeout");
  EXPECT_EQ(t.errors[0].execution_index, 1u);
  EXPECT_FALSE(t.completed);  // errors and no completed(): not completed
  // A built trace is a valid DashFlow trace.
  EXPECT_EQ(from_json_text<ExecutionTrace>(to_json_text(t)), t);
}

TEST(TraceBuilder, ExplicitTotalsWin) {
  const auto t = TraceBuilder().node("a", 10).total_duration(99).total_tokens(7).completed(true).build();
  EXPECT_EQ(t.total_duration_ms, 99u);
  EXPECT_EQ(t.total_tokens, 7u);
  EXPECT_TRUE(t.is_successful());
}

TEST(PlanBuilder, ValidatedClampsScore) {
  EXPECT_EQ(PlanBuilder().validated(1.7).build().validation_score, 1.0);
  EXPECT_EQ(PlanBuilder().validated(-0.2).build().validation_score, 0.0);
  const auto p = PlanBuilder().step("a").step("b").validated(0.4).build();
  EXPECT_EQ(status_name(p.status), "Validated");
  EXPECT_EQ(p.steps[1].order, 2);
  EXPECT_EQ(std::get<PlanStatus::InProgress>(PlanBuilder().in_progress().build().status.value).assignee, "test-assignee");
}

TEST(HypothesisBuilder, ConfirmedAndRejectedDiffer) {
  const auto c = HypothesisBuilder().confirmed().build();
  const auto r = HypothesisBuilder().rejected().build();
  EXPECT_EQ(c.status.kind, HypothesisStatus::Kind::Evaluated);
  EXPECT_EQ(r.status.kind, HypothesisStatus::Kind::Evaluated);
  ASSERT_TRUE(c.outcome && r.outcome);
  EXPECT_TRUE(c.outcome->correct);
  EXPECT_FALSE(r.outcome->correct);
  EXPECT_EQ(HypothesisBuilder().build().reasoning, "Generated for testing");
}

TEST(GapBuilder, ConfidenceClampedAndPriority) {
  EXPECT_EQ(GapBuilder().confidence(3).build().confidence, 1.0);
  EXPECT_EQ(priority_of(high_impact_gap()), Priority::High);
  EXPECT_EQ(priority_of(GapBuilder().high_impact().confidence(0.8).build()), Priority::Medium);  // 0.64
  EXPECT_EQ(priority_of(GapBuilder().confidence(1.0).build()), Priority::Low);  // medium impact never > 0.4
  EXPECT_DOUBLE_EQ(impact_score(impact_high("h")), 0.8);
}

TEST(Fixtures, MatchTheirDescriptions) {
  const auto healthy = healthy_report();
  EXPECT_EQ(healthy.execution_summary.total_executions, 1000u);
  EXPECT_EQ(healthy.execution_summary.successful_executions, 950u);
  EXPECT_EQ(check_report_healthy(healthy), "");

  const auto issues = report_with_issues();
  EXPECT_EQ(issues.capability_gaps.size(), 2u);
  ASSERT_EQ(issues.deprecations.size(), 1u);
  EXPECT_EQ(std::get<DeprecationTarget::Node>(issues.deprecations[0].target.value).name, "legacy_formatter");
  const std::string why = check_report_healthy(issues);
  EXPECT_NE(why.find("success_rate 0.750000 is below 0.900000"), std::string::npos) << why;
  EXPECT_NE(why.find("avg_duration_ms 400.000000 is above 300.000000"), std::string::npos) << why;

  EXPECT_EQ(check_plan_ready(validated_plan()), "");
  EXPECT_EQ(check_plan_validated(validated_plan(), 0.85), "");
  EXPECT_EQ(check_plan_ready(proposed_plan()), "plan 'Refactor error handling' is not ready: status is Proposed (want Validated or InProgress)");
  EXPECT_EQ(check_hypothesis_has_evidence(active_hypothesis()), "");
  EXPECT_EQ(active_hypothesis().evaluation_trigger.executions, 200u);
  EXPECT_EQ(check_hypothesis_evaluated(confirmed_hypothesis()), "");
  EXPECT_FALSE(rejected_hypothesis().outcome->correct);
  EXPECT_EQ(check_gap_has_solution(high_impact_gap()), "");

  EXPECT_TRUE(successful_trace().is_successful());
  EXPECT_FALSE(failing_trace_with_retry().is_successful());
  EXPECT_TRUE(failing_trace_with_retry().errors[0].retry_attempted);
  EXPECT_GT(slow_trace().total_duration_ms, 5000u);
  // Deterministic: two calls give the same values.
  EXPECT_EQ(to_json_text(report_with_issues()), to_json_text(report_with_issues()));
  EXPECT_EQ(successful_trace(), successful_trace());
}

TEST(Fixtures, EverythingRoundTripsThroughJson) {
  EXPECT_EQ(from_json_text<IntrospectionReport>(to_json_text(report_with_issues())), report_with_issues());
  EXPECT_EQ(from_json_text<ExecutionPlan>(to_json_text(validated_plan())), validated_plan());
  EXPECT_EQ(from_json_text<Hypothesis>(to_json_text(rejected_hypothesis())), rejected_hypothesis());
  for (const auto& t : sample_traces()) EXPECT_EQ(from_json_text<ExecutionTrace>(to_json_text(t)), t);
}

TEST(Checks, ExecutionImproved) {
  ReportExecutionSummary s;
  EXPECT_NE(check_execution_improved(s), "");
  s.vs_previous = ComparisonMetrics{1, 0.1, -20, 0};
  EXPECT_EQ(check_execution_improved(s), "");
  s.vs_previous->duration_delta_ms = 5;
  EXPECT_EQ(check_execution_improved(s), "execution did not improve: duration rose by 5.000000 ms");
}

}  // namespace
