// Odd but valid input (hand-written fixtures under fixtures/edge): missing
// parents, cycles, clock skew, unknown attributes and fields, int64 and enum
// forms, the legacy instrumentationLibrarySpans, JSON Lines under .json,
// duplicate spans, wrapper spans.
#include <gtest/gtest.h>

#include "otlp_test_util.hpp"

using namespace otlptest;
using dashflow::ExecutionTrace;
using dashflow::TokenUsage;

namespace {

CollectingSink read_edge(const std::string& name, bool keep_content = false) {
  auto sink = read_path(fixture("edge/" + name), keep_content);
  EXPECT_TRUE(sink.skips.empty()) << reasons(sink);
  return sink;
}

}  // namespace

TEST(EdgeCases, OrphanSpansHangUnderTheRun) {
  const auto sink = read_edge("orphans.json");
  ASSERT_EQ(sink.traces.size(), 2u);
  const ExecutionTrace& t = by_id(sink, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01");
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"chat gpt-4o", "search", "summarize"}));
  EXPECT_EQ(t.nodes_executed[0].tokens_used, 150u);
  EXPECT_EQ(t.nodes_executed[2].tokens_used, 100u) << "an orphan keeps its own subtree";
  EXPECT_EQ(t.total_tokens, 250u);
  EXPECT_EQ(t.nodes_executed[1].tools_called, (std::vector<std::string>{"search"}));
  EXPECT_FALSE(meta(t.nodes_executed[0].metadata).contains("orphan"));
  EXPECT_EQ(meta(t.nodes_executed[1].metadata)["orphan"], true);
  EXPECT_EQ(meta(t.nodes_executed[2].metadata)["orphan"], true);
  EXPECT_EQ(t.nodes_executed[1].parent_span_id, "ffffffffffffff01") << "the original parent id is kept";
  const auto m = meta(t.metadata);
  EXPECT_EQ(m["otlp"]["orphan_spans"], 2);
  EXPECT_EQ(m["graph_name"], "planner");
  EXPECT_TRUE(t.completed);
  EXPECT_TRUE(t.is_successful());
}

TEST(EdgeCases, TraceWithoutItsRootIsPartial) {
  const auto sink = read_edge("orphans.json");
  const ExecutionTrace& t = by_id(sink, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb02");
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"retrieve", "chat gpt-4o"}));
  EXPECT_FALSE(t.completed) << "without its root we cannot tell the run finished";
  EXPECT_EQ(t.started_at, "2026-01-15T10:01:00Z");
  EXPECT_EQ(t.ended_at, "2026-01-15T10:01:00.400Z");
  EXPECT_EQ(t.total_duration_ms, 400u);
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].node, "chat gpt-4o");
  EXPECT_EQ(t.errors[0].message, "rate limited by provider");
  EXPECT_EQ(t.errors[0].execution_index, 1u);
  EXPECT_FALSE(t.errors[0].error_type.has_value());
  EXPECT_FALSE(t.errors[0].recoverable);
  const auto m = meta(t.metadata);
  EXPECT_EQ(m["otlp"]["root_missing"], true);
  EXPECT_EQ(m["graph_name"], "planner-service");
}

TEST(EdgeCases, ParentCyclesAreBroken) {
  const auto sink = read_edge("cycles.json");
  ASSERT_EQ(sink.traces.size(), 1u);
  const ExecutionTrace& t = sink.traces[0].trace;
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"step_a", "self_parent"}));
  EXPECT_EQ(t.nodes_executed[0].tokens_used, 50u) << "step_b stays inside step_a";
  EXPECT_EQ(t.total_tokens, 50u);
  const auto m = meta(t.metadata);
  EXPECT_EQ(m["otlp"]["cyclic_parents"], 1);
  EXPECT_EQ(m["otlp"]["orphan_spans"], 1);
  EXPECT_TRUE(t.completed);
}

