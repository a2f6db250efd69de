#include "span_semantics.hpp"

#include <cmath>
#include <limits>

namespace dashflow::otlp {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool has(const json& attributes, std::string_view key) {
  const auto it = attributes.find(key);
  return it != attributes.end() && !it->is_null();
}

std::optional<Role> role_from_openinference(std::string_view kind) {
  const std::string k = upper(kind);
  if (k == "LLM") return Role::Llm;
  if (k == "EMBEDDING") return Role::Embedding;
  if (k == "CHAIN") return Role::Chain;
  if (k == "RETRIEVER") return Role::Retriever;
  if (k == "RERANKER") return Role::Reranker;
  if (k == "TOOL") return Role::Tool;
  if (k == "AGENT") return Role::Agent;
  if (k == "GUARDRAIL") return Role::Guardrail;
  if (k == "EVALUATOR") return Role::Evaluator;
  if (k == "PROMPT") return Role::Prompt;
  return std::nullopt;  // "UNKNOWN" or a newer kind: let the next mapper decide
}

std::optional<Role> role_from_genai(std::string_view operation) {
  const std::string op = lower(operation);
  // "completion" and "generate" are pre-standard names still sent by some instrumentations.
  if (op == "chat" || op == "text_completion" || op == "generate_content" || op == "completion" || op == "generate")
    return Role::Llm;
  if (op == "embeddings") return Role::Embedding;
  if (op == "retrieval") return Role::Retriever;
  if (op == "execute_tool") return Role::Tool;
  if (op == "invoke_agent" || op == "create_agent") return Role::Agent;
  if (op == "invoke_workflow") return Role::Chain;
  return std::nullopt;
}

std::optional<Role> role_from_traceloop(std::string_view kind) {
  const std::string k = lower(kind);
  if (k == "workflow" || k == "task") return Role::Chain;
  if (k == "agent") return Role::Agent;
  if (k == "tool") return Role::Tool;
  return std::nullopt;
}

// A token count: an integer, an integral-valued double, or a decimal string
// (some instrumentations send numbers as strings). Negative or garbage: none.
std::optional<uint64_t> count(const json& attributes, std::string_view key) {
  const auto it = attributes.find(key);
  if (it == attributes.end()) return std::nullopt;
  const json& v = *it;
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (i >= 0) return static_cast<uint64_t>(i);
    return std::nullopt;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d >= 0 && d < 9.0e18) return static_cast<uint64_t>(std::llround(d));
    return std::nullopt;
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.empty() || s.size() > 19) return std::nullopt;
    uint64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    return n;
  }
  return std::nullopt;
}

std::optional<uint64_t> first_count(const json& attributes, std::initializer_list<std::string_view> keys) {
  for (const auto key : keys)
    if (auto v = count(attributes, key)) return v;
  return std::nullopt;
}

std::optional<SpanTokens> openinference_tokens(const json& a) {
  const auto prompt = count(a, "llm.token_count.prompt");
  const auto completion = count(a, "llm.token_count.completion");
  const auto total = count(a, "llm.token_count.total");
  if (!prompt && !completion && !total) return std::nullopt;
  const uint64_t p = prompt.value_or(0), c = completion.value_or(0);
  const uint64_t cache_read = count(a, "llm.token_count.prompt_details.cache_read").value_or(0);
  const uint64_t cache_write = count(a, "llm.token_count.prompt_details.cache_write").value_or(0);
  const uint64_t reasoning = count(a, "llm.token_count.completion_details.reasoning").value_or(0);
  const uint64_t cache = cache_read + cache_write;

  // The spec counts the details inside prompt/completion. Some
  // instrumentations (Bedrock via LangChain, phoenix #10036) report the
  // prompt without its cache; the total (or a detail larger than its whole)
  // tells which convention the span follows.
  uint64_t input = p;
  if (cache > 0) {
    const bool excluded = total ? (*total != p + c && *total == p + cache + c) : cache > p;
    if (excluded) input = p + cache;
  }
  uint64_t output = c;
  if (reasoning > 0) {
    const bool excluded = total ? (*total != input + c && *total == input + c + reasoning) : reasoning > c;
    if (excluded) output = c + reasoning;
  }
  SpanTokens out;
  out.tokens = total.value_or(input + output);
  if (prompt || completion) out.split = TokenUsage{input, output, cache_read, reasoning};
  return out;
}

