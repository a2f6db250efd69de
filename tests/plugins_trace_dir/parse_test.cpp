// Good fixtures (tests/data/good_traces): every field read as written.
#include <gtest/gtest.h>

#include "dashflow/time.hpp"
#include "trace_dir_test_util.hpp"

using namespace tdtest;
using dashflow::json;

namespace {

CollectedTrace read_single(const std::string& name) {
  CollectingSink sink = read_path(good_dir() + "/" + name);
  EXPECT_TRUE(sink.skips.empty()) << name << ": " << (sink.skips.empty() ? "" : sink.skips[0].reason);
  EXPECT_EQ(sink.traces.size(), 1u) << name;
  return sink.traces.empty() ? CollectedTrace{} : std::move(sink.traces[0]);
}

json raw(const dashflow::RawJson& r) { return r.empty() ? json() : json::parse(r.text); }

// The example of dashflow-core.md §1.7; zone is "+00:00" or "Z".
void check_full_example(const CollectedTrace& r, const std::string& zone, const std::string& thread,
                        const std::string& execution) {
  const auto& t = r.trace;
  EXPECT_EQ(t.thread_id, thread);
  EXPECT_EQ(t.execution_id, execution);
  EXPECT_FALSE(t.parent_execution_id);
  EXPECT_FALSE(t.root_execution_id);
  EXPECT_EQ(t.depth, 0u);
  EXPECT_EQ(t.total_duration_ms, 2310u);
  EXPECT_EQ(t.total_tokens, 1250u);
  EXPECT_FALSE(t.completed);
  EXPECT_EQ(t.started_at, "2025-12-15T10:30:00.100" + zone);
  EXPECT_EQ(t.ended_at, "2025-12-15T10:30:02.410" + zone);
  EXPECT_TRUE(t.final_state.empty());
  EXPECT_EQ(raw(t.metadata), json::parse(R"({"graph_name": "weather_bot", "checkpoint_count": 0, "edges_traversed": 1, "parallel_executions": 0})"));
  ASSERT_FALSE(t.execution_metrics.empty());
  const json metrics = raw(t.execution_metrics);
  EXPECT_EQ(metrics["node_durations"]["tool_executor"]["nanos"], 830000000);
  EXPECT_EQ(metrics["total_tokens"], 1250);
  EXPECT_TRUE(t.performance_metrics.empty());
  EXPECT_FALSE(t.cost_usd);

  ASSERT_EQ(t.nodes_executed.size(), 2u);
  const auto& planner = t.nodes_executed[0];
  EXPECT_EQ(planner.node, "planner");
  EXPECT_EQ(planner.duration_ms, 412u);
  EXPECT_EQ(planner.tokens_used, 1250u);
  EXPECT_TRUE(planner.state_before.empty());
  EXPECT_TRUE(planner.state_after.empty());
  EXPECT_TRUE(planner.tools_called.empty());
  EXPECT_TRUE(planner.success);
  EXPECT_FALSE(planner.error_message);
  EXPECT_EQ(planner.index, 0u);
  EXPECT_EQ(planner.started_at, "2025-12-15T10:30:00.100" + zone);
  EXPECT_TRUE(planner.metadata.empty());
  EXPECT_FALSE(planner.span_id);
  EXPECT_FALSE(planner.token_usage);
  EXPECT_TRUE(planner.tool_calls.empty());

  const auto& tool = t.nodes_executed[1];
  EXPECT_EQ(tool.node, "tool_executor");
  EXPECT_EQ(tool.duration_ms, 1830u);
  EXPECT_EQ(tool.tokens_used, 0u);
  EXPECT_EQ(raw(tool.state_before), json::parse(R"({"query": "weather in Paris"})"));
  EXPECT_EQ(raw(tool.state_after), json::parse(R"({"query": "weather in Paris", "result": null})"));
  EXPECT_EQ(tool.tools_called, std::vector<std::string>{"search"});
  EXPECT_FALSE(tool.success);
  EXPECT_EQ(tool.error_message, "tool 'geocode' not found");
  EXPECT_EQ(tool.index, 1u);
  EXPECT_EQ(tool.started_at, "2025-12-15T10:30:00.512" + zone);
  EXPECT_EQ(raw(tool.metadata), json::parse(R"({"attempt": 2})"));

  ASSERT_EQ(t.errors.size(), 1u);
  const auto& e = t.errors[0];
  EXPECT_EQ(e.node, "tool_executor");
  EXPECT_EQ(e.message, "tool 'geocode' not found");
  EXPECT_EQ(e.error_type, "ToolError");
  EXPECT_TRUE(e.state_at_error.empty());
  EXPECT_EQ(e.timestamp, "2025-12-15T10:30:02.342" + zone);
  EXPECT_EQ(e.execution_index, 1u);
  EXPECT_TRUE(e.recoverable);
  EXPECT_TRUE(e.retry_attempted);
  EXPECT_FALSE(e.context);
  EXPECT_TRUE(e.metadata.empty());
  EXPECT_FALSE(t.is_successful());

  EXPECT_EQ(r.origin.line, 0u);
  EXPECT_EQ(r.origin.started_at_ms, *dashflow::parse_rfc3339_ms("2025-12-15T10:30:00.100Z"));
}

}  // namespace