TEST(EdgeCases, ClockSkewOrdersByStartAndClampsDurations) {
  const auto sink = read_edge("clock_skew.json");
  ASSERT_EQ(sink.traces.size(), 1u);
  const ExecutionTrace& t = sink.traces[0].trace;
  // The file lists the spans in reverse; children start before and end after their parent.
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"early_llm", "clock", "late_llm", "unended"}));
  std::vector<uint64_t> durations, indexes;
  for (const auto& n : t.nodes_executed) {
    durations.push_back(n.duration_ms);
    indexes.push_back(n.index);
  }
  EXPECT_EQ(durations, (std::vector<uint64_t>{350, 0, 600, 0}));
  EXPECT_EQ(indexes, (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(t.nodes_executed[0].started_at, "2026-01-15T10:03:19.950Z");
  EXPECT_EQ(t.total_duration_ms, 1000u) << "the run's own span";
  EXPECT_EQ(t.nodes_executed[1].tool_calls.at(0).duration_ms, 0u);
  EXPECT_EQ(meta(t.metadata)["graph_name"], "skewed");
}

TEST(EdgeCases, UnknownAttributesAndFieldsAreKeptOrIgnored) {
  const auto sink = read_edge("unknown_attributes.json");
  ASSERT_EQ(sink.traces.size(), 1u);
  const ExecutionTrace& t = sink.traces[0].trace;
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"generate"}));
  const auto& n = t.nodes_executed[0];
  const auto nm = meta(n.metadata);
  EXPECT_EQ(nm["span_kind"], "LLM") << "unknown OpenInference kind falls through to the model heuristic";
  EXPECT_EQ(nm["otel_kind"], "CLIENT");
  const auto& a = nm["attributes"];
  EXPECT_EQ(a["custom.team"], "search");
  EXPECT_EQ(a["x.list"], dashflow::json::parse(R"([1, "a", true, 2.5])"));
  EXPECT_EQ(a["x.map"], dashflow::json::parse(R"({"a": 1, "b": {"c": "deep"}})"));
  EXPECT_EQ(a["x.bytes"], "AQID");
  EXPECT_TRUE(a.contains("x.empty") && a["x.empty"].is_null());
  EXPECT_EQ(a["x.nan"], "NaN");
  EXPECT_TRUE(a["x.future"].is_null());
  EXPECT_FALSE(a.contains("input.value"));
  EXPECT_FALSE(a.contains("llm.input_messages.0.message.content"));
  EXPECT_EQ(n.tokens_used, 42u);
  EXPECT_EQ(n.model, "mistral-large-2411");
  EXPECT_TRUE(t.errors.empty()) << "non-exception events are not errors";
  EXPECT_EQ(meta(t.metadata)["otlp"]["resource"]["host.arch"], "amd64");

  const auto with_content = read_edge("unknown_attributes.json", /*keep_content=*/true);
  const auto wa = meta(with_content.traces.at(0).trace.nodes_executed.at(0).metadata)["attributes"];
  EXPECT_EQ(wa["input.value"], "my secret question");
}

TEST(EdgeCases, Int64AndEnumFormsAndUpperCaseIds) {
  const auto sink = read_edge("int64_forms.json");
  ASSERT_EQ(sink.traces.size(), 1u);
  const ExecutionTrace& t = sink.traces[0].trace;
  EXPECT_EQ(t.execution_id, "5b8efff798038103d269b633813fc60c") << "ids normalized to lowercase";
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"chat claude", "geocode", "chat claude"}))
      << "upper- and lower-case parent ids match";
  EXPECT_EQ(t.nodes_executed[0].tokens_used, 1500u);  // "1200" (string) + 300 (number)
  EXPECT_EQ(t.nodes_executed[2].tokens_used, 1580u);  // 1500.0 (double) + "80" (stringValue)
  EXPECT_EQ(t.total_tokens, 3080u);
  ASSERT_TRUE(t.cost_usd.has_value());
  EXPECT_NEAR(*t.cost_usd, 0.0093, 1e-12);
  EXPECT_NEAR(t.nodes_executed[0].cost_usd.value_or(0), 0.0042, 1e-12);
  EXPECT_EQ(t.started_at, "2026-01-15T10:06:40Z");  // startTimeUnixNano as a number
  EXPECT_EQ(t.total_duration_ms, 2000u);
  EXPECT_EQ(meta(t.nodes_executed[0].metadata)["otel_kind"], "CLIENT");  // "SPAN_KIND_CLIENT"
  // Status as "STATUS_CODE_ERROR", 2 and "ERROR". The root's failure repeats
  // the tool's and is not counted again.
  ASSERT_EQ(t.errors.size(), 2u);
  EXPECT_EQ(t.errors[0].node, "geocode");
  EXPECT_EQ(t.errors[0].message, "tool 'geocode' not found");
  EXPECT_EQ(t.errors[0].error_type, "ToolNotFound");
  EXPECT_EQ(t.errors[0].execution_index, 1u);
  EXPECT_FALSE(t.errors[0].recoverable);
  EXPECT_EQ(t.errors[1].node, "chat claude");
  EXPECT_EQ(t.errors[1].message, "context window exceeded");
  EXPECT_EQ(t.errors[1].execution_index, 2u);
  EXPECT_FALSE(t.nodes_executed[2].success);
  EXPECT_TRUE(t.nodes_executed[0].success);
  EXPECT_TRUE(t.completed);
  EXPECT_FALSE(t.is_successful());
}

TEST(EdgeCases, LegacyInstrumentationLibrarySpansAndTraceloopKinds) {
  const auto sink = read_edge("legacy_library.json");
  ASSERT_EQ(sink.traces.size(), 1u);
  const ExecutionTrace& t = sink.traces[0].trace;
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"fetch", "http_get"}));
  EXPECT_EQ(t.nodes_executed[1].tools_called, (std::vector<std::string>{"http_get"}));
  EXPECT_EQ(meta(t.nodes_executed[0].metadata)["scope"], "old-lib");
  EXPECT_EQ(meta(t.nodes_executed[0].metadata)["span_kind"], "CHAIN");
  EXPECT_EQ(meta(t.metadata)["graph_name"], "legacy_flow");
}