std::optional<SpanTokens> genai_tokens(const json& a) {
  // New names first (semconv >= 1.27), then the old ones.
  const auto in = first_count(a, {"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"});
  const auto out_tokens = first_count(a, {"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"});
  if (!in && !out_tokens) return std::nullopt;
  const uint64_t cache_read = count(a, "gen_ai.usage.cache_read.input_tokens").value_or(0);
  const uint64_t cache_write = count(a, "gen_ai.usage.cache_creation.input_tokens").value_or(0);
  const uint64_t reasoning = count(a, "gen_ai.usage.reasoning.output_tokens").value_or(0);
  // The convention counts cache reads/writes inside input_tokens and
  // reasoning inside output_tokens; a detail larger than its whole can only
  // have been reported on top of it.
  uint64_t input = in.value_or(0);
  if (cache_read + cache_write > input) input += cache_read + cache_write;
  uint64_t output = out_tokens.value_or(0);
  if (reasoning > output) output += reasoning;
  SpanTokens out;
  out.tokens = input + output;
  out.split = TokenUsage{input, output, cache_read, reasoning};
  return out;
}

std::optional<std::string> langgraph_node(const json& attributes) {
  const auto text = string_attribute(attributes, "metadata");
  if (!text || text->empty() || text->front() != '{') return std::nullopt;
  const json parsed = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return std::nullopt;
  const auto it = parsed.find("langgraph_node");
  if (it == parsed.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  return it->get<std::string>();
}

bool truthy(const json& attributes, std::string_view key) {
  const auto it = attributes.find(key);
  if (it == attributes.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_string()) return lower(it->get_ref<const std::string&>()) == "true";
  return false;
}

SpanFailure from_exception(const Span& span, const SpanEvent& event) {
  SpanFailure f;
  f.type = string_attribute(event.attributes, "exception.type")
               .value_or(string_attribute(span.attributes, "error.type").value_or(""));
  f.message = string_attribute(event.attributes, "exception.message").value_or("");
  if (f.message.empty()) f.message = span.status_message;
  if (f.message.empty()) f.message = f.type;
  if (f.message.empty()) f.message = "exception in span '" + span.name + "' (no type or message recorded)";
  f.stacktrace = string_attribute(event.attributes, "exception.stacktrace").value_or("");
  f.time_ns = event.time_ns ? event.time_ns : span.end_ns;
  return f;
}

}  // namespace

