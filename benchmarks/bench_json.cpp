// SDK JSON (nlohmann) for ExecutionTrace: from_json, to_json and a round
// trip, against the bare parse of the same text in the same run.
//
//   BM_Parse_Nlohmann/<shape>     baseline: json::parse only
//   BM_Parse_SimdjsonDom/<shape>  reference: simdjson DOM parse (what trace-dir uses)
//   BM_FromJson/<shape>           text -> ExecutionTrace (parse + conversion)
//   BM_ToJson/<shape>             ExecutionTrace -> compact text
//   BM_RoundTrip/<shape>          text -> ExecutionTrace -> text
//
// Shapes: 0 = the small example of reference/dashflow-core.md §1.7 (~2 KB),
//         1 = a realistic 6-node trace with state snapshots (~12 KB pretty).
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <string>

#include "dashflow/json.hpp"
#include "dashflow/types.hpp"

namespace {

using dashflow::ExecutionTrace;
using nlohmann::json;

const char* const kExampleTrace = R"json({
  "thread_id": "session-42",
  "execution_id": "7f3c2a9e-5b1d-4c8e-9a0f-2d6b8e1c4a57",
  "depth": 0,
  "nodes_executed": [
    {"node": "planner", "duration_ms": 412, "tokens_used": 1250, "state_before": null, "state_after": null,
     "tools_called": [], "success": true, "error_message": null, "index": 0,
     "started_at": "2025-12-15T10:30:00.100+00:00", "metadata": {}},
    {"node": "tool_executor", "duration_ms": 1830, "tokens_used": 0,
     "state_before": {"query": "weather in Paris"}, "state_after": {"query": "weather in Paris", "result": null},
     "tools_called": ["search"], "success": false, "error_message": "tool 'geocode' not found", "index": 1,
     "started_at": "2025-12-15T10:30:00.512+00:00", "metadata": {"attempt": 2}}
  ],
  "total_duration_ms": 2310,
  "total_tokens": 1250,
  "errors": [
    {"node": "tool_executor", "message": "tool 'geocode' not found", "error_type": "ToolError",
     "state_at_error": null, "timestamp": "2025-12-15T10:30:02.342+00:00", "execution_index": 1,
     "recoverable": true, "retry_attempted": true, "context": null, "metadata": {}}
  ],
  "completed": false,
  "started_at": "2025-12-15T10:30:00.100+00:00",
  "ended_at": "2025-12-15T10:30:02.410+00:00",
  "final_state": null,
  "metadata": {"graph_name": "weather_bot", "checkpoint_count": 0, "edges_traversed": 1, "parallel_executions": 0},
  "execution_metrics": {
    "node_durations": {"planner": {"secs": 0, "nanos": 412000000}, "tool_executor": {"secs": 1, "nanos": 830000000}},
    "node_execution_counts": {"planner": 1, "tool_executor": 1},
    "node_timestamps": {"planner": "2025-12-15T10:30:00.100+00:00", "tool_executor": "2025-12-15T10:30:00.512+00:00"},
    "total_duration": {"secs": 2, "nanos": 310000000},
    "checkpoint_count": 0, "checkpoint_loads": 0, "state_size_bytes": null, "edges_traversed": 1,
    "conditional_branches": 0, "parallel_executions": 0, "peak_concurrency": 1, "events_emitted": 0,
    "node_tokens": {"planner": 1250}, "total_tokens": 1250
  }
})json";

