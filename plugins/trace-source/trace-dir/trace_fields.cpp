#include "trace_fields.hpp"

#include <cstdint>
#include <limits>
#include <string_view>

namespace dashflow::tracedir {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

std::string join(const std::string& prefix, const std::string& path) {
  if (path.empty()) return prefix;
  if (!path.empty() && path.front() == '[') return prefix + path;
  return prefix + "." + path;
}

[[noreturn]] void fail(std::string_view field, const std::string& problem) {
  throw FieldError(std::string(field), problem);
}

[[noreturn]] void fail_type(std::string_view field, const char* expected, element value) {
  throw FieldError(std::string(field), std::string("expected ") + expected + ", got " + describe(value));
}

uint64_t get_u64(std::string_view field, element value) {
  switch (value.type()) {
    case element_type::INT64: {
      int64_t x = 0;
      if (value.get(x) == simdjson::SUCCESS && x >= 0) return static_cast<uint64_t>(x);
      break;
    }
    case element_type::UINT64: {
      uint64_t x = 0;
      if (value.get(x) == simdjson::SUCCESS) return x;
      break;
    }
    default:
      break;
  }
  fail_type(field, "a non-negative integer", value);
}

uint32_t get_u32(std::string_view field, element value) {
  const uint64_t x = get_u64(field, value);
  if (x > std::numeric_limits<uint32_t>::max()) fail_type(field, "an integer between 0 and 4294967295", value);
  return static_cast<uint32_t>(x);
}

double get_number(std::string_view field, element value) {
  double x = 0;
  if (!value.is_number() || value.get(x) != simdjson::SUCCESS) fail_type(field, "a number", value);
  return x;
}

bool get_bool(std::string_view field, element value) {
  bool x = false;
  if (value.get(x) != simdjson::SUCCESS) fail_type(field, "true or false", value);
  return x;
}

void get_string(std::string_view field, element value, std::string& out) {
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS) fail_type(field, "a string", value);
  out.assign(text);
}

void get_opt_string(std::string_view field, element value, std::optional<std::string>& out) {
  if (value.type() == element_type::NULL_VALUE) {
    out.reset();
    return;
  }
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS) fail_type(field, "a string or null", value);
  out.emplace(text);
}

std::optional<double> get_opt_number(std::string_view field, element value) {
  if (value.type() == element_type::NULL_VALUE) return std::nullopt;
  return get_number(field, value);
}

// Any JSON value kept as text; null means absent.
void get_raw(element value, RawJson& out) {
  switch (value.type()) {
    case element_type::NULL_VALUE:
      out.text.clear();
      return;
    case element_type::OBJECT: {
      // The common empty object costs no allocation (fits the short string).
      object obj;
      if (value.get(obj) == simdjson::SUCCESS && obj.begin() == obj.end()) {
        out.text.assign("{}");
        return;
      }
      break;
    }
    default:
      break;
  }
  out.text = simdjson::minify(value);
}

// A required metadata object (a serde map), kept as text. An empty object
// reads as empty text, as the SDK reads it, so both compare equal.
void get_raw_object(std::string_view field, element value, RawJson& out) {
  object obj;
  if (value.get(obj) != simdjson::SUCCESS) fail_type(field, "an object", value);
  if (obj.begin() == obj.end()) {
    out.text.clear();
    return;
  }
  out.text = simdjson::minify(value);
}

object get_object(std::string_view field, element value) {
  object obj;
  if (value.get(obj) != simdjson::SUCCESS) fail_type(field, "an object", value);
  return obj;
}

simdjson::dom::array get_array(std::string_view field, element value) {
  simdjson::dom::array array;
  if (value.get(array) != simdjson::SUCCESS) fail_type(field, "an array", value);
  return array;
}

// Required-field bookkeeping: one bit per required field, in table order.
void require_all(uint32_t seen, uint32_t required, const char* const* names) {
  const uint32_t missing = required & ~seen;
  if (missing == 0) return;
  for (int bit = 0; bit < 32; ++bit) {
    if (missing & (1u << bit)) fail("", std::string("missing required field '") + names[bit] + "'");
  }
}

// ---------------------------------------------------------------- extensions

bool is_null(element value) { return value.type() == element_type::NULL_VALUE; }

// Extension fields have defaults: absent or null keeps the default.
void read_token_usage(element value, TokenUsage& usage) {
  for (auto field : get_object("", value)) {
    const std::string_view key = field.key;
    if (is_null(field.value)) continue;
    if (key == "input") usage.input = get_u64(key, field.value);
    else if (key == "output") usage.output = get_u64(key, field.value);
    else if (key == "cached") usage.cached = get_u64(key, field.value);
    else if (key == "reasoning") usage.reasoning = get_u64(key, field.value);
  }
}

