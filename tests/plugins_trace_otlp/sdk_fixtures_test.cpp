// The fixtures written by the real OpenTelemetry JS SDK (tools/otlp-fixtures)
// map onto the expected traces: node sequences, tools, tokens, errors.
#include <gtest/gtest.h>

#include "dashflow/time.hpp"
#include "otlp_test_util.hpp"

using namespace otlptest;
using dashflow::ExecutionTrace;
using dashflow::TokenUsage;

namespace {

const std::string kUpstream = "weather API returned HTTP 503 Service Unavailable";

const ExecutionTrace& by_thread(const CollectingSink& sink, const std::string& thread) {
  for (const auto& r : sink.traces)
    if (r.trace.thread_id == thread) return r.trace;
  ADD_FAILURE() << "no trace with thread_id " << thread;
  static const ExecutionTrace kNone;
  return kNone;
}

std::vector<uint64_t> tokens(const ExecutionTrace& t) {
  std::vector<uint64_t> out;
  for (const auto& n : t.nodes_executed) out.push_back(n.tokens_used);
  return out;
}

class AgentRuns : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sink_ = new CollectingSink(read_path(fixture("sdk/agent_runs.json"))); }
  static void TearDownTestSuite() {
    delete sink_;
    sink_ = nullptr;
  }
  static CollectingSink* sink_;
};
CollectingSink* AgentRuns::sink_ = nullptr;

}  // namespace

TEST_F(AgentRuns, OneTracePerTraceIdInStartOrder) {
  EXPECT_TRUE(sink_->skips.empty()) << reasons(*sink_);
  ASSERT_EQ(sink_->traces.size(), 4u);
  std::vector<std::string> threads;
  for (const auto& r : sink_->traces) threads.push_back(r.trace.thread_id.value_or("?"));
  EXPECT_EQ(threads, (std::vector<std::string>{"conv-1001", "conv-1002", "conv-1003", "conv-1004"}));
  for (const auto& r : sink_->traces) {
    EXPECT_EQ(r.origin.source, fixture("sdk/agent_runs.json"));
    EXPECT_EQ(r.origin.line, 0u);
    ASSERT_TRUE(r.trace.started_at.has_value());
    EXPECT_EQ(r.origin.started_at_ms, dashflow::parse_rfc3339_ms(*r.trace.started_at).value());
    ASSERT_TRUE(r.trace.execution_id.has_value());
    EXPECT_EQ(r.trace.execution_id->size(), 32u);
  }
}

