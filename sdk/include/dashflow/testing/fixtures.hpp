// Ready-made values for tests: deterministic (fixed ids and timestamps), so a
// test can compare whole outputs. Built with builders.hpp.
#pragma once

#include <vector>

#include "dashflow/testing/builders.hpp"

namespace dashflow::testing {

// ------------------------------------------------------------ reports

// 1000 executions, 95% success, 150 ms average, no gaps.
inline IntrospectionReport healthy_report() {
  return ReportBuilder().id("00000000-0000-4000-8000-00000000c101").executions(1000).success_rate(0.95).avg_duration(150.0).build();
}

// 500 executions, 75% success, 400 ms average, 2 gaps, 1 deprecation ("legacy_formatter").
inline IntrospectionReport report_with_issues() {
  return ReportBuilder()
      .id("00000000-0000-4000-8000-00000000c102")
      .executions(500)
      .success_rate(0.75)
      .avg_duration(400.0)
      .gap(GapBuilder().description("Slow node: fetch_data").performance("fetch_data", "p95 latency 1830ms").build())
      .gap(GapBuilder().description("Missing tool: geocode").missing_tool("geocode", 12).high_impact().build())
      .deprecation("legacy_formatter")
      .build();
}

// ------------------------------------------------------------ plans

// "Implement caching layer": priority 1, validated 0.9, 2 steps, 2 criteria.
inline ExecutionPlan validated_plan() {
  return PlanBuilder()
      .id("00000000-0000-4000-8000-00000000a101")
      .title("Implement caching layer")
      .description("Cache tool results to cut latency of repeated lookups")
      .priority(1)
      .fingerprint("plan:performance:node:fetch_data")
      .step("Add a result cache in front of fetch_data", {"src/cache.cpp"}, "unit tests pass")
      .step("Measure latency before and after", {}, "p95 latency below 1000 ms")
      .criterion("p95 latency of fetch_data below 1000 ms")
      .criterion("No increase in error rate")
      .validated(0.9)
      .build();
}

// "Refactor error handling": Proposed, one step, one criterion.
inline ExecutionPlan proposed_plan() {
  return PlanBuilder()
      .id("00000000-0000-4000-8000-00000000a102")
      .title("Refactor error handling")
      .description("Route node errors through one handler with retries and fallbacks")
      .category(PlanCategory::ApplicationImprovement)
      .priority(3)
      .step("Introduce a shared error handler", {"src/errors.cpp"})
      .criterion("Retry rate below 10%")
      .build();
}

// ------------------------------------------------------------ hypotheses

// Active; 2 evidence items; evaluated after 200 executions.
inline Hypothesis active_hypothesis() {
  return HypothesisBuilder()
      .id("00000000-0000-4000-8000-00000000b101")
      .statement("Caching tool results will reduce latency")
      .source(HypothesisSource::CapabilityGap)
      .evidence("latency_ms", "reduced by 320ms", "Measure average execution latency")
      .evidence("error_rate", "no increase", "Error rate should not increase")
      .after_executions(200)
      .build();
}

inline Hypothesis confirmed_hypothesis() {
  return HypothesisBuilder()
      .id("00000000-0000-4000-8000-00000000b102")
      .statement("Retry fallback will reduce the error rate")
      .evidence("error_rate", "reduced by 32%")
      .confirmed()
      .build();
}

inline Hypothesis rejected_hypothesis() {
  return HypothesisBuilder()
      .id("00000000-0000-4000-8000-00000000b103")
      .statement("A larger model will improve accuracy")
      .evidence("accuracy", "improved by 20%")
      .rejected()
      .build();
}

// ------------------------------------------------------------ gaps

// High impact and confidence 0.9: priority High (0.8 * 0.9 > 0.7).
inline CapabilityGap high_impact_gap() {
  return GapBuilder()
      .description("Missing tool: geocode")
      .missing_tool("geocode", 40)
      .solution("Implement tool 'geocode' or provide alternative functionality")
      .high_impact()
      .confidence(0.9)
      .build();
}

// ------------------------------------------------------------ traces

// planner -> search -> respond, completed, no errors, 600 ms.
inline ExecutionTrace successful_trace() {
  return TraceBuilder()
      .thread("fixture-success")
      .execution("00000000-0000-4000-8000-00000000d101")
      .started_at("2025-12-15T10:30:00Z")
      .graph("fixture_graph")
      .node("planner", 200, 800)
      .node("search", 300, 0)
      .tool("web_search")
      .node("respond", 100, 400)
      .completed(true)
      .build();
}

// fetch fails with a timeout, is retried, then succeeds; the run completes
// with the error recorded (so it is not "successful").
inline ExecutionTrace failing_trace_with_retry() {
  return TraceBuilder()
      .thread("fixture-retry")
      .execution("00000000-0000-4000-8000-00000000d102")
      .started_at("2025-12-15T10:31:00Z")
      .graph("fixture_graph")
      .node("planner", 150, 600)
      .failed_node("fetch", 1000, "upstream timeout after 1000ms")
      .error("fetch", "upstream timeout after 1000ms", /*retry_attempted=*/true, "Timeout")
      .node("fetch", 400, 0)
      .node("respond", 100, 300)
      .completed(true)
      .build();
}

// One node far above the 1000 ms p95 threshold: 6.2 s in total.
inline ExecutionTrace slow_trace() {
  return TraceBuilder()
      .thread("fixture-slow")
      .execution("00000000-0000-4000-8000-00000000d103")
      .started_at("2025-12-15T10:32:00Z")
      .graph("fixture_graph")
      .node("planner", 200, 700)
      .node("slow_lookup", 5800, 0)
      .tool("database_query")
      .node("respond", 200, 300)
      .completed(true)
      .build();
}

// A mixed set in time order: success, retry, slow.
inline std::vector<ExecutionTrace> sample_traces() {
  return {successful_trace(), failing_trace_with_retry(), slow_trace()};
}

}  // namespace dashflow::testing
