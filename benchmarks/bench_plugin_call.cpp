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



const ExecutionTrace& trace() { return dashflow::bench::sample_trace(); }

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