void read_tool_call(element value, ToolCall& call) {
  bool has_name = false;
  for (auto field : get_object("", value)) {
    const std::string_view key = field.key;
    if (key == "name") {
      get_string(key, field.value, call.name);
      has_name = true;
    } else if (key == "duration_ms") {
      if (!is_null(field.value)) call.duration_ms = get_u64(key, field.value);
    } else if (key == "success") {
      if (!is_null(field.value)) call.success = get_bool(key, field.value);
    } else if (key == "error") {
      get_opt_string(key, field.value, call.error);
    }
  }
  if (!has_name) fail("", "missing required field 'name'");
}

// ---------------------------------------------------------------- node

const char* const kNodeRequired[] = {"node", "duration_ms", "tokens_used", "tools_called", "success", "index", "metadata"};
enum NodeBit : uint32_t { kNode = 1, kNodeDuration = 2, kNodeTokens = 4, kNodeTools = 8, kNodeSuccess = 16, kNodeIndex = 32, kNodeMeta = 64 };

void read_node(element value, NodeExecution& node, const ReadOptions& options) {
  uint32_t seen = 0;
  for (auto field : get_object("", value)) {
    const std::string_view key = field.key;
    const element v = field.value;
    if (key == "node") {
      get_string(key, v, node.node);
      seen |= kNode;
    } else if (key == "duration_ms") {
      node.duration_ms = get_u64(key, v);
      seen |= kNodeDuration;
    } else if (key == "tokens_used") {
      node.tokens_used = get_u64(key, v);
      seen |= kNodeTokens;
    } else if (key == "state_before") {
      if (options.payloads) get_raw(v, node.state_before);
    } else if (key == "state_after") {
      if (options.payloads) get_raw(v, node.state_after);
    } else if (key == "tools_called") {
      const auto tools = get_array(key, v);
      node.tools_called.clear();
      node.tools_called.reserve(tools.size());
      size_t i = 0;
      for (element tool : tools) {
        std::string_view name;
        if (tool.get(name) != simdjson::SUCCESS) fail_type("tools_called[" + std::to_string(i) + "]", "a string", tool);
        node.tools_called.emplace_back(name);
        ++i;
      }
      seen |= kNodeTools;
    } else if (key == "success") {
      node.success = get_bool(key, v);
      seen |= kNodeSuccess;
    } else if (key == "error_message") {
      get_opt_string(key, v, node.error_message);
    } else if (key == "index") {
      node.index = get_u64(key, v);
      seen |= kNodeIndex;
    } else if (key == "started_at") {
      get_opt_string(key, v, node.started_at);
    } else if (key == "metadata") {
      get_raw_object(key, v, node.metadata);
      seen |= kNodeMeta;
    } else if (key == "span_id") {
      get_opt_string(key, v, node.span_id);
    } else if (key == "parent_span_id") {
      get_opt_string(key, v, node.parent_span_id);
    } else if (key == "token_usage") {
      if (v.type() == element_type::NULL_VALUE) {
        node.token_usage.reset();
      } else {
        try {
          read_token_usage(v, node.token_usage.emplace());
        } catch (const FieldError& e) {
          throw e.nested("token_usage");
        }
      }
    } else if (key == "cost_usd") {
      node.cost_usd = get_opt_number(key, v);
    } else if (key == "model") {
      get_opt_string(key, v, node.model);
    } else if (key == "tool_calls") {
      if (v.type() == element_type::NULL_VALUE) {
        node.tool_calls.clear();
        continue;
      }
      const auto calls = get_array(key, v);
      node.tool_calls.clear();
      node.tool_calls.resize(calls.size());
      size_t i = 0;
      for (element call : calls) {
        try {
          read_tool_call(call, node.tool_calls[i]);
        } catch (const FieldError& e) {
          throw e.nested("tool_calls[" + std::to_string(i) + "]");
        }
        ++i;
      }
    }
  }
  require_all(seen, 0x7f, kNodeRequired);
}

// ---------------------------------------------------------------- error

const char* const kErrorRequired[] = {"node", "message", "recoverable", "retry_attempted", "metadata"};
enum ErrorBit : uint32_t { kErrNode = 1, kErrMessage = 2, kErrRecoverable = 4, kErrRetry = 8, kErrMeta = 16 };

void read_error(element value, ErrorTrace& error, const ReadOptions& options) {
  uint32_t seen = 0;
  for (auto field : get_object("", value)) {
    const std::string_view key = field.key;
    const element v = field.value;
    if (key == "node") {
      get_string(key, v, error.node);
      seen |= kErrNode;
    } else if (key == "message") {
      get_string(key, v, error.message);
      seen |= kErrMessage;
    } else if (key == "error_type") {
      get_opt_string(key, v, error.error_type);
    } else if (key == "state_at_error") {
      if (options.payloads) get_raw(v, error.state_at_error);
    } else if (key == "timestamp") {
      get_opt_string(key, v, error.timestamp);
    } else if (key == "execution_index") {
      if (v.type() == element_type::NULL_VALUE) error.execution_index.reset();
      else error.execution_index = get_u64(key, v);
    } else if (key == "recoverable") {
      error.recoverable = get_bool(key, v);
      seen |= kErrRecoverable;
    } else if (key == "retry_attempted") {
      error.retry_attempted = get_bool(key, v);
      seen |= kErrRetry;
    } else if (key == "context") {
      get_opt_string(key, v, error.context);
    } else if (key == "metadata") {
      get_raw_object(key, v, error.metadata);
      seen |= kErrMeta;
    }
  }
  require_all(seen, 0x1f, kErrorRequired);
}

