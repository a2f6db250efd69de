// The span semantics (classification, names, tokens, failures), the OTLP/JSON
// value forms, time formatting and the config, one rule at a time.
#include <gtest/gtest.h>

#include "dashflow/errors.hpp"
#include "otlp_config.hpp"
#include "otlp_decode.hpp"
#include "otlp_test_util.hpp"
#include "otlp_text.hpp"
#include "span_semantics.hpp"
#include "trace_assembly.hpp"

using namespace dashflow::otlp;
using dashflow::json;
using dashflow::TokenUsage;

namespace {

Span span_with(json attributes, std::string name = "s") {
  Span s;
  s.name = std::move(name);
  s.span_id = "0123456789abcdef";
  s.attributes = std::move(attributes);
  return s;
}

// Decodes one request text into spans (fails the test on a skip).
UnitSpans decode(const std::string& text) {
  UnitSpans out;
  otlptest::CollectingSink sink;
  read_spans_text(text, dashflow::tracedir::TextFormat::Document, "inline.json", TextOptions{}, out, sink);
  EXPECT_TRUE(sink.skips.empty()) << otlptest::reasons(sink);
  return out;
}

std::string one_span(const std::string& fields) {
  return R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"14141414141414141414141414141414",)"
         R"("spanId":"1400000000000001",)" + fields + "}]}]}]}";
}

}  // namespace

TEST(Classify, PriorityChain) {
  EXPECT_EQ(classify({{"openinference.span.kind", "TOOL"}, {"gen_ai.operation.name", "chat"}}), Role::Tool);
  EXPECT_EQ(classify({{"openinference.span.kind", "llm"}}), Role::Llm) << "case-insensitive";
  EXPECT_EQ(classify({{"openinference.span.kind", "UNKNOWN"}, {"gen_ai.operation.name", "execute_tool"}}), Role::Tool);
  for (const char* op : {"chat", "text_completion", "generate_content", "completion", "generate"})
    EXPECT_EQ(classify({{"gen_ai.operation.name", op}}), Role::Llm) << op;
  EXPECT_EQ(classify({{"gen_ai.operation.name", "embeddings"}}), Role::Embedding);
  EXPECT_EQ(classify({{"gen_ai.operation.name", "retrieval"}}), Role::Retriever);
  EXPECT_EQ(classify({{"gen_ai.operation.name", "invoke_agent"}}), Role::Agent);
  EXPECT_EQ(classify({{"gen_ai.operation.name", "create_agent"}}), Role::Agent);
  EXPECT_EQ(classify({{"gen_ai.operation.name", "invoke_workflow"}}), Role::Chain);
  EXPECT_EQ(classify({{"traceloop.span.kind", "tool"}}), Role::Tool);
  EXPECT_EQ(classify({{"gen_ai.tool.name", "x"}}), Role::Tool);
  EXPECT_EQ(classify({{"gen_ai.system", "openai"}}), Role::Llm);
  EXPECT_EQ(classify({{"gen_ai.agent.name", "a"}}), Role::Agent);
  EXPECT_EQ(classify({{"http.request.method", "GET"}}), Role::Unknown);
  for (const char* k : {"RETRIEVER", "RERANKER", "EMBEDDING", "GUARDRAIL", "EVALUATOR", "PROMPT", "CHAIN", "AGENT"})
    EXPECT_STREQ(role_name(classify({{"openinference.span.kind", k}})), k);
}

TEST(Names, NodeAndToolNames) {
  EXPECT_EQ(node_name(span_with({{"graph.node.name", "router"}, {"graph.node.id", "n1"}}), Role::Chain), "router");
  EXPECT_EQ(node_name(span_with({{"metadata", R"({"langgraph_node":"agent","langgraph_step":2})"}}), Role::Chain), "agent");
  EXPECT_EQ(node_name(span_with({{"metadata", "not json {"}}, "RunnableSequence"), Role::Chain), "RunnableSequence");
  EXPECT_EQ(node_name(span_with({{"graph.node.id", "n1"}}), Role::Chain), "n1");
  EXPECT_EQ(node_name(span_with({{"agent.name", "helper"}}, "invoke_agent helper"), Role::Agent), "helper");
  EXPECT_EQ(node_name(span_with({}, "execute_tool web_search"), Role::Tool), "web_search");
  EXPECT_EQ(node_name(span_with({{"tool.name", "calc"}}, "calc_span"), Role::Tool), "calc");
  EXPECT_EQ(node_name(span_with({}, ""), Role::Llm), "span 0123456789abcdef");
}

