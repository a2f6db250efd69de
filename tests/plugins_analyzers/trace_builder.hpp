// Hand-made traces for the analyzer tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dashflow/plugin.hpp"
#include "dashflow/types.hpp"

namespace dashflow::testing_analyzers {

struct Node {
  std::string name;
  uint64_t ms = 0;
  uint64_t tokens = 0;
  std::vector<std::string> tools = {};
  bool success = true;
};

struct ErrorSpec {
  std::string node;
  std::string message;
  bool retry = false;
  std::string type = "";
};

// Like the reference's create_test_trace: completed = no errors, total
// duration and tokens = sums over the nodes.
inline ExecutionTrace make_trace(const std::vector<Node>& nodes, const std::vector<ErrorSpec>& errors = {},
                                 std::string execution_id = "", std::string thread_id = "") {
  ExecutionTrace t;
  if (!execution_id.empty()) t.execution_id = std::move(execution_id);
  if (!thread_id.empty()) t.thread_id = std::move(thread_id);
  uint64_t index = 0;
  for (const auto& n : nodes) {
    NodeExecution e;
    e.node = n.name;
    e.duration_ms = n.ms;
    e.tokens_used = n.tokens;
    e.tools_called = n.tools;
    e.success = n.success;
    e.index = index++;
    t.total_duration_ms += n.ms;
    t.total_tokens += n.tokens;
    t.nodes_executed.push_back(std::move(e));
  }
  for (const auto& err : errors) {
    ErrorTrace e;
    e.node = err.node;
    e.message = err.message;
    e.retry_attempted = err.retry;
    if (!err.type.empty()) e.error_type = err.type;
    t.errors.push_back(std::move(e));
  }
  t.completed = errors.empty();
  return t;
}

// One input of an analyzer: the trace and where it came from.
struct Input {
  ExecutionTrace trace;
  TraceOrigin origin;
};

inline TraceOrigin origin(std::string source, int64_t started_at_ms, uint64_t line = 0) {
  TraceOrigin o;
  o.source = std::move(source);
  o.started_at_ms = started_at_ms;
  o.line = line;
  return o;
}

// The trace of dashflow-core.md §1.7 (the worked example of §3.5 uses 4).
inline Input worked_example_trace(int i) {
  ExecutionTrace t = make_trace({{"planner", 412, 1250}, {"tool_executor", 1830, 0, {"search"}, false}},
                                {{"tool_executor", "tool 'geocode' not found", true, "ToolError"}},
                                "7f3c2a9" + std::to_string(i) + "-5b1d-4c8e-9a0f-2d6b8e1c4a57", "session-4" + std::to_string(i));
  t.nodes_executed[1].error_message = "tool 'geocode' not found";
  t.errors[0].timestamp = "2025-12-15T10:30:02.342+00:00";
  t.errors[0].recoverable = true;
  t.errors[0].execution_index = 1;
  t.total_duration_ms = 2310;
  t.started_at = "2025-12-15T10:3" + std::to_string(i) + ":00.100+00:00";
  // 2025-12-15T10:30:00.100Z = 1765794600100 ms.
  return Input{t, origin("traces/example-" + std::to_string(i) + ".json", 1765794600100 + i * 60000)};
}

inline std::vector<Input> worked_example() {
  std::vector<Input> v;
  for (int i = 0; i < 4; ++i) v.push_back(worked_example_trace(i));
  return v;
}

// Run an analyzer over inputs in one state.
inline AnalysisOutput run(const Analyzer& analyzer, const std::vector<Input>& inputs,
                          const AnalysisContext& context = {}) {
  auto state = analyzer.make_state();
  for (const auto& in : inputs) analyzer.consume(*state, in.trace, in.origin);
  return analyzer.finish(*state, context);
}

}  // namespace dashflow::testing_analyzers
