// What one span means, read from its attributes in OpenInference and OTel
// GenAI terms (reference/trace-analysis-tools.md §b.2-b.4): its role (LLM,
// tool, agent, ...), names, token usage, model, cost and failures.
// Classification is a priority-ordered chain, as Langfuse's mapper registry:
// openinference.span.kind, then gen_ai.operation.name, then
// traceloop.span.kind, then attribute heuristics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/types.hpp"
#include "otlp_model.hpp"

namespace dashflow::otlp {

enum class Role { Agent, Chain, Llm, Embedding, Retriever, Reranker, Tool, Guardrail, Evaluator, Prompt, Unknown };

// "AGENT", "CHAIN", "LLM", ... "UNKNOWN" (OpenInference's spelling).
const char* role_name(Role role);
// Agents, chains and unclassified spans group other spans; the rest is work.
inline bool is_container(Role role) { return role == Role::Agent || role == Role::Chain || role == Role::Unknown; }

Role classify(const json& attributes);

// "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER", "UNSPECIFIED".
const char* span_kind_name(int kind);

// A string attribute (or nullopt when absent, empty or not a string).
std::optional<std::string> string_attribute(const json& attributes, std::string_view key);

// gen_ai.tool.name, tool.name, tool_call.function.name, else the span name
// without its "execute_tool " prefix.
std::string tool_name(const Span& span);

// The node name of a span: graph.node.name, langgraph_node (in the
// OpenInference "metadata" JSON), graph.node.id, the tool name for tools, the
// agent name for agents (gen_ai.agent.name, agent.name), else the span name.
std::string node_name(const Span& span, Role role);

// The agent or workflow a span runs, when it says so: gen_ai.workflow.name,
// gen_ai.agent.name, agent.name, traceloop.workflow.name.
std::optional<std::string> declared_run_name(const Span& span);

// Response model if known, else the request model.
std::optional<std::string> model_of(const json& attributes);

// Token usage one span reports. tokens is what counts toward totals.
struct SpanTokens {
  uint64_t tokens = 0;
  std::optional<TokenUsage> split;  // when input/output are known
};

// OpenInference (llm.token_count.*) when any of those keys is present, else
// GenAI (gen_ai.usage.*, new names before old ones); nullopt when the span
// reports no tokens. Cached tokens are part of input and reasoning tokens part
// of output (the SDK's TokenUsage semantics); a source that reports them on
// top instead (prompt + cache_read + completion == total, or a detail larger
// than its whole) is detected and the whole is corrected, so nothing is
// counted twice.
std::optional<SpanTokens> tokens_of(const json& attributes);

// llm.cost.total (USD), when present and a non-negative number.
std::optional<double> cost_of(const json& attributes);

// Session id: langfuse.session.id, session.id, gen_ai.conversation.id.
std::optional<std::string> session_of(const json& attributes);

// Message, prompt, document and tool-argument payloads: large and possibly
// personal data, dropped from node metadata unless keep_content is set.
bool is_content_attribute(std::string_view key);
json kept_attributes(const json& attributes, bool keep_content);

// One failure (or handled exception) reported by a span.
struct SpanFailure {
  std::string type;        // exception.type, else error.type; may be empty
  std::string message;     // never empty
  std::string stacktrace;  // exception.stacktrace; may be empty
  uint64_t time_ns = 0;    // the event's time, else the span's end
  bool detailed = true;    // false: a bare ERROR status without message or type
};

// The failures of a span, empty when it did not fail. A span fails when its
// status is ERROR (status code 2, int or string form) or an exception escaped
// it (exception.escaped = true). With ERROR status the escaped exceptions are
// its failures, else its last exception event, else the status itself.
std::vector<SpanFailure> failures_of(const Span& span);

// Exception events that did not end the span (recorded, then handled).
std::vector<SpanFailure> handled_exceptions_of(const Span& span);

}  // namespace dashflow::otlp