TEST_F(AgentRuns, SuccessfulRunWithOpenInferenceLlmsAndGenAiTool) {
  const ExecutionTrace& t = by_thread(*sink_, "conv-1001");
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"ChatOpenAI", "fetch_weather", "ChatOpenAI"}));
  EXPECT_EQ(tokens(t), (std::vector<uint64_t>{876, 0, 1119}));
  EXPECT_EQ(t.total_tokens, 1995u);
  EXPECT_EQ(t.total_duration_ms, 4200u);
  EXPECT_EQ(t.started_at, "2026-01-15T10:01:00Z");
  EXPECT_EQ(t.ended_at, "2026-01-15T10:01:04.200Z");
  EXPECT_TRUE(t.completed);
  EXPECT_TRUE(t.errors.empty());
  EXPECT_TRUE(t.is_successful());

  const auto& llm = t.nodes_executed[0];
  EXPECT_EQ(llm.index, 0u);
  EXPECT_EQ(llm.duration_ms, 1200u);
  EXPECT_EQ(llm.started_at, "2026-01-15T10:01:00.010Z");
  // OpenInference: cache_read is part of the prompt (812 + 64 = 876 = total).
  EXPECT_EQ(llm.token_usage, (TokenUsage{812, 64, 512, 0}));
  EXPECT_EQ(llm.model, "gpt-4o-2024-08-06");
  EXPECT_TRUE(llm.tools_called.empty());
  EXPECT_TRUE(llm.success);
  ASSERT_TRUE(llm.span_id && llm.parent_span_id);
  EXPECT_EQ(llm.span_id->size(), 16u);

  // Reasoning is part of the completion (958 + 161 = 1119 = total).
  EXPECT_EQ(t.nodes_executed[2].token_usage, (TokenUsage{958, 161, 768, 40}));
  EXPECT_EQ(t.nodes_executed[2].model, "o4-mini-2025-04-16");

  // A tool span directly under the agent is a node calling that tool.
  const auto& tool = t.nodes_executed[1];
  EXPECT_EQ(tool.tools_called, (std::vector<std::string>{"fetch_weather"}));
  ASSERT_EQ(tool.tool_calls.size(), 1u);
  EXPECT_EQ(tool.tool_calls[0].name, "fetch_weather");
  EXPECT_EQ(tool.tool_calls[0].duration_ms, 406u);  // 405.5 ms rounds up
  EXPECT_TRUE(tool.tool_calls[0].success);
  EXPECT_FALSE(tool.token_usage.has_value());
  EXPECT_EQ(*tool.parent_span_id, *llm.parent_span_id);

  const auto m = meta(t.metadata);
  EXPECT_EQ(m["graph_name"], "weather_agent");
  EXPECT_EQ(m["source"], "otlp");
  EXPECT_EQ(m["otlp"]["service_name"], "travel-assistant");
  EXPECT_EQ(m["otlp"]["root_span"], "invoke_agent weather_agent");
  EXPECT_EQ(m["otlp"]["span_count"], 4);
  EXPECT_EQ(m["otlp"]["user_id"], "user-7");
  EXPECT_EQ(m["otlp"]["resource"]["service.version"], "1.4.0");
  EXPECT_FALSE(m["otlp"].contains("orphan_spans"));

  const auto nm = meta(llm.metadata);
  EXPECT_EQ(nm["span_kind"], "LLM");
  EXPECT_EQ(nm["otel_kind"], "CLIENT");
  EXPECT_EQ(nm["scope"], "weather-agent");
  EXPECT_EQ(nm["attributes"]["llm.model_name"], "gpt-4o-2024-08-06");
  EXPECT_EQ(nm["attributes"]["llm.token_count.prompt"], 812);
  EXPECT_FALSE(nm["attributes"].contains("llm.input_messages.0.message.content")) << "content is off by default";
  EXPECT_EQ(meta(tool.metadata)["span_kind"], "TOOL");
  EXPECT_FALSE(meta(tool.metadata)["attributes"].contains("gen_ai.tool.call.arguments"));
}

TEST_F(AgentRuns, FailingToolTheAgentRecoversFrom) {
  const ExecutionTrace& t = by_thread(*sink_, "conv-1002");
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"ChatOpenAI", "fetch_weather", "ChatOpenAI"}));
  EXPECT_EQ(t.total_tokens, 848u + 977u);
  ASSERT_EQ(t.errors.size(), 1u);
  const auto& e = t.errors[0];
  EXPECT_EQ(e.node, "fetch_weather");
  EXPECT_EQ(e.message, kUpstream);
  EXPECT_EQ(e.error_type, "UpstreamError");
  EXPECT_EQ(e.execution_index, 1u);
  EXPECT_EQ(e.timestamp, "2026-01-15T10:02:02.119900Z");  // the exception event's time
  EXPECT_TRUE(e.recoverable) << "the run went on and ended OK";
  EXPECT_FALSE(e.retry_attempted);
  ASSERT_TRUE(e.context.has_value());
  EXPECT_NE(e.context->find("at fetchWeather"), std::string::npos);
  const auto em = meta(e.metadata);
  EXPECT_EQ(em["tool"], "fetch_weather");
  EXPECT_EQ(em["span_kind"], "TOOL");

  const auto& tool = t.nodes_executed[1];
  EXPECT_FALSE(tool.success);
  EXPECT_EQ(tool.error_message, kUpstream);
  ASSERT_EQ(tool.tool_calls.size(), 1u);
  EXPECT_FALSE(tool.tool_calls[0].success);
  EXPECT_EQ(tool.tool_calls[0].error, kUpstream);
  EXPECT_TRUE(t.nodes_executed[0].success);
  EXPECT_TRUE(t.nodes_executed[2].success);
  EXPECT_TRUE(t.completed);
  EXPECT_FALSE(t.is_successful()) << "a failed span is an error of the run";
}

