// "expensive-nodes": flags nodes whose average token use per execution is
// above a budget. A complete example of a team's own analyzer plugin.
#pragma once

#include <dashflow/sdk.hpp>

#include <map>
#include <string>

namespace sample {

class ExpensiveNodes final : public dashflow::Analyzer {
 public:
  explicit ExpensiveNodes(const dashflow::PluginContext& ctx);

  std::unique_ptr<dashflow::AnalyzerState> make_state() const override;
  void consume(dashflow::AnalyzerState& state, const dashflow::ExecutionTrace& trace,
               const dashflow::TraceOrigin& origin) const override;
  void merge(dashflow::AnalyzerState& into, dashflow::AnalyzerState& from) const override;
  dashflow::AnalysisOutput finish(const dashflow::AnalyzerState& state,
                                  const dashflow::AnalysisContext& context) const override;
  std::string save_state(const dashflow::AnalyzerState& state) const override;
  std::unique_ptr<dashflow::AnalyzerState> load_state(std::string_view text) const override;

 private:
  uint64_t max_avg_tokens_;
  uint64_t min_executions_;
  dashflow::HostServices host_;
};

}  // namespace sample
