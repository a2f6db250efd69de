// Parse throughput of the trace-dir hot path (simdjson DOM -> ExecutionTrace)
// on a generated realistic trace, next to the SDK's nlohmann reader.
// Reports bytes/s (MB/s) and traces/s.
//
// Links: dashflow_trace_dir_core (plugins/trace-source/trace-dir),
// dashflow_sdk, simdjson, zlib, benchmark::benchmark_main.
#include <benchmark/benchmark.h>

#include <string>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "padded_buffer.hpp"
#include "trace_text.hpp"

namespace {

// A DashFlow-shaped trace: `nodes` node runs with state snapshots (the bulk
// of real files), tool calls, a few failures with retries, pretty-printed as
// the executor writes it.
std::string make_trace(int nodes, int trace_no) {
  using dashflow::json;
  json t;
  t["thread_id"] = "session-" + std::to_string(trace_no);
  t["execution_id"] = "7f3c2a9e-5b1d-4c8e-9a0f-" + std::to_string(100000000000 + trace_no);
  t["depth"] = 0;
  json list = json::array();
  json errors = json::array();
  const char* names[] = {"planner", "retriever", "tool_executor", "summarizer", "critic", "router"};
  for (int i = 0; i < nodes; ++i) {
    json n;
    n["node"] = names[i % 6];
    n["duration_ms"] = 100 + (i * 37) % 900;
    n["tokens_used"] = (i % 3 == 0) ? 1200 + i : 0;
    json state;
    state["messages"] = json::array();
    for (int m = 0; m < 4; ++m)
      state["messages"].push_back({{"role", m % 2 ? "assistant" : "user"},
                                   {"content", "Step " + std::to_string(i) + " message " + std::to_string(m) +
                                                   ": the weather in Paris is mild with light rain expected later."}});
    state["counter"] = i;
    state["scores"] = {0.12, 0.5, 0.98, 1e-3};
    n["state_before"] = state;
    state["counter"] = i + 1;
    n["state_after"] = state;
    n["tools_called"] = (i % 2) ? json::array({"search", "geocode"}) : json::array();
    const bool failed = i % 7 == 6;
    n["success"] = !failed;
    n["error_message"] = failed ? json("tool 'geocode' timed out") : json(nullptr);
    n["index"] = i;
    n["started_at"] = "2025-12-15T10:30:00.100+00:00";
    n["metadata"] = {{"attempt", 1 + (failed ? 1 : 0)}};
    list.push_back(n);
    if (failed)
      errors.push_back({{"node", names[i % 6]}, {"message", "tool 'geocode' timed out"}, {"error_type", "Timeout"},
                        {"state_at_error", nullptr}, {"timestamp", "2025-12-15T10:30:02.342+00:00"},
                        {"execution_index", i}, {"recoverable", true}, {"retry_attempted", true},
                        {"context", nullptr}, {"metadata", json::object()}});
  }
  t["nodes_executed"] = list;
  t["total_duration_ms"] = 12345;
  t["total_tokens"] = 9876;
  t["errors"] = errors;
  t["completed"] = errors.empty();
  t["started_at"] = "2025-12-15T10:30:00.100+00:00";
  t["ended_at"] = "2025-12-15T10:30:12.445+00:00";
  t["final_state"] = {{"answer", "mild, light rain"}};
  t["metadata"] = {{"graph_name", "weather_bot"}, {"checkpoint_count", 3}};
  t["execution_metrics"] = {{"node_execution_counts", {{"planner", 4}, {"retriever", 4}}}, {"total_tokens", 9876}};
  return t.dump(2);
}

class CountingSink : public dashflow::TraceSink {
 public:
  void on_trace(dashflow::ExecutionTrace&& trace, const dashflow::TraceOrigin&) override {
    nodes += trace.nodes_executed.size();
    ++traces;
  }
  void on_skip(const dashflow::SkippedInput&) override { ++skips; }
  uint64_t traces = 0, skips = 0, nodes = 0;
};

void report(benchmark::State& state, size_t bytes_per_iter, uint64_t traces) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes_per_iter));
  state.counters["traces/s"] = benchmark::Counter(static_cast<double>(traces), benchmark::Counter::kIsRate);
}

// One pretty-printed trace file, as written by DashFlow's executor.
void BM_TraceDirParseDocument(benchmark::State& state) {
  const std::string text = make_trace(static_cast<int>(state.range(0)), 1);
  dashflow::tracedir::PaddedBuffer buffer;
  buffer.reserve(text.size());
  std::memcpy(buffer.data(), text.data(), text.size());
  buffer.set_size(text.size());
  const std::string source = "bench.json";
  CountingSink sink;
  for (auto _ : state) {
    dashflow::tracedir::parse_traces(buffer.data(), buffer.size(), dashflow::tracedir::TextFormat::Document, source, {},
                                     sink);
  }
  if (sink.skips) state.SkipWithError("generated trace was skipped");
  report(state, text.size(), sink.traces);
  state.counters["file_KiB"] = static_cast<double>(text.size()) / 1024.0;
}
BENCHMARK(BM_TraceDirParseDocument)->Arg(4)->Arg(24)->Arg(200);

// JSON Lines: 100 compact traces per file.
void BM_TraceDirParseLines(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += dashflow::json::parse(make_trace(static_cast<int>(state.range(0)), i)).dump() + "\n";
  dashflow::tracedir::PaddedBuffer buffer;
  buffer.reserve(text.size());
  std::memcpy(buffer.data(), text.data(), text.size());
  buffer.set_size(text.size());
  const std::string source = "bench.jsonl";
  CountingSink sink;
  for (auto _ : state) {
    dashflow::tracedir::parse_traces(buffer.data(), buffer.size(), dashflow::tracedir::TextFormat::Lines, source, {},
                                     sink);
  }
  if (sink.skips) state.SkipWithError("generated trace was skipped");
  report(state, text.size(), sink.traces);
}
BENCHMARK(BM_TraceDirParseLines)->Arg(4)->Arg(24);

// Baseline: the SDK's nlohmann-based reader on the same text.
void BM_SdkNlohmannParse(benchmark::State& state) {
  const std::string text = make_trace(static_cast<int>(state.range(0)), 1);
  uint64_t traces = 0;
  for (auto _ : state) {
    auto trace = dashflow::from_json_text<dashflow::ExecutionTrace>(text);
    benchmark::DoNotOptimize(trace);
    ++traces;
  }
  report(state, text.size(), traces);
}
BENCHMARK(BM_SdkNlohmannParse)->Arg(4)->Arg(24)->Arg(200);

}  // namespace

BENCHMARK_MAIN();
