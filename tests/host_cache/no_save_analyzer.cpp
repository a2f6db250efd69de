// Test plugin: a working analyzer that does not implement save_state /
// load_state, so the analysis cache must stay off for a pipeline using it.
#include "dashflow/sdk.hpp"

namespace {

struct Count : dashflow::AnalyzerState {
  uint64_t traces = 0;
};

class NoSaveAnalyzer final : public dashflow::Analyzer {
 public:
  explicit NoSaveAnalyzer(const dashflow::PluginContext&) {}
  std::unique_ptr<dashflow::AnalyzerState> make_state() const override { return std::make_unique<Count>(); }
  void consume(dashflow::AnalyzerState& s, const dashflow::ExecutionTrace&, const dashflow::TraceOrigin&) const override {
    ++static_cast<Count&>(s).traces;
  }
  void merge(dashflow::AnalyzerState& into, dashflow::AnalyzerState& from) const override {
    static_cast<Count&>(into).traces += static_cast<Count&>(from).traces;
  }
  dashflow::AnalysisOutput finish(const dashflow::AnalyzerState& s, const dashflow::AnalysisContext&) const override {
    dashflow::AnalysisOutput out;
    out.warnings.push_back("counted " + std::to_string(static_cast<const Count&>(s).traces) + " traces");
    return out;
  }
};

}  // namespace

DASHFLOW_PLUGIN(NoSaveAnalyzer, R"json({
  "id": "no-save-counter",
  "kind": "analyzer",
  "version": "1.0.0",
  "description": "Test analyzer without state persistence",
  "config_schema": {"type": "object", "additionalProperties": false}
})json")
