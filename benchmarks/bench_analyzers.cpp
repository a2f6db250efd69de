// Each built-in analyzer, loaded from its plugin like the host does, against
// the cost of parsing the same trace (the SDK's nlohmann reader) in the same
// run: analysis must stay small next to parsing, which the end-to-end figure
// depends on.
//
//   BM_ParseTrace               from_json_text<ExecutionTrace> of a realistic 3-node trace (baseline)
//   BM_Consume/<analyzer>       consume() of that trace into one state
//   BM_Finish10k/<analyzer>     finish() (and alerts() where it exists) on a state of 10k traces
//   BM_SaveLoad10k/<analyzer>   save_state + load_state of that state (the analysis cache's cost)
//
// The plugin directory defaults to the build's plugin output dir; override
// with DASHFLOW_BENCH_PLUGIN_DIR in the environment.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "bench_trace.hpp"
#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "plugin/discovery.hpp"
#include "plugin/registry.hpp"

namespace {

using dashflow::Analyzer;
using dashflow::AnalyzerState;
using dashflow::ExecutionTrace;
using dashflow::TraceOrigin;

const char* const kAnalyzers[] = {"capability-gaps", "deprecation", "retrospective", "patterns", "triggers"};

using dashflow::bench::kSampleTrace;

const ExecutionTrace& trace() { return dashflow::bench::sample_trace(); }

TraceOrigin origin(int64_t i) {
  TraceOrigin o;
  o.source = "bench/trace-" + std::to_string(i % 1000) + ".json";
  o.started_at_ms = 1765794600100 + i * 1000;
  return o;
}

struct Loaded {
  std::unique_ptr<dashflow::host::PluginRegistry> registry;
  std::map<std::string, dashflow::host::PluginInstance<Analyzer>> analyzers;
  std::string error;
};

Loaded& loaded() {
  static Loaded l = [] {
    Loaded out;
    const char* env = std::getenv("DASHFLOW_BENCH_PLUGIN_DIR");
    const std::string dir = env && *env ? env : DASHFLOW_BENCH_PLUGIN_DIR;
    try {
      out.registry = std::make_unique<dashflow::host::PluginRegistry>(dashflow::host::discover_plugins({dir}));
      for (const char* id : kAnalyzers) out.analyzers.emplace(id, out.registry->create_as<Analyzer>(id, nlohmann::json::object()));
    } catch (const std::exception& e) {
      out.error = "cannot load the analyzers from " + dir + ": " + e.what();
    }
    return out;
  }();
  return l;
}

const Analyzer* analyzer_or_skip(benchmark::State& state, int index) {
  Loaded& l = loaded();
  auto it = l.analyzers.find(kAnalyzers[index]);
  if (it == l.analyzers.end()) {
    state.SkipWithError(l.error.empty() ? "analyzer not loaded" : l.error.c_str());
    return nullptr;
  }
  state.SetLabel(kAnalyzers[index]);
  return &it->second.get();
}

std::unique_ptr<AnalyzerState> state_of(const Analyzer& a, int64_t traces) {
  auto s = a.make_state();
  for (int64_t i = 0; i < traces; ++i) a.consume(*s, trace(), origin(i));
  return s;
}

void BM_ParseTrace(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(dashflow::from_json_text<ExecutionTrace>(kSampleTrace));
  state.SetItemsProcessed(state.iterations());
}

// Per-trace state grows (durations, samples): a fresh state now and then keeps memory flat.
constexpr int64_t kResetEvery = 1 << 16;

void BM_Consume(benchmark::State& state) {
  const Analyzer* a = analyzer_or_skip(state, static_cast<int>(state.range(0)));
  if (!a) return;
  auto s = a->make_state();
  const ExecutionTrace& t = trace();
  const TraceOrigin o = origin(7);
  int64_t n = 0;
  for (auto _ : state) {
    if (++n % kResetEvery == 0) {
      state.PauseTiming();
      s = a->make_state();
      state.ResumeTiming();
    }
    a->consume(*s, t, o);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Finish10k(benchmark::State& state) {
  const Analyzer* a = analyzer_or_skip(state, static_cast<int>(state.range(0)));
  if (!a) return;
  const auto s = state_of(*a, 10000);
  dashflow::AnalysisContext context;
  context.traces_total = 10000;
  context.now_unix_ms = 1765900000000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(a->finish(*s, context));
    benchmark::DoNotOptimize(a->alerts(*s, context));
  }
}

void BM_SaveLoad10k(benchmark::State& state) {
  const Analyzer* a = analyzer_or_skip(state, static_cast<int>(state.range(0)));
  if (!a) return;
  const auto s = state_of(*a, 10000);
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = a->save_state(*s);
    bytes = text.size();
    benchmark::DoNotOptimize(a->load_state(text));
  }
  state.counters["state_bytes"] = static_cast<double>(bytes);
}

}  // namespace

BENCHMARK(BM_ParseTrace);
BENCHMARK(BM_Consume)->DenseRange(0, 4);
BENCHMARK(BM_Finish10k)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SaveLoad10k)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