TEST(Tokens, OpenInferenceDetailsInsideTheirWholes) {
  auto t = tokens_of({{"llm.token_count.prompt", 100}, {"llm.token_count.completion", 20}, {"llm.token_count.total", 120},
                      {"llm.token_count.prompt_details.cache_read", 60},
                      {"llm.token_count.completion_details.reasoning", 5}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->tokens, 120u);
  EXPECT_EQ(t->split, (TokenUsage{100, 20, 60, 5}));
}

TEST(Tokens, OpenInferencePromptWithoutItsCacheIsCorrected) {
  // prompt + cache_read + completion == total: the prompt left the cache out.
  auto t = tokens_of({{"llm.token_count.prompt", 40}, {"llm.token_count.completion", 20}, {"llm.token_count.total", 160},
                      {"llm.token_count.prompt_details.cache_read", 100}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->tokens, 160u);
  EXPECT_EQ(t->split, (TokenUsage{140, 20, 100, 0}));
  // Without a total, a cache larger than the prompt tells the same.
  t = tokens_of({{"llm.token_count.prompt", 40}, {"llm.token_count.completion", 20},
                 {"llm.token_count.prompt_details.cache_read", 100}});
  EXPECT_EQ(t->split, (TokenUsage{140, 20, 100, 0}));
  EXPECT_EQ(t->tokens, 160u);
  // Reasoning reported on top of the completion.
  t = tokens_of({{"llm.token_count.prompt", 10}, {"llm.token_count.completion", 5}, {"llm.token_count.total", 45},
                 {"llm.token_count.completion_details.reasoning", 30}});
  EXPECT_EQ(t->split, (TokenUsage{10, 35, 0, 30}));
  // Only a total: counted, no split.
  t = tokens_of({{"llm.token_count.total", 77}});
  EXPECT_EQ(t->tokens, 77u);
  EXPECT_FALSE(t->split.has_value());
}

TEST(Tokens, GenAiNewNamesWinOverOldOnesAndNothingIsCountedTwice) {
  auto t = tokens_of({{"gen_ai.usage.prompt_tokens", 999}, {"gen_ai.usage.input_tokens", 100},
                      {"gen_ai.usage.completion_tokens", 999}, {"gen_ai.usage.output_tokens", 10}});
  EXPECT_EQ(t->tokens, 110u);
  EXPECT_EQ(t->split, (TokenUsage{100, 10, 0, 0}));
  t = tokens_of({{"gen_ai.usage.prompt_tokens", 30}, {"gen_ai.usage.completion_tokens", 3}});
  EXPECT_EQ(t->split, (TokenUsage{30, 3, 0, 0}));
  t = tokens_of({{"gen_ai.usage.input_tokens", 100}, {"gen_ai.usage.output_tokens", 50},
                 {"gen_ai.usage.cache_read.input_tokens", 80}, {"gen_ai.usage.reasoning.output_tokens", 40}});
  EXPECT_EQ(t->tokens, 150u) << "cache reads and reasoning are inside input/output";
  EXPECT_EQ(t->split, (TokenUsage{100, 50, 80, 40}));
  t = tokens_of({{"gen_ai.usage.input_tokens", 10}, {"gen_ai.usage.output_tokens", 5},
                 {"gen_ai.usage.cache_read.input_tokens", 90}});
  EXPECT_EQ(t->split, (TokenUsage{100, 5, 90, 0})) << "a cache larger than the input was reported on top";
  t = tokens_of({{"gen_ai.usage.input_tokens", "12"}, {"gen_ai.usage.output_tokens", 3.0}});
  EXPECT_EQ(t->tokens, 15u) << "strings and integral doubles";
  EXPECT_FALSE(tokens_of({{"gen_ai.usage.input_tokens", -5}}).has_value());
  EXPECT_FALSE(tokens_of({{"gen_ai.usage.input_tokens", "many"}}).has_value());
  EXPECT_FALSE(tokens_of({{"gen_ai.request.model", "x"}}).has_value());
}

TEST(Tokens, OpenInferenceIsPreferredWhenBothConventionsReport) {
  auto t = tokens_of({{"llm.token_count.prompt", 10}, {"llm.token_count.completion", 2},
                      {"gen_ai.usage.input_tokens", 10}, {"gen_ai.usage.output_tokens", 2}});
  EXPECT_EQ(t->tokens, 12u);
}

TEST(Failures, StatusAndExceptionEvents) {
  Span s = span_with({{"error.type", "Timeout"}}, "call");
  s.end_ns = 5;
  EXPECT_TRUE(failures_of(s).empty());

  s.status = StatusCode::Error;
  auto f = failures_of(s);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message, "Timeout");
  EXPECT_EQ(f[0].type, "Timeout");
  EXPECT_EQ(f[0].time_ns, 5u);

  s.attributes = json::object();
  f = failures_of(s);
  EXPECT_EQ(f[0].message, "span 'call' ended with status ERROR");
  EXPECT_FALSE(f[0].detailed);

  // Two exceptions, the first handled: with ERROR status the last one ended the span.
  s.events.push_back(SpanEvent{"exception", 2, {{"exception.type", "A"}, {"exception.message", "first"}}});
  s.events.push_back(SpanEvent{"exception", 3, {{"exception.type", "B"}, {"exception.message", "second"}}});
  f = failures_of(s);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].type, "B");
  EXPECT_EQ(f[0].time_ns, 3u);
  auto h = handled_exceptions_of(s);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].message, "first");

  // No ERROR status: only an escaped exception is a failure.
  s.status = StatusCode::Unset;
  EXPECT_TRUE(failures_of(s).empty());
  EXPECT_EQ(handled_exceptions_of(s).size(), 2u);
  s.events[1].attributes["exception.escaped"] = "true";
  f = failures_of(s);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message, "second");
  EXPECT_EQ(handled_exceptions_of(s).size(), 1u);
}

