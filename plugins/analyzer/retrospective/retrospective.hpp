// Analyzer "retrospective" (dashflow-core.md §3.3): what happened, what could
// have been done instead, which tools were missing, and insights.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "dashflow/plugin.hpp"
#include "retrospective_config.hpp"

namespace dashflow::analyzers {

inline constexpr const char* kRetrospectiveId = "retrospective";

class RetrospectiveAnalyzer final : public Analyzer {
 public:
  explicit RetrospectiveAnalyzer(const PluginContext& context);
  explicit RetrospectiveAnalyzer(RetrospectiveConfig config) : config_(config) {}

  std::unique_ptr<AnalyzerState> make_state() const override;
  void consume(AnalyzerState& state, const ExecutionTrace& trace, const TraceOrigin& origin) const override;
  void merge(AnalyzerState& into, AnalyzerState& from) const override;
  AnalysisOutput finish(const AnalyzerState& state, const AnalysisContext& context) const override;
  std::string save_state(const AnalyzerState& state) const override;
  std::unique_ptr<AnalyzerState> load_state(std::string_view text) const override;

  const RetrospectiveConfig& config() const { return config_; }

 private:
  RetrospectiveConfig config_;
};

}  // namespace dashflow::analyzers