TEST_F(AgentRuns, RetriedToolFailureThatEscapesTheAgent) {
  const ExecutionTrace& t = by_thread(*sink_, "conv-1003");
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"ChatOpenAI", "fetch_weather", "fetch_weather"}));
  EXPECT_EQ(t.total_tokens, 861u);
  // The root's ERROR status and exception repeat the second tool failure:
  // one error per failure, not one per span it crossed.
  ASSERT_EQ(t.errors.size(), 2u);
  EXPECT_EQ(t.errors[0].execution_index, 1u);
  EXPECT_TRUE(t.errors[0].retry_attempted);
  EXPECT_TRUE(t.errors[0].recoverable);
  EXPECT_EQ(t.errors[1].execution_index, 2u);
  EXPECT_FALSE(t.errors[1].retry_attempted);
  EXPECT_FALSE(t.errors[1].recoverable) << "it ended the run";
  for (const auto& e : t.errors) {
    EXPECT_EQ(e.node, "fetch_weather");
    EXPECT_EQ(e.message, kUpstream);
  }
  EXPECT_TRUE(t.completed);
  EXPECT_FALSE(t.is_successful());
}

TEST_F(AgentRuns, LangGraphStyleChainNodesFoldTheirLlmAndToolSpans) {
  const ExecutionTrace& t = by_thread(*sink_, "conv-1004");
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"agent", "tools", "agent"}));
  EXPECT_EQ(tokens(t), (std::vector<uint64_t>{1700, 0, 1890}));
  EXPECT_EQ(t.total_tokens, 3590u);
  // The Anthropic-style span reports the prompt without its 1024 cache
  // reads (476 + 1024 + 200 = 1700 = total): input is corrected to 1500.
  EXPECT_EQ(t.nodes_executed[0].token_usage, (TokenUsage{1500, 200, 1024, 0}));
  EXPECT_EQ(t.nodes_executed[2].token_usage, (TokenUsage{1800, 90, 0, 0}));
  EXPECT_EQ(t.nodes_executed[0].model, "claude-sonnet-4-20250514");
  const auto& tools = t.nodes_executed[1];
  EXPECT_EQ(tools.tools_called, (std::vector<std::string>{"calculator", "currency_converter"}));
  ASSERT_EQ(tools.tool_calls.size(), 2u);
  EXPECT_EQ(tools.tool_calls[0].duration_ms, 3u);  // 2.5 ms rounds up
  EXPECT_EQ(tools.tool_calls[1].duration_ms, 300u);
  EXPECT_EQ(meta(tools.metadata)["span_count"], 3);
  EXPECT_TRUE(t.errors.empty());
  EXPECT_TRUE(t.is_successful());
  const auto m = meta(t.metadata);
  EXPECT_EQ(m["graph_name"], "travel-assistant") << "no declared agent/workflow name: service.name";
  EXPECT_EQ(m["otlp"]["root_span"], "LangGraph");
}

TEST(SdkFixtures, OldAndNewGenAiNamesInJsonLinesBatches) {
  const auto sink = read_path(fixture("sdk/genai_old_new.jsonl"));
  EXPECT_TRUE(sink.skips.empty()) << reasons(sink);
  ASSERT_EQ(sink.traces.size(), 1u) << "the two export batches hold one trace";
  const auto& r = sink.traces[0];
  EXPECT_EQ(r.origin.line, 1u);
  const ExecutionTrace& t = r.trace;
  EXPECT_EQ(t.thread_id, "conv-1005");
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"chat gpt-4o", "lookup_order", "chat gpt-4o", "chat gpt-4o"}));
  EXPECT_EQ(tokens(t), (std::vector<uint64_t>{340, 0, 480, 530}));
  // Old names only, new names only, both (equal values counted once).
  EXPECT_EQ(t.nodes_executed[0].token_usage, (TokenUsage{300, 40, 0, 0}));
  EXPECT_EQ(t.nodes_executed[2].token_usage, (TokenUsage{420, 60, 256, 12}));
  EXPECT_EQ(t.nodes_executed[3].token_usage, (TokenUsage{500, 30, 0, 0}));
  EXPECT_EQ(t.total_tokens, 1350u);
  EXPECT_EQ(t.nodes_executed[0].model, "gpt-4o-2024-08-06");
  EXPECT_EQ(t.nodes_executed[1].tools_called, (std::vector<std::string>{"lookup_order"}));
  EXPECT_EQ(meta(t.metadata)["graph_name"], "support_agent");
  EXPECT_TRUE(t.is_successful());
}

