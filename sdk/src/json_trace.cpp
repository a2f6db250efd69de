// JSON for execution traces (reference/dashflow-core.md §1) and their
// extensions (span ids, token split, cost, model, tool-call timing).
#include "json_support.hpp"

namespace dashflow {

using namespace detail;

// ------------------------------------------------------------ RawJson

void to_json(json& j, const RawJson& value) { j = raw_value(value); }

void from_json(const json& j, RawJson& value) {
  value.text = j.is_null() ? std::string() : j.dump();
}

// ------------------------------------------------------------ extensions

void to_json(json& j, const TokenUsage& v) {
  j = json::object();
  j["input"] = v.input;
  j["output"] = v.output;
  j["cached"] = v.cached;
  j["reasoning"] = v.reasoning;
}

void from_json(const json& j, TokenUsage& v) {
  expect_object(j);
  v = TokenUsage{};
  defaulted(j, "input", v.input);
  defaulted(j, "output", v.output);
  defaulted(j, "cached", v.cached);
  defaulted(j, "reasoning", v.reasoning);
}

void to_json(json& j, const ToolCall& v) {
  j = json::object();
  j["name"] = v.name;
  j["duration_ms"] = v.duration_ms;
  j["success"] = v.success;
  j["error"] = value_or_null(v.error);
}

void from_json(const json& j, ToolCall& v) {
  expect_object(j);
  v = ToolCall{};
  required(j, "name", v.name);
  defaulted(j, "duration_ms", v.duration_ms);
  defaulted(j, "success", v.success);
  optional(j, "error", v.error);
}

// ------------------------------------------------------------ NodeExecution

void to_json(json& j, const NodeExecution& v) {
  j = json::object();
  j["node"] = v.node;
  j["duration_ms"] = v.duration_ms;
  j["tokens_used"] = v.tokens_used;
  j["state_before"] = raw_value(v.state_before);
  j["state_after"] = raw_value(v.state_after);
  j["tools_called"] = v.tools_called;
  j["success"] = v.success;
  j["error_message"] = value_or_null(v.error_message);
  j["index"] = v.index;
  j["started_at"] = value_or_null(v.started_at);
  j["metadata"] = raw_object(v.metadata);
  put_if_set(j, "span_id", v.span_id);
  put_if_set(j, "parent_span_id", v.parent_span_id);
  put_if_set(j, "token_usage", v.token_usage);
  put_if_set(j, "cost_usd", v.cost_usd);
  put_if_set(j, "model", v.model);
  put_if_nonempty(j, "tool_calls", v.tool_calls);
}

void from_json(const json& j, NodeExecution& v) {
  expect_object(j);
  v = NodeExecution{};
  required(j, "node", v.node);
  required(j, "duration_ms", v.duration_ms);
  required(j, "tokens_used", v.tokens_used);
  defaulted(j, "state_before", v.state_before);
  defaulted(j, "state_after", v.state_after);
  required(j, "tools_called", v.tools_called);
  required(j, "success", v.success);
  optional(j, "error_message", v.error_message);
  required(j, "index", v.index);
  optional(j, "started_at", v.started_at);
  read_raw_object(j, "metadata", v.metadata);
  optional(j, "span_id", v.span_id);
  optional(j, "parent_span_id", v.parent_span_id);
  optional(j, "token_usage", v.token_usage);
  optional(j, "cost_usd", v.cost_usd);
  optional(j, "model", v.model);
  defaulted(j, "tool_calls", v.tool_calls);
}

// ------------------------------------------------------------ ErrorTrace

void to_json(json& j, const ErrorTrace& v) {
  j = json::object();
  j["node"] = v.node;
  j["message"] = v.message;
  j["error_type"] = value_or_null(v.error_type);
  j["state_at_error"] = raw_value(v.state_at_error);
  j["timestamp"] = value_or_null(v.timestamp);
  j["execution_index"] = value_or_null(v.execution_index);
  j["recoverable"] = v.recoverable;
  j["retry_attempted"] = v.retry_attempted;
  j["context"] = value_or_null(v.context);
  j["metadata"] = raw_object(v.metadata);
}

void from_json(const json& j, ErrorTrace& v) {
  expect_object(j);
  v = ErrorTrace{};
  required(j, "node", v.node);
  required(j, "message", v.message);
  optional(j, "error_type", v.error_type);
  defaulted(j, "state_at_error", v.state_at_error);
  optional(j, "timestamp", v.timestamp);
  optional(j, "execution_index", v.execution_index);
  required(j, "recoverable", v.recoverable);
  required(j, "retry_attempted", v.retry_attempted);
  optional(j, "context", v.context);
  read_raw_object(j, "metadata", v.metadata);
}

// ------------------------------------------------------------ ExecutionTrace

void to_json(json& j, const ExecutionTrace& v) {
  j = json::object();
  j["thread_id"] = value_or_null(v.thread_id);
  j["execution_id"] = value_or_null(v.execution_id);
  put_if_set(j, "parent_execution_id", v.parent_execution_id);
  put_if_set(j, "root_execution_id", v.root_execution_id);
  put_if_set(j, "depth", v.depth);
  j["nodes_executed"] = v.nodes_executed;
  j["total_duration_ms"] = v.total_duration_ms;
  j["total_tokens"] = v.total_tokens;
  j["errors"] = v.errors;
  j["completed"] = v.completed;
  j["started_at"] = value_or_null(v.started_at);
  j["ended_at"] = value_or_null(v.ended_at);
  j["final_state"] = raw_value(v.final_state);
  j["metadata"] = raw_object(v.metadata);
  if (!v.execution_metrics.empty()) j["execution_metrics"] = raw_value(v.execution_metrics);
  if (!v.performance_metrics.empty()) j["performance_metrics"] = raw_value(v.performance_metrics);
  put_if_set(j, "cost_usd", v.cost_usd);
}

void from_json(const json& j, ExecutionTrace& v) {
  expect_object(j);
  v = ExecutionTrace{};
  optional(j, "thread_id", v.thread_id);
  optional(j, "execution_id", v.execution_id);
  optional(j, "parent_execution_id", v.parent_execution_id);
  optional(j, "root_execution_id", v.root_execution_id);
  optional(j, "depth", v.depth);
  required(j, "nodes_executed", v.nodes_executed);
  required(j, "total_duration_ms", v.total_duration_ms);
  required(j, "total_tokens", v.total_tokens);
  required(j, "errors", v.errors);
  required(j, "completed", v.completed);
  optional(j, "started_at", v.started_at);
  optional(j, "ended_at", v.ended_at);
  defaulted(j, "final_state", v.final_state);
  read_raw_object(j, "metadata", v.metadata);
  defaulted(j, "execution_metrics", v.execution_metrics);
  defaulted(j, "performance_metrics", v.performance_metrics);
  optional(j, "cost_usd", v.cost_usd);
}

}  // namespace dashflow
