// Plain checks for tests, usable with any test framework: each returns an
// empty string when the check passes, or a readable reason when it fails.
// gtest.hpp wraps them as GoogleTest assertions.
#pragma once

#include <string>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "dashflow/testing/builders.hpp"

namespace dashflow::testing {

// success_rate >= 0.90, avg_duration <= 300 ms, no High-priority gap.
inline std::string check_report_healthy(const IntrospectionReport& r, double min_success = 0.90,
                                        double max_avg_ms = 300.0) {
  std::string why;
  const auto& s = r.execution_summary;
  if (s.success_rate < min_success)
    why += "success_rate " + std::to_string(s.success_rate) + " is below " + std::to_string(min_success) + "; ";
  if (s.avg_duration_ms > max_avg_ms)
    why += "avg_duration_ms " + std::to_string(s.avg_duration_ms) + " is above " + std::to_string(max_avg_ms) + "; ";
  for (const auto& g : r.capability_gaps)
    if (priority_of(g) == Priority::High) why += "High-priority gap '" + g.description + "'; ";
  return why.empty() ? why : "report " + r.id + " is not healthy: " + why.substr(0, why.size() - 2);
}

// Status Validated or InProgress, at least one step and one success criterion.
inline std::string check_plan_ready(const ExecutionPlan& p) {
  std::string why;
  const std::string status = status_name(p.status);
  if (status != "Validated" && status != "InProgress") why += "status is " + status + " (want Validated or InProgress); ";
  if (p.steps.empty()) why += "it has no steps; ";
  if (p.success_criteria.empty()) why += "it has no success criteria; ";
  return why.empty() ? why : "plan '" + p.title + "' is not ready: " + why.substr(0, why.size() - 2);
}

// Status Validated, InProgress or Implemented and validation_score >= min.
inline std::string check_plan_validated(const ExecutionPlan& p, double min_score) {
  const std::string status = status_name(p.status);
  if (status != "Validated" && status != "InProgress" && status != "Implemented")
    return "plan '" + p.title + "' is " + status + ", not validated";
  if (p.validation_score < min_score)
    return "plan '" + p.title + "' has validation_score " + std::to_string(p.validation_score) + ", below " +
           std::to_string(min_score);
  return {};
}

inline std::string check_hypothesis_has_evidence(const Hypothesis& h) {
  return h.expected_evidence.empty() ? "hypothesis '" + h.statement + "' has no expected evidence" : std::string();
}

inline std::string check_hypothesis_evaluated(const Hypothesis& h) {
  if (h.status.kind != HypothesisStatus::Kind::Evaluated) return "hypothesis '" + h.statement + "' is not Evaluated";
  if (!h.outcome) return "hypothesis '" + h.statement + "' is Evaluated but has no outcome";
  return {};
}

inline std::string check_gap_has_solution(const CapabilityGap& g) {
  return g.proposed_solution.empty() ? "gap '" + g.description + "' has no proposed solution" : std::string();
}

// vs_previous present, success delta >= 0 and duration delta <= 0.
inline std::string check_execution_improved(const ReportExecutionSummary& s) {
  if (!s.vs_previous) return "summary has no comparison with a previous report (vs_previous is null)";
  std::string why;
  if (s.vs_previous->success_rate_delta < 0) why += "success rate fell by " + std::to_string(-s.vs_previous->success_rate_delta) + "; ";
  if (s.vs_previous->duration_delta_ms > 0) why += "duration rose by " + std::to_string(s.vs_previous->duration_delta_ms) + " ms; ";
  return why.empty() ? why : "execution did not improve: " + why.substr(0, why.size() - 2);
}

// The output has a gap with this key; the message lists the keys it has.
inline std::string check_has_gap_with_key(const AnalysisOutput& out, const std::string& key) {
  std::string keys;
  for (const auto& g : out.capability_gaps) {
    if (g.key == key) return {};
    keys += (keys.empty() ? "" : ", ") + (g.key.empty() ? "<no key: " + g.description + ">" : g.key);
  }
  return "no gap with key '" + key + "'; gaps found: [" + keys + "]";
}

inline std::string check_no_gap_with_key(const AnalysisOutput& out, const std::string& key) {
  for (const auto& g : out.capability_gaps)
    if (g.key == key) return "unexpected gap with key '" + key + "': " + g.description;
  return {};
}

}  // namespace dashflow::testing
