// Runs an analyzer or planner class directly, the way the host does, without
// loading a .so: construct with a config, stream traces into states, merge,
// finish. Plain functions (no test framework needed); failures throw
// std::runtime_error with a readable message.
//
//   auto out = dashflow::testing::run_analyzer<MyAnalyzer>(R"({"threshold_ms": 500})", traces);
//   dashflow::testing::expect_split_invariant<MyAnalyzer>("{}", traces);
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "dashflow/time.hpp"

namespace dashflow::testing {

// Where trace i "came from" in a harness run: trace-<i>.json, its start time.
inline TraceOrigin harness_origin(const ExecutionTrace& trace, size_t i) {
  TraceOrigin origin;
  origin.source = "trace-" + std::to_string(i) + ".json";
  if (trace.started_at) origin.started_at_ms = parse_rfc3339_ms(*trace.started_at).value_or(0);
  return origin;
}

// Everything in an AnalysisOutput as JSON, for comparisons and messages.
inline json output_to_json(const AnalysisOutput& out) {
  json j = json::object();
  j["capability_gaps"] = out.capability_gaps;
  j["deprecations"] = out.deprecations;
  j["retrospective"] = out.retrospective ? json(*out.retrospective) : json(nullptr);
  j["patterns"] = out.patterns;
  j["warnings"] = out.warnings;
  return j;
}

template <class T>
std::unique_ptr<T> make_plugin(std::string_view config_json = "{}") {
  return std::make_unique<T>(PluginContext(nullptr, config_json));
}

// Feeds traces round-robin into `splits` states (trace i -> state i % splits),
// merges them all into the first, and finishes. traces_total in the context
// is filled in when left 0.
template <class T>
AnalysisOutput run_analyzer(std::string_view config_json, const std::vector<ExecutionTrace>& traces,
                            AnalysisContext ctx = {}, int splits = 1) {
  if (splits < 1) throw std::invalid_argument("run_analyzer: splits must be >= 1, got " + std::to_string(splits));
  auto analyzer = make_plugin<T>(config_json);
  analyzer->start();
  std::vector<std::unique_ptr<AnalyzerState>> states;
  for (int i = 0; i < splits; ++i) states.push_back(analyzer->make_state());
  for (size_t i = 0; i < traces.size(); ++i)
    analyzer->consume(*states[i % static_cast<size_t>(splits)], traces[i], harness_origin(traces[i], i));
  for (size_t i = 1; i < states.size(); ++i) analyzer->merge(*states[0], *states[i]);
  if (ctx.traces_total == 0) ctx.traces_total = traces.size();
  AnalysisOutput out = analyzer->finish(*states[0], ctx);
  analyzer->stop();
  return out;
}

// Checks that 1, 2 and 3 splits give byte-identical JSON output, and, when the
// analyzer can save its state, that a saved-and-loaded state gives it too.
template <class T>
void expect_split_invariant(std::string_view config_json, const std::vector<ExecutionTrace>& traces,
                            const AnalysisContext& ctx = {}) {
  const std::string single = output_to_json(run_analyzer<T>(config_json, traces, ctx, 1)).dump(2);
  for (int splits : {2, 3}) {
    const std::string split = output_to_json(run_analyzer<T>(config_json, traces, ctx, splits)).dump(2);
    if (split != single)
      throw std::runtime_error("analyzer output differs between 1 and " + std::to_string(splits) +
                               " splits (merge is not order-independent)\n--- 1 split:\n" + single + "\n--- " +
                               std::to_string(splits) + " splits:\n" + split);
  }

  auto analyzer = make_plugin<T>(config_json);
  auto state = analyzer->make_state();
  for (size_t i = 0; i < traces.size(); ++i) analyzer->consume(*state, traces[i], harness_origin(traces[i], i));
  const std::string saved = analyzer->save_state(*state);
  if (saved.empty()) return;  // persistence not supported: nothing more to check
  auto loaded = analyzer->load_state(saved);
  if (!loaded) throw std::runtime_error("save_state returned data but load_state returned no state");
  AnalysisContext c = ctx;
  if (c.traces_total == 0) c.traces_total = traces.size();
  const std::string reloaded = output_to_json(analyzer->finish(*loaded, c)).dump(2);
  if (reloaded != single)
    throw std::runtime_error("analyzer output differs after save_state/load_state\n--- direct:\n" + single +
                             "\n--- reloaded:\n" + reloaded);
}

// ------------------------------------------------------------ planners

// Chains analyzer output into a planner input, as the host does.
inline PlannerInput planner_input_from(const AnalysisOutput& out, const ReportExecutionSummary& summary = {},
                                       const AnalysisContext& ctx = {},
                                       std::string report_id = "00000000-0000-4000-8000-00000000c001") {
  PlannerInput in;
  in.report_id = std::move(report_id);
  in.gaps = out.capability_gaps;
  in.deprecations = out.deprecations;
  if (out.retrospective) in.retrospective = *out.retrospective;
  in.patterns = out.patterns;
  in.summary = summary;
  in.context = ctx;
  return in;
}

template <class T>
PlannerOutput run_planner(std::string_view config_json, const PlannerInput& input) {
  auto planner = make_plugin<T>(config_json);
  planner->start();
  PlannerOutput out = planner->generate(input);
  planner->stop();
  return out;
}

template <class T>
std::optional<HypothesisOutcome> run_evaluate(std::string_view config_json, const Hypothesis& hypothesis,
                                              const ReportExecutionSummary& since, uint64_t traces_since) {
  auto planner = make_plugin<T>(config_json);
  return planner->evaluate(hypothesis, since, traces_since);
}

template <class T>
std::optional<MetaAnalysisResult> run_meta(std::string_view config_json, const MetaInput& input) {
  auto planner = make_plugin<T>(config_json);
  return planner->meta_analyze(input);
}

}  // namespace dashflow::testing