TEST(EdgeCases, JsonLinesUnderAJsonNameAsTheCollectorWritesThem) {
  const auto sink = read_edge("collector_lines.json");
  ASSERT_EQ(sink.traces.size(), 1u) << "the child (line 1) and its root (line 2) form one trace";
  EXPECT_EQ(sink.traces[0].origin.line, 1u);
  const ExecutionTrace& t = sink.traces[0].trace;
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"chat gpt-4o-mini"}));
  EXPECT_EQ(t.total_tokens, 15u);
  EXPECT_EQ(meta(t.metadata)["graph_name"], "relay");
  EXPECT_TRUE(t.is_successful());
}

TEST(EdgeCases, DuplicateSpansCountOnce) {
  const auto sink = read_edge("duplicates.jsonl");
  ASSERT_EQ(sink.traces.size(), 1u);
  const ExecutionTrace& t = sink.traces[0].trace;
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"ChatOpenAI"}));
  EXPECT_EQ(t.total_tokens, 70u);
  EXPECT_EQ(meta(t.metadata)["otlp"]["duplicate_spans"], 1);
}

TEST(EdgeCases, WrapperSpansAreLookedThroughAndALoneCallIsItsOwnNode) {
  const auto sink = read_edge("shapes.json");
  ASSERT_EQ(sink.traces.size(), 2u);
  const ExecutionTrace& wrapped = by_id(sink, "09090909090909090909090909090901");
  EXPECT_EQ(node_names(wrapped), (std::vector<std::string>{"chat gpt-4o", "chat gpt-4o"}));
  EXPECT_EQ(wrapped.nodes_executed[0].tokens_used, 110u);
  EXPECT_EQ(meta(wrapped.nodes_executed[0].metadata)["span_count"], 2) << "the HTTP client span is folded in";
  EXPECT_EQ(wrapped.total_duration_ms, 1000u) << "the whole request, wrapper included";
  EXPECT_EQ(wrapped.thread_id, "conv-shapes");
  const auto m = meta(wrapped.metadata);
  EXPECT_EQ(m["graph_name"], "concierge");
  EXPECT_EQ(m["otlp"]["root_span"], "POST /chat");
  EXPECT_EQ(m["otlp"]["run_span"], "invoke_agent concierge");

  const ExecutionTrace& lone = by_id(sink, "09090909090909090909090909090902");
  EXPECT_EQ(node_names(lone), (std::vector<std::string>{"chat gpt-4o-mini"}));
  EXPECT_EQ(lone.nodes_executed[0].tokens_used, 10u);
  EXPECT_EQ(lone.nodes_executed[0].model, "gpt-4o-mini");
  EXPECT_EQ(lone.nodes_executed[0].duration_ms, 250u);
  EXPECT_EQ(meta(lone.metadata)["graph_name"], "chat gpt-4o-mini") << "unknown_service:* is not a name";
}

TEST(EdgeCases, TwoRootsInOneTraceIdArePartialAndArraysOfRequestsRead) {
  TempDir dir;
  const std::string span =
      R"({"traceId":"12121212121212121212121212121212","spanId":"%ID%","name":"%NAME%",)"
      R"("startTimeUnixNano":"%START%","endTimeUnixNano":"1768473100900000000",)"
      R"("attributes":[{"key":"openinference.span.kind","value":{"stringValue":"AGENT"}}]})";
  auto make = [&](const std::string& id, const std::string& name, const std::string& start) {
    std::string s = span;
    s.replace(s.find("%ID%"), 4, id);
    s.replace(s.find("%NAME%"), 6, name);
    s.replace(s.find("%START%"), 7, start);
    return R"({"resourceSpans":[{"scopeSpans":[{"spans":[)" + s + "]}]}]}";
  };
  const std::string path = dir.write("two_roots.json", "[" + make("1200000000000002", "second", "1768473100200000000") +
                                                           ",\n" + make("1200000000000001", "first", "1768473100100000000") + "]");
  const auto sink = read_path(path);
  EXPECT_TRUE(sink.skips.empty()) << reasons(sink);
  ASSERT_EQ(sink.traces.size(), 1u);
  const ExecutionTrace& t = sink.traces[0].trace;
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"first", "second"}));
  EXPECT_FALSE(t.completed);
  EXPECT_EQ(meta(t.metadata)["otlp"]["multiple_roots"], 2);
}

TEST(EdgeCases, EmptyRequestsGiveNothingAndNoSkip) {
  TempDir dir;
  for (const char* text : {R"({"resourceSpans": []})", R"({"resourceSpans": [{"scopeSpans": []}]})",
                           R"({"resourceSpans": [{"scopeSpans": [{"spans": []}]}]})", "[]"}) {
    const auto sink = read_path(dir.write("empty_request.json", text));
    EXPECT_TRUE(sink.traces.empty()) << text;
    EXPECT_TRUE(sink.skips.empty()) << text << "\n" << reasons(sink);
  }
}
