// Analyzer "deprecation" (dashflow-core.md §3.2, with the fixes of SPEC.md:
// known nodes and tools from config and the host's AnalysisContext,
// never-used tools reported, tool recommendations reachable).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "dashflow/plugin.hpp"
#include "deprecation_config.hpp"

namespace dashflow::analyzers {

class DeprecationAnalyzer final : public Analyzer {
 public:
  explicit DeprecationAnalyzer(const PluginContext& context);
  explicit DeprecationAnalyzer(DeprecationConfig config) : config_(std::move(config)) {}

  std::unique_ptr<AnalyzerState> make_state() const override;
  void consume(AnalyzerState& state, const ExecutionTrace& trace, const TraceOrigin& origin) const override;
  void merge(AnalyzerState& into, AnalyzerState& from) const override;
  AnalysisOutput finish(const AnalyzerState& state, const AnalysisContext& context) const override;
  std::string save_state(const AnalyzerState& state) const override;
  std::unique_ptr<AnalyzerState> load_state(std::string_view text) const override;

  const DeprecationConfig& config() const { return config_; }

 private:
  DeprecationConfig config_;
};

}  // namespace dashflow::analyzers
