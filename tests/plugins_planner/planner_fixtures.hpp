// Hand-built analyzer output of the worked example (dashflow-core.md §3.5):
// 4 traces, planner 412 ms + tool_executor 1830 ms, one retried
// "tool 'geocode' not found" error per trace, none completed.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "dashflow/plugin.hpp"

namespace planner_test {

using namespace dashflow;

inline Impact impact_medium(std::string description) { return {0.4, 200, 0.4, std::move(description)}; }
inline Impact impact_high(std::string description) { return {0.8, 400, 0.8, std::move(description)}; }

inline Citation trace_citation(const std::string& thread_id) {
  Citation c;
  c.id = "trace-" + thread_id.substr(0, 8);
  c.source_type.value = CitationSource::ExecutionTrace{thread_id, "2025-12-15T10:31:07Z"};
  c.description = "ExecutionTrace thread_id=" + thread_id;
  c.retrieval = {CitationRetrieval::Kind::TraceStorage, "thread_id = '" + thread_id + "'"};
  return c;
}

inline CapabilityGap error_pattern_gap() {
  CapabilityGap g;
  g.description = "Recurring error pattern: tool geocode not found";
  g.category.value = GapCategory::MissingTool{"Missing dependency or tool"};
  g.manifestation.value = GapManifestation::Errors{4, {"tool 'geocode' not found", "tool 'geocode' not found",
                                                       "tool 'geocode' not found"}};
  g.proposed_solution = "Address root cause of 'tool geocode not found' errors in nodes: tool_executor";
  g.expected_impact = impact_medium("Eliminate 4 recurring errors");
  g.confidence = 0.5 + 0.3 * 0.4 + 0.2 * (1.0 / 3.0);
  g.evidence = {trace_citation("error-2025-12-15T10:30:02.342+00:00"),
                trace_citation("error-2025-12-15T10:30:04.100+00:00"),
                trace_citation("error-2025-12-15T10:30:06.250+00:00")};
  g.key = "error_pattern:tool geocode not found";
  return g;
}

inline CapabilityGap retry_gap(double rate = 1.0, int retries = 4, int total = 4, double confidence = 0.84) {
  char limitation[128];
  std::snprintf(limitation, sizeof limitation, "Node has %.1f%% retry rate (%d retries in %d executions)", rate * 100,
                retries, total);
  CapabilityGap g;
  g.description = "High retry rate in node 'tool_executor'";
  g.category.value = GapCategory::InadequateFunctionality{"tool_executor", limitation};
  g.manifestation.value = GapManifestation::Retries{rate, {"tool_executor"}};
  g.proposed_solution =
      "Investigate why 'tool_executor' requires retries and improve error handling or add fallback logic";
  char impact[96];
  std::snprintf(impact, sizeof impact, "Reduce %.1f%% retry rate to improve reliability", rate * 100);
  g.expected_impact = impact_medium(impact);
  g.confidence = confidence;
  g.key = "retry:tool_executor";
  return g;
}

inline CapabilityGap performance_gap(int p95 = 1830, int avg = 1830, int n = 4) {
  const std::string p = std::to_string(p95), a = std::to_string(avg);
  CapabilityGap g;
  g.description = "Performance bottleneck in node 'tool_executor'";
  g.category.value =
      GapCategory::PerformanceGap{"p95 latency: " + p + "ms, avg: " + a + "ms over " + std::to_string(n) + " executions"};
  g.manifestation.value = GapManifestation::SuboptimalPaths{"Node 'tool_executor' consistently takes >1s (p95: " + p + "ms)"};
  g.proposed_solution = "Optimize 'tool_executor' node - consider caching, parallel execution, or algorithm improvements";
  g.expected_impact = {0, static_cast<double>(std::max(0, p95 - avg)), 0,
                       "Reduce latency from " + p + "ms p95 to ~" + a + "ms"};
  g.confidence = 0.7;
  g.key = "performance:tool_executor";
  return g;
}

inline CapabilityGap missing_tool_gap(int errors = 4) {
  CapabilityGap g;
  g.description = "Missing tool: geocode";
  g.category.value = GapCategory::MissingTool{"Tool 'geocode' referenced but not available (" + std::to_string(errors) +
                                              " errors)"};
  g.manifestation.value = GapManifestation::Errors{static_cast<uint64_t>(errors), {"Tool 'geocode' not found or undefined"}};
  g.proposed_solution = "Implement tool 'geocode' or provide alternative functionality";
  g.expected_impact = impact_high("Enable functionality currently failing due to missing 'geocode'");
  g.confidence = 0.8;
  g.key = "missing_tool:geocode";
  return g;
}

inline RetrospectiveAnalysis worked_retrospective() {
  RetrospectiveAnalysis r;
  r.actual_execution.total_executions = 4;
  r.actual_execution.failed_executions = 4;
  r.actual_execution.avg_duration_ms = 2310;
  r.actual_execution.total_tokens = 5000;
  r.actual_execution.avg_tokens = 1250;
  r.actual_execution.retry_rate = 1.0;
  r.counterfactuals = {{"Add retry logic or fallback mechanism for 'tool_executor'",
                        "Reduce failures from 4 occurrences in 'tool_executor'", "No fallback mechanism was implemented",
                        0.7}};
  r.missing_tools = {{"geocode", "Tool to handle: tool 'geocode' not found", "Would prevent 4 errors",
                      impact_medium("Eliminate 4 recurring errors")}};
  r.application_insights = {"Success rate of 0.0% is below target. Focus on error reduction."};
  r.platform_insights = {"High retry count (4 retries in 4 executions). Implement better error handling."};
  return r;
}

inline ReportExecutionSummary worked_summary() {
  ReportExecutionSummary s;
  s.total_executions = 4;
  s.failed_executions = 4;
  s.success_rate = 0.0;
  s.avg_duration_ms = 2310;
  s.total_tokens = 5000;
  s.avg_tokens = 1250;
  s.retry_rate = 1.0;
  return s;
}

inline PlannerInput worked_input() {
  PlannerInput in;
  in.report_id = "5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68";
  // analyzer output order: sorted by confidence
  in.gaps = {retry_gap(), missing_tool_gap(), performance_gap(), error_pattern_gap()};
  in.retrospective = worked_retrospective();
  in.summary = worked_summary();
  in.context.traces_total = 4;
  return in;
}

inline bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

}  // namespace planner_test