TEST(Content, PayloadAttributesAreRecognized) {
  for (const char* k : {"input.value", "output.value", "llm.input_messages.0.message.content",
                        "llm.output_messages.1.message.tool_calls.0.tool_call.function.arguments",
                        "gen_ai.input.messages", "gen_ai.tool.call.arguments", "retrieval.documents.3.document.content",
                        "gen_ai.prompt.0.content", "embedding.embeddings.0.embedding.vector"})
    EXPECT_TRUE(is_content_attribute(k)) << k;
  for (const char* k : {"input.mime_type", "llm.model_name", "llm.token_count.prompt", "gen_ai.tool.name",
                        "llm.input_messages", "session.id", "metadata"})
    EXPECT_FALSE(is_content_attribute(k)) << k;
}

TEST(Time, RfcFormattingAndDurations) {
  EXPECT_EQ(format_unix_nanos(1768471200000000000ull), "2026-01-15T10:00:00Z");
  EXPECT_EQ(format_unix_nanos(1768471200120000000ull), "2026-01-15T10:00:00.120Z");
  EXPECT_EQ(format_unix_nanos(1768471200000120000ull), "2026-01-15T10:00:00.000120Z");
  EXPECT_EQ(format_unix_nanos(1768471200000000007ull), "2026-01-15T10:00:00.000000007Z");
  EXPECT_EQ(format_unix_nanos(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(duration_ms(1000000, 2499999), 1u);
  EXPECT_EQ(duration_ms(1000000, 2500000), 2u);
  EXPECT_EQ(duration_ms(5000000, 1000000), 0u) << "end before start";
  EXPECT_EQ(duration_ms(5000000, 0), 0u) << "no end";
}

TEST(Decode, AnyValueAndEnumForms) {
  const UnitSpans u = decode(one_span(
      R"("name":"n","kind":"SPAN_KIND_PRODUCER","startTimeUnixNano":1.5e18,"endTimeUnixNano":"1500000000000000001",)"
      R"("status":{"code":"STATUS_CODE_OK"},)"
      R"("attributes":[{"key":"i","value":{"intValue":"-9223372036854775808"}},{"key":"j","value":{"intValue":42}},)"
      R"({"key":"e","value":{"intValue":1.5e3}},)"
      R"({"key":"d","value":{"doubleValue":"1.25"}},{"key":"inf","value":{"doubleValue":"-Infinity"}},)"
      R"({"key":"b","value":{"boolValue":false}},{"key":"dup","value":{"stringValue":"first"}},)"
      R"({"key":"dup","value":{"stringValue":"second"}},{"key":"nothing"}])"));
  ASSERT_EQ(u.spans.size(), 1u);
  const Span& s = u.spans[0];
  EXPECT_EQ(s.kind, 4);
  EXPECT_EQ(s.start_ns, 1500000000000000000ull);
  EXPECT_EQ(s.end_ns, 1500000000000000001ull);
  EXPECT_EQ(s.status, StatusCode::Ok);
  EXPECT_EQ(s.attributes["i"], std::numeric_limits<int64_t>::min());
  EXPECT_EQ(s.attributes["j"], 42);
  EXPECT_EQ(s.attributes["e"], 1500) << "exponent notation of an integral value";
  EXPECT_EQ(s.attributes["d"], 1.25);
  EXPECT_EQ(s.attributes["inf"], "-Infinity");
  EXPECT_EQ(s.attributes["b"], false);
  EXPECT_EQ(s.attributes["dup"], "second");
  EXPECT_TRUE(s.attributes["nothing"].is_null());
  EXPECT_TRUE(s.parent_span_id.empty());

  const UnitSpans zero = decode(one_span(R"("parentSpanId":"0000000000000000","kind":99,"status":{"code":7})"));
  EXPECT_TRUE(zero.spans.at(0).parent_span_id.empty()) << "the all-zero id is no parent";
  EXPECT_EQ(zero.spans.at(0).kind, 0);
  EXPECT_EQ(zero.spans.at(0).status, StatusCode::Unset);
}

TEST(Decode, ErrorsNameThePlace) {
  auto reason = [](const std::string& fields) {
    UnitSpans out;
    otlptest::CollectingSink sink;
    read_spans_text(one_span(fields), dashflow::tracedir::TextFormat::Document, "inline.json", TextOptions{}, out, sink);
    EXPECT_TRUE(out.spans.empty());
    return sink.skips.empty() ? std::string() : sink.skips[0].reason;
  };
  const std::string at = "resourceSpans[0].scopeSpans[0].spans[0].";
  EXPECT_EQ(reason(R"("parentSpanId":[1,2,3])"),
            at + "parentSpanId: expected 16 hex digits, got an array (ids given as byte arrays are not OTLP/JSON)");
  EXPECT_EQ(reason(R"("startTimeUnixNano":-5)"),
            at + "startTimeUnixNano: expected nanoseconds since the epoch as a decimal string or a non-negative number, "
                 "got negative integer -5");
  EXPECT_EQ(reason(R"("attributes":[{"value":{"stringValue":"x"}}])"), at + "attributes[0].key: missing or empty attribute key");
  EXPECT_EQ(reason(R"("attributes":[{"key":"k","value":"plain"}])"),
            at + "attributes[0].value: expected an AnyValue object such as {\"stringValue\": \"...\"}, got string");
  EXPECT_EQ(reason(R"("attributes":[{"key":"k","value":{"intValue":"99999999999999999999"}}])"),
            at + "attributes[0].value.intValue: expected a 64-bit integer as a decimal string or a number, got string");
  EXPECT_EQ(reason(R"("attributes":[{"key":"k","value":{"intValue":2.5}}])"),
            at + "attributes[0].value.intValue: expected a 64-bit integer as a decimal string or a number, got number 2.5");
  EXPECT_EQ(reason(R"("events":[{"name":"exception","timeUnixNano":"soon"}])"),
            at + "events[0].timeUnixNano: expected nanoseconds since the epoch as a decimal string or a non-negative "
                 "number, got the string 'soon'");
}

TEST(Config, DefaultsAndErrors) {
  const OtlpConfig d = OtlpConfig::from_json(json::object());
  EXPECT_EQ(d.path, ".dashflow/otlp");
  EXPECT_TRUE(d.recursive);
  EXPECT_TRUE(d.keep_attributes);
  EXPECT_FALSE(d.keep_content);
  const OtlpConfig c = OtlpConfig::from_json({{"path", "/x"}, {"keep_content", true}, {"max_file_mb", 3}});
  EXPECT_EQ(c.listing().path, "/x");
  EXPECT_EQ(c.listing().max_file_mb, 3u);
  EXPECT_TRUE(c.keep_content);
  auto error = [](const json& j) {
    try {
      OtlpConfig::from_json(j);
    } catch (const dashflow::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error({{"pth", "/x"}}),
            "otlp config: unknown key 'pth' (known: path, recursive, max_file_mb, max_depth, follow_symlinks, "
            "keep_attributes, keep_content)");
  EXPECT_EQ(error({{"keep_content", "yes"}}), "otlp config: 'keep_content' must be true or false");
  EXPECT_EQ(error({{"max_depth", 0}}), "otlp config: 'max_depth' must be an integer between 1 and 4096");
  EXPECT_EQ(error({{"path", ""}}), "otlp config: 'path' must be a non-empty string (a directory)");
}