TEST(TraceDirParse, FullExampleWithOffsetTimestamps) {
  const CollectedTrace r = read_single("full_example.json");
  check_full_example(r, "+00:00", "session-42", "7f3c2a9e-5b1d-4c8e-9a0f-2d6b8e1c4a57");
  EXPECT_EQ(r.origin.source, good_dir() + "/full_example.json");
}

TEST(TraceDirParse, ZuluTimestamps) {
  check_full_example(read_single("zulu_timestamps.json"), "Z", "session-43", "0b6c1f4e-3a2d-4e5f-8a9b-1c2d3e4f5a6b");
}

TEST(TraceDirParse, GzipCompressedTrace) {
  const CollectedTrace r = read_single("compressed.json.gz");
  check_full_example(r, "+00:00", "session-gz", "gz-0001");
  EXPECT_EQ(r.origin.source, good_dir() + "/compressed.json.gz");
}

TEST(TraceDirParse, MinimalTrace) {
  const CollectedTrace r = read_single("minimal.json");
  const auto& t = r.trace;
  EXPECT_FALSE(t.thread_id);
  EXPECT_FALSE(t.execution_id);
  EXPECT_FALSE(t.depth);
  EXPECT_TRUE(t.nodes_executed.empty());
  EXPECT_TRUE(t.errors.empty());
  EXPECT_EQ(t.total_duration_ms, 0u);
  EXPECT_EQ(t.total_tokens, 0u);
  EXPECT_FALSE(t.completed);
  EXPECT_FALSE(t.started_at);
  EXPECT_TRUE(t.metadata.empty());
  EXPECT_TRUE(t.final_state.empty());
  EXPECT_TRUE(t.execution_metrics.empty());
  EXPECT_EQ(r.origin.started_at_ms, 0);
}

TEST(TraceDirParse, UnknownFieldsAreIgnored) {
  const auto& t = read_single("unknown_fields.json").trace;
  EXPECT_EQ(t.thread_id, "t-unknown");
  EXPECT_FALSE(t.execution_id);  // explicit null
  ASSERT_EQ(t.nodes_executed.size(), 1u);
  EXPECT_EQ(t.nodes_executed[0].node, "fetch");
  EXPECT_EQ(t.nodes_executed[0].tools_called, std::vector<std::string>{"http_get"});
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].message, "slow");
  EXPECT_FALSE(t.errors[0].retry_attempted);
  EXPECT_TRUE(t.completed);
  EXPECT_EQ(raw(t.metadata), json::parse(R"({"k": "v"})"));
}

