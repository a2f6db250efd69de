// Analyzer "capability-gaps" (dashflow-core.md §3.1, with the fixes of
// SPEC.md: all traces, nearest-rank p95, signed latency delta, dedup by key,
// deterministic order, real trace citations).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "capability_gaps_config.hpp"
#include "dashflow/plugin.hpp"

namespace dashflow::analyzers {

class CapabilityGapAnalyzer final : public Analyzer {
 public:
  explicit CapabilityGapAnalyzer(const PluginContext& context);
  explicit CapabilityGapAnalyzer(CapabilityGapConfig config) : config_(config) {}

  std::unique_ptr<AnalyzerState> make_state() const override;
  void consume(AnalyzerState& state, const ExecutionTrace& trace, const TraceOrigin& origin) const override;
  void merge(AnalyzerState& into, AnalyzerState& from) const override;
  AnalysisOutput finish(const AnalyzerState& state, const AnalysisContext& context) const override;
  std::string save_state(const AnalyzerState& state) const override;
  std::unique_ptr<AnalyzerState> load_state(std::string_view text) const override;

  const CapabilityGapConfig& config() const { return config_; }

 private:
  CapabilityGapConfig config_;
};

}  // namespace dashflow::analyzers