const char* role_name(Role role) {
  switch (role) {
    case Role::Agent: return "AGENT";
    case Role::Chain: return "CHAIN";
    case Role::Llm: return "LLM";
    case Role::Embedding: return "EMBEDDING";
    case Role::Retriever: return "RETRIEVER";
    case Role::Reranker: return "RERANKER";
    case Role::Tool: return "TOOL";
    case Role::Guardrail: return "GUARDRAIL";
    case Role::Evaluator: return "EVALUATOR";
    case Role::Prompt: return "PROMPT";
    case Role::Unknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

const char* span_kind_name(int kind) {
  static const char* const kNames[] = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};
  return kind >= 0 && kind <= 5 ? kNames[kind] : "UNSPECIFIED";
}

Role classify(const json& a) {
  if (auto kind = string_attribute(a, "openinference.span.kind"))
    if (auto role = role_from_openinference(*kind)) return *role;
  if (auto op = string_attribute(a, "gen_ai.operation.name"))
    if (auto role = role_from_genai(*op)) return *role;
  if (auto kind = string_attribute(a, "traceloop.span.kind"))
    if (auto role = role_from_traceloop(*kind)) return *role;
  // Heuristics, most specific first.
  if (has(a, "gen_ai.tool.name") || has(a, "tool.name")) return Role::Tool;
  if (has(a, "gen_ai.request.model") || has(a, "gen_ai.response.model") || has(a, "llm.model_name") ||
      has(a, "gen_ai.provider.name") || has(a, "gen_ai.system"))
    return Role::Llm;
  if (has(a, "gen_ai.agent.name") || has(a, "agent.name")) return Role::Agent;
  return Role::Unknown;
}

std::optional<std::string> string_attribute(const json& attributes, std::string_view key) {
  const auto it = attributes.find(key);
  if (it == attributes.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  return it->get<std::string>();
}

std::string tool_name(const Span& span) {
  for (const char* key : {"gen_ai.tool.name", "tool.name", "tool_call.function.name"})
    if (auto v = string_attribute(span.attributes, key)) return *v;
  constexpr std::string_view kPrefix = "execute_tool ";
  if (span.name.size() > kPrefix.size() && span.name.compare(0, kPrefix.size(), kPrefix) == 0)
    return span.name.substr(kPrefix.size());
  return span.name.empty() ? "span " + span.span_id : span.name;
}

std::string node_name(const Span& span, Role role) {
  if (auto v = string_attribute(span.attributes, "graph.node.name")) return *v;
  if (auto v = langgraph_node(span.attributes)) return *v;
  if (auto v = string_attribute(span.attributes, "graph.node.id")) return *v;
  if (role == Role::Tool) return tool_name(span);
  if (role == Role::Agent)
    for (const char* key : {"gen_ai.agent.name", "agent.name"})
      if (auto v = string_attribute(span.attributes, key)) return *v;
  return span.name.empty() ? "span " + span.span_id : span.name;
}

std::optional<std::string> declared_run_name(const Span& span) {
  for (const char* key : {"gen_ai.workflow.name", "gen_ai.agent.name", "agent.name", "traceloop.workflow.name"})
    if (auto v = string_attribute(span.attributes, key)) return v;
  return std::nullopt;
}

std::optional<std::string> model_of(const json& a) {
  for (const char* key : {"gen_ai.response.model", "llm.model_name", "llm.response.model_name", "gen_ai.request.model",
                          "llm.request.model_name", "embedding.model_name", "reranker.model_name"})
    if (auto v = string_attribute(a, key)) return v;
  return std::nullopt;
}

std::optional<SpanTokens> tokens_of(const json& attributes) {
  if (auto oi = openinference_tokens(attributes)) return oi;
  return genai_tokens(attributes);
}

std::optional<double> cost_of(const json& attributes) {
  const auto it = attributes.find("llm.cost.total");
  if (it == attributes.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

std::optional<std::string> session_of(const json& attributes) {
  for (const char* key : {"langfuse.session.id", "session.id", "gen_ai.conversation.id"})
    if (auto v = string_attribute(attributes, key)) return v;
  return std::nullopt;
}

bool is_content_attribute(std::string_view key) {
  static constexpr std::string_view kExact[] = {
      "input.value", "output.value", "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions",
      "gen_ai.prompt", "gen_ai.completion", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result",
      "gen_ai.tool.definitions", "gen_ai.retrieval.documents", "gen_ai.retrieval.query.text", "tool.parameters",
      "tool_call.function.arguments", "reranker.query", "llm.prompt_template.variables", "ai.prompt.messages",
      "ai.response.text", "ai.toolCall.args", "ai.toolCall.result", "traceloop.entity.input",
      "traceloop.entity.output", "mlflow.spanInputs", "mlflow.spanOutputs"};
  // Flattened lists: llm.input_messages.0.message.content, ...
  static constexpr std::string_view kPrefixes[] = {
      "llm.input_messages.", "llm.output_messages.", "llm.prompts.", "llm.choices.", "llm.tools.",
      "retrieval.documents.", "reranker.input_documents.", "reranker.output_documents.", "embedding.embeddings.",
      "gen_ai.prompt.", "gen_ai.completion."};
  for (const auto exact : kExact)
    if (key == exact) return true;
  for (const auto prefix : kPrefixes)
    if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

json kept_attributes(const json& attributes, bool keep_content) {
  if (keep_content) return attributes;
  json out = json::object();
  for (const auto& [key, value] : attributes.items())
    if (!is_content_attribute(key)) out[key] = value;
  return out;
}

std::vector<SpanFailure> failures_of(const Span& span) {
  std::vector<SpanFailure> out;
  const SpanEvent* last = nullptr;
  for (const auto& event : span.events) {
    if (event.name != "exception") continue;
    last = &event;
    if (truthy(event.attributes, "exception.escaped")) out.push_back(from_exception(span, event));
  }
  if (span.status != StatusCode::Error || !out.empty()) return out;
  if (last) {
    out.push_back(from_exception(span, *last));
    return out;
  }
  SpanFailure f;
  f.type = string_attribute(span.attributes, "error.type").value_or("");
  f.message = span.status_message.empty() ? f.type : span.status_message;
  f.detailed = !f.message.empty();
  if (f.message.empty()) f.message = "span '" + span.name + "' ended with status ERROR";
  f.time_ns = span.end_ns;
  out.push_back(std::move(f));
  return out;
}

std::vector<SpanFailure> handled_exceptions_of(const Span& span) {
  std::vector<SpanFailure> out;
  const SpanEvent* failing_last = nullptr;
  if (span.status == StatusCode::Error) {
    // The last exception ended the span unless some event says it escaped.
    bool any_escaped = false;
    for (const auto& event : span.events) any_escaped = any_escaped || truthy(event.attributes, "exception.escaped");
    if (!any_escaped)
      for (const auto& event : span.events)
        if (event.name == "exception") failing_last = &event;
  }
  for (const auto& event : span.events) {
    if (event.name != "exception" || &event == failing_last || truthy(event.attributes, "exception.escaped")) continue;
    out.push_back(from_exception(span, event));
  }
  return out;
}

}  // namespace dashflow::otlp