TEST(TraceDirParse, ExtensionFields) {
  const CollectedTrace r = read_single("extensions.json");
  const auto& t = r.trace;
  EXPECT_EQ(t.parent_execution_id, "e-parent");
  EXPECT_EQ(t.root_execution_id, "e-root");
  EXPECT_EQ(t.depth, 2u);
  ASSERT_TRUE(t.cost_usd);
  EXPECT_DOUBLE_EQ(*t.cost_usd, 0.0125);
  EXPECT_EQ(raw(t.final_state), json::parse(R"({"answer": "ok", "n": [1, 2.5, "x"]})"));
  EXPECT_EQ(raw(t.performance_metrics)["sample_count"], 4);
  ASSERT_EQ(t.nodes_executed.size(), 2u);
  const auto& n = t.nodes_executed[0];
  EXPECT_EQ(n.span_id, "a1b2c3d4e5f60718");
  EXPECT_EQ(n.parent_span_id, "0011223344556677");
  ASSERT_TRUE(n.token_usage);
  EXPECT_EQ(*n.token_usage, (dashflow::TokenUsage{1000, 500, 200, 100}));
  ASSERT_TRUE(n.cost_usd);
  EXPECT_DOUBLE_EQ(*n.cost_usd, 0.0125);
  EXPECT_EQ(n.model, "gpt-4o-mini");
  EXPECT_EQ(n.tools_called, (std::vector<std::string>{"search", "search"}));
  ASSERT_EQ(n.tool_calls.size(), 2u);
  EXPECT_EQ(n.tool_calls[0], (dashflow::ToolCall{"search", 300, true, std::nullopt}));
  EXPECT_EQ(n.tool_calls[1], (dashflow::ToolCall{"search", 450, false, std::string("HTTP 503")}));
  EXPECT_EQ(raw(n.state_before), json::parse(R"({"q": "hi"})"));
  const auto& m = t.nodes_executed[1];
  EXPECT_FALSE(m.success);
  EXPECT_EQ(m.error_message, "bad format");
  EXPECT_EQ(m.cost_usd, 0.0);
  EXPECT_FALSE(m.token_usage);
  EXPECT_TRUE(m.tool_calls.empty());
  EXPECT_EQ(r.origin.started_at_ms, *dashflow::parse_rfc3339_ms("2026-01-02T03:04:05.600Z"));
}

TEST(TraceDirParse, NonAsciiNames) {
  const auto& t = read_single("unicode_names.json").trace;
  EXPECT_EQ(t.thread_id, "スレッド-1");
  ASSERT_EQ(t.nodes_executed.size(), 3u);
  EXPECT_EQ(t.nodes_executed[0].node, "résumé_générateur");
  EXPECT_EQ(t.nodes_executed[0].tools_called, std::vector<std::string>{"поиск"});
  EXPECT_EQ(raw(t.nodes_executed[0].metadata)["emoji"], "🚀");
  EXPECT_EQ(t.nodes_executed[1].node, "节点_二");
  // \u escapes (with a surrogate pair) decode to the same UTF-8.
  EXPECT_EQ(t.nodes_executed[2].node, "escaped_é🚀");
  EXPECT_EQ(raw(t.metadata)["graph_name"], "多语言");
}

TEST(TraceDirParse, JsonLinesWithThreeTraces) {
  CollectingSink sink = read_path(good_dir() + "/three_traces.jsonl");
  EXPECT_TRUE(sink.skips.empty());
  ASSERT_EQ(sink.traces.size(), 3u);
  // Line 2 is blank; line 3 ends with CRLF.
  const uint64_t lines[] = {1, 3, 4};
  for (size_t i = 0; i < 3; ++i) {
    const auto& r = sink.traces[i];
    EXPECT_EQ(r.trace.thread_id, "line-" + std::to_string(i + 1));
    EXPECT_EQ(r.trace.total_duration_ms, 100 * (i + 1));
    EXPECT_EQ(r.trace.nodes_executed.at(0).tokens_used, 10 * (i + 1));
    EXPECT_EQ(r.origin.line, lines[i]);
    EXPECT_EQ(r.origin.started_at_ms,
              *dashflow::parse_rfc3339_ms("2025-12-15T10:3" + std::to_string(i) + ":00Z"));
  }
}

