// The report's .md companion: DashFlow's layout with its defects fixed.
#include "report_markdown.hpp"
#include "storage_test_support.hpp"

namespace fstest {
namespace {

bool has(const std::string& md, const std::string& text) { return md.find(text) != std::string::npos; }

IntrospectionReport rich_report() {
  IntrospectionReport r = sample_report("5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68", "2025-12-15T10:31:07.481Z");
  r.previous_report_id = "4a0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68";
  r.execution_summary.vs_previous = ComparisonMetrics{2, 0.05, -20.5, -0.01};
  r.retrospective.application_insights = {"Success rate of 75.0% is below target. Focus on error reduction."};
  r.retrospective.counterfactuals = {{"Add retry logic for 'tool_executor'", "Fewer failures", "No fallback", 0.7}};
  r.retrospective.missing_tools = {{"geocode", "Tool to handle geocoding", "Would prevent 4 errors", {}}};
  ImprovementProposal proposal;
  proposal.title = "Address: Missing tool: geocode";
  proposal.description = "Improvement proposal generated from capability gap";
  proposal.source = {ProposalSource::Kind::CapabilityGap, 0};
  proposal.initial_confidence = 0.8;
  r.proposals.push_back(proposal);
  DeprecationRecommendation dep;
  dep.target.value = DeprecationTarget::Node{"legacy_router", 0};
  dep.rationale = "Never executed";
  dep.confidence = 0.6;
  r.deprecations.push_back(dep);
  ExecutionPlan approved = sample_plan("6a1b2c3d-0000-4000-8000-000000000001", "fp", in_progress("alice"));
  ExecutionPlan proposed = sample_plan("7a1b2c3d-0000-4000-8000-000000000001", "fp2");
  r.execution_plans = {approved, proposed};
  DetectedPattern pattern;
  pattern.description = "Recurring timeout in fetch";
  pattern.pattern_type = "RecurringError";
  pattern.occurrences = 7;
  pattern.affected_nodes = {"fetch"};
  r.patterns.push_back(pattern);
  r.skipped_inputs.push_back({"traces/bad.json", 0, "invalid JSON at byte 12"});
  r.hypotheses.push_back(sample_hypothesis("3d1f0c7e-8a52-4b9e-b3c1-6f2e9a4d7b10"));
  return r;
}

TEST(FsStorageMarkdown, LayoutAndFixedRendering) {
  const std::string md = fsstore::render_report_markdown(rich_report());
  EXPECT_EQ(md.rfind("# Introspection Report: 2025-12-15T10:31:07\n", 0), 0u) << md.substr(0, 60);
  for (const char* section : {"**Report ID:** 5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68", "**Scope:** GraphAggregate (default, 4 executions)",
                              "**Previous Report:** 4a0e2d44", "## Execution Summary", "## Capability Gap Analysis",
                              "## Deprecation Recommendations", "## Execution Plans", "## Hypotheses", "## Citations",
                              "- trace-1: ExecutionTrace thread_id=thread-1"}) {
    EXPECT_TRUE(has(md, section)) << section;
  }
  // Enums as words, not Rust Debug.
  EXPECT_TRUE(has(md, "**Category:** Missing tool: Tool 'geocode' referenced but not available (4 errors)"));
  EXPECT_FALSE(has(md, "MissingTool {"));
  EXPECT_FALSE(has(md, "tool_description"));
  EXPECT_TRUE(has(md, "**Manifestation:** Errors (4 occurrences): Tool 'geocode' not found or undefined"));
  EXPECT_TRUE(has(md, "### Gap 1: Missing tool: geocode [Medium]"));
  EXPECT_TRUE(has(md, "### Deprecation 1: Node 'legacy_router' (used 0 times)"));
  // Each plan with its real status.
  EXPECT_TRUE(has(md, "### Plan 6a1b2c3d-0000-4000-8000-000000000001: Add tool geocode [IN PROGRESS]"));
  EXPECT_TRUE(has(md, "### Plan 7a1b2c3d-0000-4000-8000-000000000001: Add tool geocode [PROPOSED]"));
  EXPECT_TRUE(has(md, "assignee alice"));
  EXPECT_FALSE(has(md, "[VALIDATED]"));
  // Retrospective, proposals, deltas, patterns, skipped inputs.
  EXPECT_TRUE(has(md, "## Retrospective Analysis"));
  EXPECT_TRUE(has(md, "Success rate of 75.0% is below target"));
  EXPECT_TRUE(has(md, "Add retry logic for 'tool_executor'"));
  EXPECT_TRUE(has(md, "**geocode**"));
  EXPECT_TRUE(has(md, "## Improvement Proposals"));
  EXPECT_TRUE(has(md, "### Address: Missing tool: geocode"));
  EXPECT_TRUE(has(md, "| Metric | Value | vs Previous |"));
  EXPECT_TRUE(has(md, "| Total Executions | 4 | +2 |"));
  EXPECT_TRUE(has(md, "| Success Rate | 75.0% | +5.0% |"));
  EXPECT_TRUE(has(md, "| Avg Duration | 2310.0ms | -20.5ms |"));
  EXPECT_TRUE(has(md, "## Detected Patterns"));
  EXPECT_TRUE(has(md, "Recurring timeout in fetch"));
  EXPECT_TRUE(has(md, "## Skipped Inputs"));
  EXPECT_TRUE(has(md, "- traces/bad.json: invalid JSON at byte 12"));
}

TEST(FsStorageMarkdown, OptionalSectionsOmittedWhenEmpty) {
  const std::string md = fsstore::render_report_markdown(sample_report("5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68", "2025-12-15T10:31:07Z"));
  EXPECT_FALSE(has(md, "vs Previous"));
  EXPECT_FALSE(has(md, "## Detected Patterns"));
  EXPECT_FALSE(has(md, "## Skipped Inputs"));
  EXPECT_FALSE(has(md, "## Improvement Proposals"));
  EXPECT_FALSE(has(md, "## Retrospective Analysis"));
  EXPECT_FALSE(has(md, "**Previous Report:**"));
  EXPECT_TRUE(has(md, "| Success Rate | 75.0% |"));
}

TEST(FsStorageMarkdown, WrittenNextToTheJson) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  const IntrospectionReport r = rich_report();
  store->save_report(r);
  const fs::path md = dir.path() / "reports" / ("2025-12-15T10-31-07_" + r.id + ".md");
  ASSERT_TRUE(fs::exists(md));
  EXPECT_EQ(read_text(md), fsstore::render_report_markdown(r));
}

}  // namespace
}  // namespace fstest