// ---------------------------------------------------------------- trace

const char* const kTraceRequired[] = {"nodes_executed", "total_duration_ms", "total_tokens", "errors", "completed", "metadata"};
enum TraceBit : uint32_t { kNodes = 1, kTotalDuration = 2, kTotalTokens = 4, kErrors = 8, kCompleted = 16, kMeta = 32 };

void read_nodes(element value, std::vector<NodeExecution>& nodes, const ReadOptions& options) {
  const auto array = get_array("nodes_executed", value);
  nodes.clear();
  nodes.resize(array.size());
  size_t i = 0;
  for (element item : array) {
    try {
      read_node(item, nodes[i], options);
    } catch (const FieldError& e) {
      throw e.nested("nodes_executed[" + std::to_string(i) + "]");
    }
    ++i;
  }
}

void read_errors(element value, std::vector<ErrorTrace>& errors, const ReadOptions& options) {
  const auto array = get_array("errors", value);
  errors.clear();
  errors.resize(array.size());
  size_t i = 0;
  for (element item : array) {
    try {
      read_error(item, errors[i], options);
    } catch (const FieldError& e) {
      throw e.nested("errors[" + std::to_string(i) + "]");
    }
    ++i;
  }
}

}  // namespace

FieldError::FieldError(std::string path, std::string problem)
    : std::runtime_error(path.empty() ? problem : path + ": " + problem),
      path_(std::move(path)),
      problem_(std::move(problem)) {}

FieldError FieldError::nested(const std::string& prefix) const { return FieldError(join(prefix, path_), problem_); }

std::string describe(element value) {
  switch (value.type()) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: return "null";
    case element_type::INT64: {
      int64_t x = 0;
      if (value.get(x) != simdjson::SUCCESS) x = 0;
      return x < 0 ? "negative integer " + std::to_string(x) : "integer " + std::to_string(x);
    }
    case element_type::UINT64: {
      uint64_t x = 0;
      if (value.get(x) != simdjson::SUCCESS) x = 0;
      return "integer " + std::to_string(x);
    }
    case element_type::DOUBLE: return "number " + simdjson::minify(value);
  }
  return "unknown value";
}

void read_trace(element value, ExecutionTrace& trace, const ReadOptions& options) {
  const object root = get_object("", value);
  uint32_t seen = 0;
  for (auto field : root) {
    const std::string_view key = field.key;
    const element v = field.value;
    if (key == "nodes_executed") {
      read_nodes(v, trace.nodes_executed, options);
      seen |= kNodes;
    } else if (key == "total_duration_ms") {
      trace.total_duration_ms = get_u64(key, v);
      seen |= kTotalDuration;
    } else if (key == "total_tokens") {
      trace.total_tokens = get_u64(key, v);
      seen |= kTotalTokens;
    } else if (key == "errors") {
      read_errors(v, trace.errors, options);
      seen |= kErrors;
    } else if (key == "completed") {
      trace.completed = get_bool(key, v);
      seen |= kCompleted;
    } else if (key == "metadata") {
      get_raw_object(key, v, trace.metadata);
      seen |= kMeta;
    } else if (key == "thread_id") {
      get_opt_string(key, v, trace.thread_id);
    } else if (key == "execution_id") {
      get_opt_string(key, v, trace.execution_id);
    } else if (key == "parent_execution_id") {
      get_opt_string(key, v, trace.parent_execution_id);
    } else if (key == "root_execution_id") {
      get_opt_string(key, v, trace.root_execution_id);
    } else if (key == "depth") {
      if (v.type() == element_type::NULL_VALUE) trace.depth.reset();
      else trace.depth = get_u32(key, v);
    } else if (key == "started_at") {
      get_opt_string(key, v, trace.started_at);
    } else if (key == "ended_at") {
      get_opt_string(key, v, trace.ended_at);
    } else if (key == "final_state") {
      if (options.payloads) get_raw(v, trace.final_state);
    } else if (key == "execution_metrics") {
      get_raw(v, trace.execution_metrics);
    } else if (key == "performance_metrics") {
      get_raw(v, trace.performance_metrics);
    } else if (key == "cost_usd") {
      trace.cost_usd = get_opt_number(key, v);
    }
  }
  require_all(seen, 0x3f, kTraceRequired);
}

}  // namespace dashflow::tracedir