TEST(TraceDirParse, TopLevelArrayOfTraces) {
  CollectingSink sink = read_path(good_dir() + "/array_of_traces.json");
  EXPECT_TRUE(sink.skips.empty());
  ASSERT_EQ(sink.traces.size(), 2u);
  EXPECT_FALSE(sink.traces[0].trace.thread_id);
  EXPECT_EQ(sink.traces[1].trace.thread_id, "arr-2");
  EXPECT_EQ(sink.traces[1].trace.total_duration_ms, 7u);
  EXPECT_EQ(sink.traces[1].origin.line, 0u);
}

TEST(TraceDirParse, ParseTextDirectly) {
  CollectingSink sink;
  dashflow::tracedir::parse_traces_text(read_file(good_dir() + "/minimal.json"),
                                        dashflow::tracedir::TextFormat::Document, "inline", {}, sink);
  ASSERT_EQ(sink.traces.size(), 1u);
  EXPECT_EQ(sink.traces[0].origin.source, "inline");
}

TEST(TraceDirParse, Utf8ByteOrderMarkIsSkipped) {
  CollectingSink sink;
  dashflow::tracedir::parse_traces_text("\xEF\xBB\xBF" + read_file(good_dir() + "/minimal.json"),
                                        dashflow::tracedir::TextFormat::Document, "bom", {}, sink);
  EXPECT_EQ(sink.traces.size(), 1u);
  EXPECT_TRUE(sink.skips.empty());
}

// payloads=false (what the host asks when no analyzer reads them): the state
// snapshots and final_state are left empty, everything else is identical.
TEST(TraceDirParse, PayloadsCanBeSkipped) {
  const std::string text = read_file(good_dir() + "/full_example.json");
  CollectingSink with, without;
  dashflow::tracedir::ParseOptions keep;
  dashflow::tracedir::ParseOptions skip;
  skip.payloads = false;
  dashflow::tracedir::parse_traces_text(text, dashflow::tracedir::TextFormat::Document, "f", keep, with);
  dashflow::tracedir::parse_traces_text(text, dashflow::tracedir::TextFormat::Document, "f", skip, without);
  ASSERT_EQ(with.traces.size(), 1u);
  ASSERT_EQ(without.traces.size(), 1u);
  dashflow::ExecutionTrace a = with.traces[0].trace;
  const dashflow::ExecutionTrace& b = without.traces[0].trace;
  bool had_payload = !a.final_state.empty();
  for (const auto& n : a.nodes_executed) had_payload = had_payload || !n.state_before.empty() || !n.state_after.empty();
  ASSERT_TRUE(had_payload) << "the fixture must carry payloads for this test to mean anything";
  EXPECT_TRUE(b.final_state.empty());
  for (const auto& n : b.nodes_executed) EXPECT_TRUE(n.state_before.empty() && n.state_after.empty());
  // Clearing the payloads of the full read gives exactly the lean read.
  a.final_state = {};
  for (auto& n : a.nodes_executed) n.state_before = n.state_after = {};
  for (auto& e : a.errors) e.state_at_error = {};
  EXPECT_EQ(a, b);
}

TEST(TraceDirConfig, PayloadsKey) {
  EXPECT_TRUE(dashflow::tracedir::TraceDirConfig::from_json(dashflow::json::object()).payloads);
  EXPECT_FALSE(dashflow::tracedir::TraceDirConfig::from_json(dashflow::json{{"payloads", false}}).payloads);
  EXPECT_THROW(dashflow::tracedir::TraceDirConfig::from_json(dashflow::json{{"payloads", "no"}}), std::exception);
}
