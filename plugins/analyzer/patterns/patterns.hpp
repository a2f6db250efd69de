// Analyzer "patterns" (dashflow-core.md §3.4): recurring errors, performance
// degradation over time order, dominant and rare flows, token outliers and
// timeouts, as DetectedPattern entries (DashFlow computed and dropped these).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "dashflow/plugin.hpp"
#include "patterns_config.hpp"

namespace dashflow::analyzers {

class PatternsAnalyzer final : public Analyzer {
 public:
  explicit PatternsAnalyzer(const PluginContext& context);
  explicit PatternsAnalyzer(PatternsConfig config) : config_(config) {}

  std::unique_ptr<AnalyzerState> make_state() const override;
  void consume(AnalyzerState& state, const ExecutionTrace& trace, const TraceOrigin& origin) const override;
  void merge(AnalyzerState& into, AnalyzerState& from) const override;
  AnalysisOutput finish(const AnalyzerState& state, const AnalysisContext& context) const override;
  std::string save_state(const AnalyzerState& state) const override;
  std::unique_ptr<AnalyzerState> load_state(std::string_view text) const override;

  const PatternsConfig& config() const { return config_; }

 private:
  PatternsConfig config_;
};

}  // namespace dashflow::analyzers
