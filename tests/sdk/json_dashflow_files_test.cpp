// Files shaped exactly as DashFlow writes them (tests/data/dashflow_files/,
// copied from dashflow-core.md §1.7 and §3.6) read as they are.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "dashflow/json.hpp"
#include "dashflow/lifecycle.hpp"
#include "dashflow/time.hpp"

namespace {

using namespace dashflow;

std::string read_file(const std::string& name) {
  const std::string path = std::string(DASHFLOW_TEST_DATA_DIR) + "/dashflow_files/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DashFlowFiles, ExampleTrace) {
  const auto t = from_json_text<ExecutionTrace>(read_file("example_trace.json"));
  EXPECT_EQ(t.thread_id, "session-42");
  EXPECT_EQ(t.execution_id, "7f3c2a9e-5b1d-4c8e-9a0f-2d6b8e1c4a57");
  EXPECT_FALSE(t.parent_execution_id.has_value());
  EXPECT_EQ(t.depth, 0u);
  ASSERT_EQ(t.nodes_executed.size(), 2u);
  const auto& n0 = t.nodes_executed[0];
  EXPECT_EQ(n0.node, "planner");
  EXPECT_EQ(n0.duration_ms, 412u);
  EXPECT_EQ(n0.tokens_used, 1250u);
  EXPECT_TRUE(n0.state_before.empty());
  EXPECT_TRUE(n0.success);
  EXPECT_EQ(n0.started_at, "2025-12-15T10:30:00.100+00:00");
  EXPECT_TRUE(n0.metadata.empty());
  const auto& n1 = t.nodes_executed[1];
  EXPECT_EQ(n1.tools_called, std::vector<std::string>{"search"});
  EXPECT_FALSE(n1.success);
  EXPECT_EQ(n1.error_message, "tool 'geocode' not found");
  EXPECT_EQ(n1.index, 1u);
  EXPECT_EQ(json::parse(n1.state_before.text), json::parse(R"({"query":"weather in Paris"})"));
  EXPECT_EQ(json::parse(n1.metadata.text)["attempt"], 2);
  EXPECT_EQ(t.total_duration_ms, 2310u);
  EXPECT_EQ(t.total_tokens, 1250u);
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].error_type, "ToolError");
  EXPECT_EQ(t.errors[0].execution_index, 1u);
  EXPECT_TRUE(t.errors[0].retry_attempted);
  EXPECT_TRUE(t.errors[0].recoverable);
  EXPECT_FALSE(t.errors[0].context.has_value());
  EXPECT_FALSE(t.completed);
  EXPECT_FALSE(t.is_successful());
  EXPECT_EQ(parse_rfc3339_ms(*t.started_at), parse_rfc3339_ms("2025-12-15T10:30:00.100Z"));
  EXPECT_TRUE(t.final_state.empty());
  EXPECT_EQ(json::parse(t.metadata.text)["graph_name"], "weather_bot");
  EXPECT_EQ(json::parse(t.execution_metrics.text)["total_tokens"], 1250);
  EXPECT_TRUE(t.performance_metrics.empty());
  EXPECT_FALSE(t.cost_usd.has_value());
}

TEST(DashFlowFiles, ExampleTraceWrittenBackReadsTheSame) {
  const auto t = from_json_text<ExecutionTrace>(read_file("example_trace.json"));
  const json original = json::parse(read_file("example_trace.json"));
  const json written = json(t);
  // Same fields and values as DashFlow's own serialization (key order aside).
  EXPECT_EQ(written, original);
  EXPECT_EQ(from_json_text<ExecutionTrace>(written.dump()), t);
}

TEST(DashFlowFiles, MinimalTrace) {
  const auto t = from_json_text<ExecutionTrace>(read_file("minimal_trace.json"));
  EXPECT_EQ(t, ExecutionTrace{});
}