TEST(SdkFixtures, GzipRagRunWithRetrieverRerankerAndHandledException) {
  const auto sink = read_path(fixture("sdk/rag_run.jsonl.gz"));
  EXPECT_TRUE(sink.skips.empty()) << reasons(sink);
  ASSERT_EQ(sink.traces.size(), 1u);
  const ExecutionTrace& t = sink.traces[0].trace;
  EXPECT_EQ(t.thread_id, "conv-1006");
  EXPECT_EQ(node_names(t), (std::vector<std::string>{"retrieve_docs", "rerank", "chat gpt-4o-mini"}));
  EXPECT_EQ(tokens(t), (std::vector<uint64_t>{12, 0, 2304}));
  EXPECT_EQ(t.total_tokens, 2316u);
  EXPECT_EQ(t.nodes_executed[0].model, "text-embedding-3-small") << "from the EMBEDDING span inside the retriever";
  EXPECT_EQ(t.nodes_executed[1].model, "rerank-english-v3.0");
  EXPECT_EQ(t.nodes_executed[2].model, "gpt-4o-mini-2024-07-18");
  EXPECT_EQ(t.nodes_executed[2].token_usage, (TokenUsage{2048, 256, 1024, 0}));
  EXPECT_EQ(meta(t.nodes_executed[0].metadata)["span_kind"], "RETRIEVER");
  EXPECT_EQ(meta(t.nodes_executed[1].metadata)["span_kind"], "RERANKER");
  EXPECT_EQ(meta(t.nodes_executed[2].metadata)["span_kind"], "LLM");
  EXPECT_FALSE(meta(t.nodes_executed[0].metadata)["attributes"].contains("retrieval.documents.0.document.content"));

  // The rate limit was handled inside the reranker span: not an error.
  EXPECT_TRUE(t.errors.empty());
  EXPECT_TRUE(t.is_successful());
  const auto handled = meta(t.nodes_executed[1].metadata)["handled_exceptions"];
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0]["type"], "RateLimitError");
  EXPECT_EQ(handled[0]["span"], "rerank");
  EXPECT_EQ(meta(t.metadata)["otlp"]["handled_exceptions"], 1);
}

TEST(SdkFixtures, WholeDirectoryThroughTheSource) {
  auto source = make_source(fixture("sdk"));
  const auto units = source.list_units();
  std::vector<std::string> names;
  for (const auto& u : units) names.push_back(fs::path(u.locator).filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"agent_runs.json", "genai_old_new.jsonl", "rag_run.jsonl.gz"}));
  CollectingSink sink;
  for (const auto& u : units) source.read_unit(u, sink);
  EXPECT_TRUE(sink.skips.empty()) << reasons(sink);
  EXPECT_EQ(sink.traces.size(), 6u);
  // Every mapped trace is a valid DashFlow trace that survives a JSON round trip.
  for (const auto& r : sink.traces) {
    const std::string text = dashflow::to_json_text(r.trace);
    const auto back = dashflow::from_json_text<dashflow::ExecutionTrace>(text);
    EXPECT_EQ(back.nodes_executed.size(), r.trace.nodes_executed.size());
    EXPECT_EQ(back.total_tokens, r.trace.total_tokens);
    EXPECT_EQ(back.errors.size(), r.trace.errors.size());
  }
}

TEST(SdkFixtures, KeepContentKeepsPayloadsAndKeepAttributesFalseDropsThem) {
  const auto with_content = read_path(fixture("sdk/agent_runs.json"), /*keep_content=*/true);
  const auto& t = by_thread(with_content, "conv-1001");
  EXPECT_EQ(meta(t.nodes_executed[0].metadata)["attributes"]["llm.input_messages.0.message.content"],
            "What is the weather in Paris, and do I need an umbrella?");
  const auto bare = read_path(fixture("sdk/agent_runs.json"), false, /*keep_attributes=*/false);
  const auto& b = by_thread(bare, "conv-1001");
  EXPECT_FALSE(meta(b.nodes_executed[0].metadata).contains("attributes"));
  EXPECT_FALSE(meta(b.metadata)["otlp"].contains("resource"));
  EXPECT_EQ(b.total_tokens, 1995u) << "the mapping does not depend on what metadata keeps";
}
