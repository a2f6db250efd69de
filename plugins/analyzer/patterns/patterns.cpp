#include "patterns.hpp"

#include <stdexcept>

#include "patterns_findings.hpp"
#include "patterns_state.hpp"

namespace dashflow::analyzers {

PatternsAnalyzer::PatternsAnalyzer(const PluginContext& context)
    : config_(PatternsConfig::from_json(context.config())) {}

std::unique_ptr<AnalyzerState> PatternsAnalyzer::make_state() const { return std::make_unique<PatternsState>(); }

void PatternsAnalyzer::consume(AnalyzerState& state, const ExecutionTrace& trace, const TraceOrigin& origin) const {
  dynamic_cast<PatternsState&>(state).add(trace, origin);
}

void PatternsAnalyzer::merge(AnalyzerState& into, AnalyzerState& from) const {
  dynamic_cast<PatternsState&>(into).merge(dynamic_cast<const PatternsState&>(from));
}

AnalysisOutput PatternsAnalyzer::finish(const AnalyzerState& state, const AnalysisContext&) const {
  const auto& s = dynamic_cast<const PatternsState&>(state);
  std::vector<DetectedPattern> found;
  for (auto* part : {&recurring_error_patterns, &degradation_patterns, &flow_patterns, &token_outlier_patterns,
                     &timeout_patterns}) {
    auto more = part(s, config_);
    found.insert(found.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  AnalysisOutput out;
  out.patterns = select_patterns(std::move(found), config_.min_confidence);
  return out;
}

std::string PatternsAnalyzer::save_state(const AnalyzerState& state) const {
  json j = dynamic_cast<const PatternsState&>(state).to_json();
  j["analyzer"] = kPatternsId;
  j["state_version"] = 1;
  return j.dump();
}

std::unique_ptr<AnalyzerState> PatternsAnalyzer::load_state(std::string_view text) const {
  const json j = json::parse(text.begin(), text.end());
  if (j.value("analyzer", "") != kPatternsId || j.value("state_version", 0) != 1)
    throw std::runtime_error("not a patterns state (version 1)");
  auto state = std::make_unique<PatternsState>();
  state->load_json(j);
  return state;
}

}  // namespace dashflow::analyzers