TEST(DashFlowFiles, ZTimestampsMissingOptionalsAndUnknownFields) {
  const auto t = from_json_text<ExecutionTrace>(read_file("trace_z_extra_fields.json"));
  EXPECT_FALSE(t.thread_id.has_value());
  EXPECT_EQ(t.execution_id, "exec-z-1");
  EXPECT_FALSE(t.depth.has_value());
  ASSERT_EQ(t.nodes_executed.size(), 2u);
  EXPECT_EQ(t.nodes_executed[0].tools_called.size(), 2u);
  EXPECT_FALSE(t.nodes_executed[0].error_message.has_value());
  EXPECT_FALSE(t.nodes_executed[1].started_at.has_value());
  EXPECT_EQ(parse_rfc3339_ms(*t.started_at), parse_rfc3339_ms("2025-12-15T10:30:00+00:00"));
  EXPECT_EQ(*parse_rfc3339_ms(*t.ended_at) - *parse_rfc3339_ms(*t.started_at), 200);
  // Extensions.
  const auto& n1 = t.nodes_executed[1];
  EXPECT_EQ(n1.span_id, "b7ad6b7169203331");
  EXPECT_EQ(n1.parent_span_id, "00f067aa0ba902b7");
  EXPECT_EQ(n1.token_usage, (TokenUsage{45, 15, 20, 5}));
  EXPECT_DOUBLE_EQ(*n1.cost_usd, 0.0012);
  EXPECT_EQ(n1.model, "gpt-4o-mini");
  ASSERT_EQ(n1.tool_calls.size(), 1u);
  EXPECT_EQ(n1.tool_calls[0], (ToolCall{"lookup", 12, false, "timeout"}));
  EXPECT_DOUBLE_EQ(*t.cost_usd, 0.0012);
  EXPECT_TRUE(t.errors[0].retry_attempted);
  EXPECT_FALSE(t.errors[0].error_type.has_value());
  EXPECT_TRUE(t.completed);
  EXPECT_FALSE(t.is_successful());
}

TEST(DashFlowFiles, StoredHypothesis) {
  const auto h = from_json_text<Hypothesis>(read_file("stored_hypothesis.json"));
  EXPECT_EQ(h.id, "3d1f0c7e-8a52-4b9e-b3c1-6f2e9a4d7b10");
  ASSERT_EQ(h.expected_evidence.size(), 3u);
  EXPECT_EQ(h.expected_evidence[1].metric, "latency_ms");
  EXPECT_EQ(h.expected_evidence[1].expected_value, "reduced by 320ms");
  EXPECT_EQ(h.evaluation_trigger.kind, EvaluationTrigger::Kind::AfterExecutions);
  EXPECT_EQ(h.evaluation_trigger.executions, 50u);
  EXPECT_EQ(h.status.kind, HypothesisStatus::Kind::Active);
  EXPECT_FALSE(h.outcome.has_value());
  EXPECT_EQ(h.source, HypothesisSource::CapabilityGap);
  EXPECT_EQ(h.created_at, "2025-12-15T10:31:07.482913245Z");
  EXPECT_STREQ(hypothesis_folder(h.status), "active");
  // _schema_version is never written by to_json (storage adds it).
  EXPECT_FALSE(json(h).contains("_schema_version"));
}

TEST(DashFlowFiles, HypothesisSerdeDefaults) {
  json j = json::parse(read_file("stored_hypothesis.json"));
  j.erase("source");
  j.erase("created_at");
  const auto h = from_json_text<Hypothesis>(j.dump());
  EXPECT_EQ(h.source, HypothesisSource::Manual);
  EXPECT_TRUE(parse_rfc3339_ms(h.created_at).has_value()) << h.created_at;  // now()
}

TEST(DashFlowFiles, StoredReport) {
  const auto r = from_json_text<IntrospectionReport>(read_file("stored_report.json"));
  EXPECT_EQ(r.id, "5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68");
  EXPECT_EQ(r.scope.kind, IntrospectionScope::Kind::GraphAggregate);
  EXPECT_EQ(r.scope.graph_id, "default");
  EXPECT_EQ(r.scope.execution_count, 4u);
  EXPECT_EQ(r.execution_summary.total_executions, 4u);
  EXPECT_FALSE(r.execution_summary.vs_previous.has_value());
  ASSERT_EQ(r.capability_gaps.size(), 1u);
  const auto& g = r.capability_gaps[0];
  EXPECT_EQ(g.description, "Missing tool: geocode");
  EXPECT_EQ(category_name(g.category), "MissingTool");
  const auto& m = std::get<GapManifestation::Errors>(g.manifestation.value);
  EXPECT_EQ(m.count, 4u);
  EXPECT_EQ(m.sample_messages, std::vector<std::string>{"Tool 'geocode' not found or undefined"});
  EXPECT_DOUBLE_EQ(g.expected_impact.latency_reduction_ms, 400.0);
  EXPECT_TRUE(g.key.empty());  // DashFlow files have no extension fields
  EXPECT_DOUBLE_EQ(r.retrospective.actual_execution.avg_duration_ms, 2310.0);
  EXPECT_EQ(r.retrospective.missing_tools[0].tool_name, "geocode");
  EXPECT_EQ(r.retrospective.counterfactuals.size(), 1u);
  EXPECT_FALSE(r.consensus.has_value());
  ASSERT_EQ(r.hypotheses.size(), 1u);
  EXPECT_EQ(r.hypotheses[0].source, HypothesisSource::CapabilityGap);
  ASSERT_EQ(r.citations.size(), 1u);
  const auto& src = std::get<CitationSource::ExecutionTrace>(r.citations[0].source_type.value);
  EXPECT_EQ(src.thread_id, "error-2025-12-15T10:30:02.342+00:00");
  EXPECT_EQ(r.citations[0].retrieval.kind, CitationRetrieval::Kind::TraceStorage);
  EXPECT_FALSE(r.previous_report_id.has_value());
  EXPECT_EQ(r.depth, AnalysisDepth::LocalAnalysis);  // our extension, defaulted
  // Written back: every DashFlow field survives with the same value.
  const json original = json::parse(read_file("stored_report.json"));
  const json written = json(r);
  for (auto it = original.begin(); it != original.end(); ++it) {
    if (it.key() == "_schema_version") continue;
    EXPECT_EQ(written.at(it.key()), it.value()) << it.key();
  }
}

