// Cost of calling analysis code through a loaded plugin, against the same
// code linked in directly, in the same run (SPEC: "Plugin call overhead:
// negligible next to analysis").
//
//   BM_Consume_Direct         CapabilityGapAnalyzer::consume, class linked statically (baseline)
//   BM_Consume_Plugin         the same consume() on the instance created by the host's
//                             PluginRegistry from dashflow-analyzer-capability-gaps.so
//                             (virtual call into the dlopen'ed library: what ingest does)
//   BM_Consume_PluginGuarded  the same through PluginInstance::call (exception guard and
//                             per-plugin call metrics), used for the non-hot plugin calls
//   BM_Trivial_Direct         a trivial lambda called directly (baseline)
//   BM_Trivial_Guarded        the same lambda through PluginInstance::call: the fixed cost
//                             of the guard + metrics alone
//
// The plugin directory defaults to the build's plugin output dir; override
// with DASHFLOW_BENCH_PLUGIN_DIR in the environment.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "capability_gaps.hpp"
#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "plugin/discovery.hpp"
#include "plugin/registry.hpp"

namespace {

using dashflow::Analyzer;
using dashflow::AnalyzerState;
using dashflow::ExecutionTrace;
using dashflow::TraceOrigin;

const char* const kTrace = R"json({
  "thread_id": "session-42", "execution_id": "7f3c2a9e-5b1d-4c8e-9a0f-2d6b8e1c4a57", "depth": 0,
  "nodes_executed": [
    {"node": "planner", "duration_ms": 412, "tokens_used": 1250, "state_before": null, "state_after": null,
     "tools_called": [], "success": true, "error_message": null, "index": 0,
     "started_at": "2025-12-15T10:30:00.100+00:00", "metadata": {}},
    {"node": "retriever", "duration_ms": 1240, "tokens_used": 0, "state_before": null, "state_after": null,
     "tools_called": ["vector_search"], "success": true, "error_message": null, "index": 1,
     "started_at": "2025-12-15T10:30:00.520+00:00", "metadata": {}},
    {"node": "tool_executor", "duration_ms": 183, "tokens_used": 0, "state_before": null, "state_after": null,
     "tools_called": ["search"], "success": false, "error_message": "tool 'geocode' not found", "index": 2,
     "started_at": "2025-12-15T10:30:01.770+00:00", "metadata": {}}
  ],
  "total_duration_ms": 1850, "total_tokens": 1250,
  "errors": [
    {"node": "tool_executor", "message": "tool 'geocode' not found", "error_type": "ToolError",
     "state_at_error": null, "timestamp": "2025-12-15T10:30:01.960+00:00", "execution_index": 2,
     "recoverable": false, "retry_attempted": false, "context": null, "metadata": {}}
  ],
  "completed": false, "started_at": "2025-12-15T10:30:00.100+00:00", "ended_at": "2025-12-15T10:30:01.990+00:00",
  "final_state": null, "metadata": {"graph_name": "weather_bot"}
})json";

const ExecutionTrace& trace() {
  static const ExecutionTrace t = dashflow::from_json_text<ExecutionTrace>(kTrace);
  return t;
}

TraceOrigin origin() {
  TraceOrigin o;
  o.source = "bench/trace.json";
  o.started_at_ms = 1765794600100;
  return o;
}

// The host-side registry and the plugin instance, created once.
struct LoadedPlugin {
  std::unique_ptr<dashflow::host::PluginRegistry> registry;
  dashflow::host::PluginInstance<Analyzer> instance;
  std::string error;
};

LoadedPlugin& loaded() {
  static LoadedPlugin p = [] {
    LoadedPlugin out;
    const char* env = std::getenv("DASHFLOW_BENCH_PLUGIN_DIR");
    const std::string dir = env && *env ? env : DASHFLOW_BENCH_PLUGIN_DIR;
    try {
      out.registry = std::make_unique<dashflow::host::PluginRegistry>(dashflow::host::discover_plugins({dir}));
      out.instance = out.registry->create_as<Analyzer>("capability-gaps", nlohmann::json::object());
    } catch (const std::exception& e) {
      out.error = "cannot load capability-gaps from " + dir + ": " + e.what();
    }
    return out;
  }();
  return p;
}

// consume() keeps per-node duration arrays: start a fresh state now and then
// so memory stays flat, outside the timed region.
constexpr int64_t kResetEvery = 1 << 16;

template <class Call>
void run_consume(benchmark::State& state, const Analyzer& analyzer, Call&& call) {
  const ExecutionTrace& t = trace();
  const TraceOrigin o = origin();
  std::unique_ptr<AnalyzerState> s = analyzer.make_state();
  int64_t n = 0;
  for (auto _ : state) {
    if (++n % kResetEvery == 0) {
      state.PauseTiming();
      s = analyzer.make_state();
      state.ResumeTiming();
    }
    call(*s, t, o);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Consume_Direct(benchmark::State& state) {
  const dashflow::analyzers::CapabilityGapAnalyzer analyzer{dashflow::analyzers::CapabilityGapConfig{}};
  run_consume(state, analyzer, [&](AnalyzerState& s, const ExecutionTrace& t, const TraceOrigin& o) {
    analyzer.consume(s, t, o);
  });
}

void BM_Consume_Plugin(benchmark::State& state) {
  LoadedPlugin& p = loaded();
  if (!p.instance) {
    state.SkipWithError(p.error.c_str());
    return;
  }
  const Analyzer& analyzer = p.instance.get();
  run_consume(state, analyzer, [&](AnalyzerState& s, const ExecutionTrace& t, const TraceOrigin& o) {
    analyzer.consume(s, t, o);
  });
}

void BM_Consume_PluginGuarded(benchmark::State& state) {
  LoadedPlugin& p = loaded();
  if (!p.instance) {
    state.SkipWithError(p.error.c_str());
    return;
  }
  const Analyzer& analyzer = p.instance.get();
  run_consume(state, analyzer, [&](AnalyzerState& s, const ExecutionTrace& t, const TraceOrigin& o) {
    p.instance.call("consume", [&](Analyzer& a) { a.consume(s, t, o); });
  });
}

int trivial_work(int x) { return x * 3 + 1; }

void BM_Trivial_Direct(benchmark::State& state) {
  int x = 1;
  auto fn = [&](int v) { return trivial_work(v); };
  for (auto _ : state) {
    benchmark::DoNotOptimize(x = fn(x));
  }
}

void BM_Trivial_Guarded(benchmark::State& state) {
  LoadedPlugin& p = loaded();
  if (!p.instance) {
    state.SkipWithError(p.error.c_str());
    return;
  }
  int x = 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(x = p.instance.call("bench", [&](Analyzer&) { return trivial_work(x); }));
  }
}

BENCHMARK(BM_Consume_Direct);
BENCHMARK(BM_Consume_Plugin);
BENCHMARK(BM_Consume_PluginGuarded);
BENCHMARK(BM_Trivial_Direct);
BENCHMARK(BM_Trivial_Guarded);

}  // namespace

BENCHMARK_MAIN();
