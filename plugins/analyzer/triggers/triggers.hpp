// Analyzer "triggers": the daemon's alert conditions (dashflow-runtime.md
// §4.1), aggregated per node per run instead of one alert per slow execution,
// with texts that quote the configured thresholds. It finds nothing for the
// report (finish() is empty); its output is alerts().
#pragma once

#include <memory>

#include "dashflow/plugin.hpp"
#include "triggers_config.hpp"

namespace dashflow::analyzers {

inline constexpr const char* kTriggersId = "triggers";

class TriggersAnalyzer final : public Analyzer {
 public:
  explicit TriggersAnalyzer(const PluginContext& context) : config_(TriggersConfig::from_json(context.config())) {}
  explicit TriggersAnalyzer(TriggersConfig config) : config_(std::move(config)) {}

  std::unique_ptr<AnalyzerState> make_state() const override;
  void consume(AnalyzerState& state, const ExecutionTrace& trace, const TraceOrigin& origin) const override;
  void merge(AnalyzerState& into, AnalyzerState& from) const override;
  AnalysisOutput finish(const AnalyzerState& state, const AnalysisContext& context) const override;
  std::vector<Alert> alerts(const AnalyzerState& state, const AnalysisContext& context) const override;
  // The state as JSON tagged {"analyzer": "triggers", "state_version": 1}; the
  // slow-node threshold is applied while consuming, so a saved state is only
  // valid for the same config (the host's cache keys on the config).
  std::string save_state(const AnalyzerState& state) const override;
  std::unique_ptr<AnalyzerState> load_state(std::string_view text) const override;

 private:
  TriggersConfig config_;
};

}  // namespace dashflow::analyzers