TEST(DashFlowFiles, StoredPlan) {
  const auto p = from_json_text<ExecutionPlan>(read_file("stored_plan.json"));
  EXPECT_EQ(p.title, "Add Tool: geocode");
  EXPECT_EQ(p.category, PlanCategory::ApplicationImprovement);
  EXPECT_EQ(p.priority, 2);
  EXPECT_EQ(p.estimated_commits, 2);
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[1].order, 2);
  EXPECT_EQ(p.steps[0].files, std::vector<std::string>{"src/tools/new_tool.rs"});
  EXPECT_EQ(status_name(p.status), "Proposed");
  EXPECT_EQ(folder_of(p.status), PlanFolder::Pending);
  EXPECT_TRUE(p.fingerprint.empty());
  EXPECT_EQ(p.occurrences, 1u);
}

TEST(DashFlowFiles, ApprovedPlanInProgress) {
  const auto p = from_json_text<ExecutionPlan>(read_file("approved_plan.json"));
  const auto& s = std::get<PlanStatus::InProgress>(p.status.value);
  EXPECT_EQ(s.started, "2025-12-16T09:00:00Z");
  EXPECT_EQ(s.assignee, "ai-worker");
  EXPECT_EQ(folder_of(p.status), PlanFolder::Approved);
  EXPECT_EQ(p.category, PlanCategory::Optimization);
  EXPECT_DOUBLE_EQ(p.validation_score, 0.84);
  ASSERT_EQ(p.citations.size(), 1u);
  EXPECT_EQ(p.citations[0].retrieval.kind, CitationRetrieval::Kind::Inline);
  ASSERT_EQ(p.actions.size(), 1u);
  EXPECT_EQ(json::parse(p.actions[0].action_type_json)["UpdateParameter"]["value"], 1);
  EXPECT_FALSE(p.actions[0].expected_impact.has_value());
  const json written = json(p);
  EXPECT_EQ(written["actions"][0]["action_type"], json::parse(R"({"UpdateParameter":{"node":"tool_executor","param":"max_retries","value":1}})"));
}

TEST(DashFlowFiles, PlanWithoutActionsUsesSerdeDefault) {
  const auto p = from_json_text<ExecutionPlan>(read_file("plan_without_actions.json"));
  EXPECT_TRUE(p.actions.empty());
  EXPECT_EQ(std::get<PlanStatus::Failed>(p.status.value).reason, "abandoned");
  EXPECT_EQ(p.category, PlanCategory::ProcessImprovement);
}

TEST(DashFlowFiles, SchemaVersionIsIgnoredOnRead) {
  json j = json::parse(read_file("stored_plan.json"));
  j["_schema_version"] = 99;  // storage checks versions; the type reader does not
  EXPECT_NO_THROW(from_json_text<ExecutionPlan>(j.dump()));
}

TEST(DashFlowFiles, UnitVariantAsObjectWithNull) {
  // serde_json also accepts {"Variant": null} for a unit variant.
  const auto s = from_json_text<PlanStatus>(R"({"Validated": null})");
  EXPECT_EQ(status_name(s), "Validated");
}

}  // namespace
