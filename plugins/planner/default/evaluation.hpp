// Hypothesis evaluation with the promised magnitudes checked (fixes W8).
//
// Readiness: AfterExecutions(N) when traces_since >= N; AfterDuration when
// now - created_at >= duration; AfterPlan and Manual are never ready here
// (the host decides those). Without a baseline, or with no executions since,
// nothing can be judged and the hypothesis stays active (nullopt).
//
// How an expected value is judged (tol = metric_tolerance, default 0.2; the
// promise may be missed by that fraction of itself):
//  * error_rate, retry_rate "reduced by X%": RELATIVE to the baseline rate:
//      (base - cur) / base >= X/100 * (1 - tol).
//    error rate = 1 - success_rate. A baseline rate of 0 cannot be reduced:
//    the item is not measurable.
//  * latency_ms "reduced by Nms": ABSOLUTE on the average trace duration:
//      base_avg - cur_avg >= N * (1 - tol).
//    latency_ms "reduced by X%": relative, (base - cur) / base >= X/100 * (1 - tol).
//  * accuracy, success_rate "improved by X%": ABSOLUTE percentage points of
//    success_rate, capped by the headroom to 100%:
//      cur - base >= min(X/100, 1 - base) * (1 - tol).
//    With no headroom (base already 1.0) the item is not measurable.
//  * "no increase" (any rate or latency): cur <= base * (1 + tol).
//    "no decrease" (success_rate/accuracy): cur >= base * (1 - tol).
//  * test_pass_rate, criterion_*, unknown metrics or unparseable expected
//    values: not measurable from traces.
// Outcome: items that are not measurable are listed (matches_expected false,
// observed "not measurable from traces: ...") but do not decide correctness.
// When no item is measurable the result is inconclusive: nullopt, the
// hypothesis stays active. Otherwise correct = every measurable item matched.
// Zero evidence items never count as correct (nullopt).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "dashflow/types.hpp"
#include "planner_config.hpp"

namespace dashflow::planner {

bool ready_for_evaluation(const Hypothesis& hypothesis, uint64_t traces_since, int64_t now_unix_ms);

struct EvidenceJudgement {
  bool measurable = false;
  bool matched = false;
  std::string observed;  // observed value text
};

EvidenceJudgement judge_evidence(const ExpectedEvidence& expected, const ReportExecutionSummary& baseline,
                                 const ReportExecutionSummary& current, double tolerance);

std::optional<HypothesisOutcome> evaluate_hypothesis(const Hypothesis& hypothesis,
                                                     const ReportExecutionSummary& since, uint64_t traces_since,
                                                     int64_t now_unix_ms, const PlannerConfig& config);

}  // namespace dashflow::planner
