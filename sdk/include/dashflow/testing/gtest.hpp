// GoogleTest assertions over the checks in checks.hpp, with readable
// failure messages. Use the predicates with EXPECT_TRUE/ASSERT_TRUE:
//
//   EXPECT_TRUE(dashflow::testing::ReportIsHealthy(report));
//   EXPECT_TRUE(dashflow::testing::HasGapWithKey(output, "retry:node:fetch"));
//
// or the Expect* shorthands.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "dashflow/testing/analyzer_harness.hpp"
#include "dashflow/testing/checks.hpp"

namespace dashflow::testing {

inline ::testing::AssertionResult as_assertion(const std::string& failure) {
  if (failure.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << failure;
}

inline ::testing::AssertionResult ReportIsHealthy(const IntrospectionReport& r) { return as_assertion(check_report_healthy(r)); }
inline ::testing::AssertionResult PlanIsReady(const ExecutionPlan& p) { return as_assertion(check_plan_ready(p)); }
inline ::testing::AssertionResult PlanIsValidated(const ExecutionPlan& p, double min_score) {
  return as_assertion(check_plan_validated(p, min_score));
}
inline ::testing::AssertionResult HypothesisHasEvidence(const Hypothesis& h) {
  return as_assertion(check_hypothesis_has_evidence(h));
}
inline ::testing::AssertionResult HypothesisIsEvaluated(const Hypothesis& h) {
  return as_assertion(check_hypothesis_evaluated(h));
}
inline ::testing::AssertionResult GapHasSolution(const CapabilityGap& g) { return as_assertion(check_gap_has_solution(g)); }
inline ::testing::AssertionResult ExecutionImproved(const ReportExecutionSummary& s) {
  return as_assertion(check_execution_improved(s));
}
inline ::testing::AssertionResult HasGapWithKey(const AnalysisOutput& out, const std::string& key) {
  return as_assertion(check_has_gap_with_key(out, key));
}
inline ::testing::AssertionResult HasNoGapWithKey(const AnalysisOutput& out, const std::string& key) {
  return as_assertion(check_no_gap_with_key(out, key));
}

// Split invariance as an assertion: the exception text becomes the failure.
template <class T>
::testing::AssertionResult IsSplitInvariant(std::string_view config_json, const std::vector<ExecutionTrace>& traces,
                                            const AnalysisContext& ctx = {}) {
  try {
    expect_split_invariant<T>(config_json, traces, ctx);
    return ::testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << e.what();
  }
}

inline void ExpectReportHealthy(const IntrospectionReport& r) { EXPECT_TRUE(ReportIsHealthy(r)); }
inline void ExpectPlanReady(const ExecutionPlan& p) { EXPECT_TRUE(PlanIsReady(p)); }
inline void ExpectPlanValidated(const ExecutionPlan& p, double min_score) { EXPECT_TRUE(PlanIsValidated(p, min_score)); }
inline void ExpectHypothesisHasEvidence(const Hypothesis& h) { EXPECT_TRUE(HypothesisHasEvidence(h)); }
inline void ExpectHypothesisEvaluated(const Hypothesis& h) { EXPECT_TRUE(HypothesisIsEvaluated(h)); }
inline void ExpectGapHasSolution(const CapabilityGap& g) { EXPECT_TRUE(GapHasSolution(g)); }
inline void ExpectExecutionImproved(const ReportExecutionSummary& s) { EXPECT_TRUE(ExecutionImproved(s)); }
inline void ExpectHasGapWithKey(const AnalysisOutput& out, const std::string& key) { EXPECT_TRUE(HasGapWithKey(out, key)); }
template <class T>
void ExpectSplitInvariant(std::string_view config_json, const std::vector<ExecutionTrace>& traces,
                          const AnalysisContext& ctx = {}) {
  EXPECT_TRUE(IsSplitInvariant<T>(config_json, traces, ctx));
}

}  // namespace dashflow::testing