// A trace shaped like the ones dashflow-gen-traces writes: six nodes whose
// state snapshots grow from a few hundred bytes to ~1 KB.
std::string realistic_trace_text() {
  const char* nodes[] = {"planner", "retriever", "tool_executor", "forecast_fetcher", "summarizer", "responder"};
  json state = {{"session_id", "session-512433"},
                {"step", 0},
                {"query", "Will it rain in Lisbon tomorrow?"},
                {"messages", json::array({{{"role", "user"}, {"content", "Will it rain in Lisbon tomorrow?"}}})}};
  json trace = {{"thread_id", "session-512433"}, {"execution_id", "3f9a1c2e-7b4d-4e8f-a1b2-c3d4e5f60718"}, {"depth", 0}};
  json runs = json::array();
  uint64_t total = 0;
  for (int i = 0; i < 6; ++i) {
    json before = state;
    state["step"] = i + 1;
    switch (i) {
      case 0: state["plan"] = {"resolve location", "call weather_api", "summarize conditions", "compose answer"}; break;
      case 1:
        state["documents"] = json::array();
        for (int d = 0; d < 3; ++d)
          state["documents"].push_back({{"id", "doc-" + std::to_string(41200 + d)},
                                        {"source", "kb://climate/normals"},
                                        {"score", 0.871 - 0.05 * d},
                                        {"snippet", "A 40 percent chance of rain on any given day, mostly brief showers."}});
        break;
      case 2:
        state["location"] = {{"city", "Lisbon"}, {"country", "PT"}, {"lat", 38.7223}, {"lon", -9.1393}, {"timezone", "Europe/Lisbon"}};
        state["current_weather"] = {{"temp_c", 14.2}, {"conditions", "light rain"}, {"humidity", 81}, {"wind_kph", 18.5}, {"units", "metric"}};
        break;
      case 3:
        state["forecast"] = json::array();
        for (int d = 0; d < 3; ++d)
          state["forecast"].push_back({{"date", "2025-12-0" + std::to_string(2 + d)}, {"high_c", 15.5 + d}, {"low_c", 9.0 + d},
                                       {"precipitation_pct", 60 - 10 * d}, {"summary", "Showers likely, especially after 3 pm."}});
        break;
      case 4: state["summary"] = "Conditions in Lisbon tomorrow: light rain. Showers likely, especially after 3 pm."; break;
      case 5:
        state["messages"].push_back({{"role", "assistant"}, {"content", "Here is the outlook for Lisbon tomorrow: light rain, around 14\u00b0C."}});
        break;
    }
    const uint64_t ms = 150 + 97 * static_cast<uint64_t>(i);
    total += ms;
    runs.push_back({{"node", nodes[i]}, {"duration_ms", ms}, {"tokens_used", i == 0 || i >= 4 ? 900 : 0},
                    {"state_before", before}, {"state_after", state},
                    {"tools_called", i == 2 ? json::array({"search", "weather_api"}) : json::array()},
                    {"success", true}, {"error_message", nullptr}, {"index", i},
                    {"started_at", "2025-12-01T10:00:0" + std::to_string(i) + ".250+00:00"}, {"metadata", json::object()}});
  }
  trace["nodes_executed"] = runs;
  trace["total_duration_ms"] = total + 40;
  trace["total_tokens"] = 2700;
  trace["errors"] = json::array(
      {{{"node", "summarizer"}, {"message", "Rate limit exceeded for model gpt-4o-mini (HTTP 429); retried after 120ms"},
        {"error_type", "LLMError"}, {"state_at_error", nullptr}, {"timestamp", "2025-12-01T10:00:04.900+00:00"},
        {"execution_index", 4}, {"recoverable", true}, {"retry_attempted", true}, {"context", nullptr},
        {"metadata", json::object()}}});
  trace["completed"] = true;
  trace["started_at"] = "2025-12-01T10:00:00.100+00:00";
  trace["ended_at"] = "2025-12-01T10:00:06.900+00:00";
  trace["final_state"] = state;
  trace["metadata"] = {{"graph_name", "weather_bot"}, {"checkpoint_count", 0}, {"edges_traversed", 5}, {"parallel_executions", 0}};
  return trace.dump(2);
}

const std::string& trace_text(int shape) {
  static const std::string small = kExampleTrace;
  static const std::string realistic = realistic_trace_text();
  return shape == 0 ? small : realistic;
}

void set_bytes(benchmark::State& state, size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}

void BM_Parse_Nlohmann(benchmark::State& state) {
  const std::string& text = trace_text(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    json j = json::parse(text);
    benchmark::DoNotOptimize(j);
  }
  set_bytes(state, text.size());
}

void BM_Parse_SimdjsonDom(benchmark::State& state) {
  const std::string& text = trace_text(static_cast<int>(state.range(0)));
  const simdjson::padded_string padded(text);
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::element doc;
    if (parser.parse(padded).get(doc) != simdjson::SUCCESS) state.SkipWithError("simdjson parse failed");
    benchmark::DoNotOptimize(doc);
  }
  set_bytes(state, text.size());
}

void BM_FromJson(benchmark::State& state) {
  const std::string& text = trace_text(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    ExecutionTrace trace = dashflow::from_json_text<ExecutionTrace>(text);
    benchmark::DoNotOptimize(trace);
  }
  set_bytes(state, text.size());
}

void BM_ToJson(benchmark::State& state) {
  const std::string& text = trace_text(static_cast<int>(state.range(0)));
  const ExecutionTrace trace = dashflow::from_json_text<ExecutionTrace>(text);
  for (auto _ : state) {
    std::string out = dashflow::to_json_text(trace, false);
    benchmark::DoNotOptimize(out);
  }
  set_bytes(state, text.size());
}

void BM_RoundTrip(benchmark::State& state) {
  const std::string& text = trace_text(static_cast<int>(state.range(0)));
  const ExecutionTrace original = dashflow::from_json_text<ExecutionTrace>(text);
  if (dashflow::from_json_text<ExecutionTrace>(dashflow::to_json_text(original, false)) != original)
    state.SkipWithError("round trip changed the trace");
  for (auto _ : state) {
    ExecutionTrace trace = dashflow::from_json_text<ExecutionTrace>(text);
    std::string out = dashflow::to_json_text(trace, false);
    benchmark::DoNotOptimize(out);
  }
  set_bytes(state, text.size());
}

BENCHMARK(BM_Parse_Nlohmann)->Arg(0)->Arg(1);
BENCHMARK(BM_Parse_SimdjsonDom)->Arg(0)->Arg(1);
BENCHMARK(BM_FromJson)->Arg(0)->Arg(1);
BENCHMARK(BM_ToJson)->Arg(0)->Arg(1);
BENCHMARK(BM_RoundTrip)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
