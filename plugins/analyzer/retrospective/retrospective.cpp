#include "retrospective.hpp"

#include <stdexcept>

#include "retrospective_findings.hpp"
#include "retrospective_state.hpp"

namespace dashflow::analyzers {

RetrospectiveAnalyzer::RetrospectiveAnalyzer(const PluginContext& context)
    : config_(RetrospectiveConfig::from_json(context.config())) {}

std::unique_ptr<AnalyzerState> RetrospectiveAnalyzer::make_state() const {
  return std::make_unique<RetrospectiveState>();
}

void RetrospectiveAnalyzer::consume(AnalyzerState& state, const ExecutionTrace& trace, const TraceOrigin&) const {
  dynamic_cast<RetrospectiveState&>(state).add(trace, config_.slow_trace_ms);
}

void RetrospectiveAnalyzer::merge(AnalyzerState& into, AnalyzerState& from) const {
  dynamic_cast<RetrospectiveState&>(into).merge(dynamic_cast<const RetrospectiveState&>(from));
}

AnalysisOutput RetrospectiveAnalyzer::finish(const AnalyzerState& state, const AnalysisContext&) const {
  AnalysisOutput out;
  out.retrospective = build_retrospective(dynamic_cast<const RetrospectiveState&>(state), config_);
  return out;
}

std::string RetrospectiveAnalyzer::save_state(const AnalyzerState& state) const {
  json j = dynamic_cast<const RetrospectiveState&>(state).to_json();
  j["analyzer"] = kRetrospectiveId;
  j["state_version"] = 1;
  return j.dump();
}

std::unique_ptr<AnalyzerState> RetrospectiveAnalyzer::load_state(std::string_view text) const {
  const json j = json::parse(text.begin(), text.end());
  if (j.value("analyzer", "") != kRetrospectiveId || j.value("state_version", 0) != 1)
    throw std::runtime_error("not a retrospective state (version 1)");
  return std::make_unique<RetrospectiveState>(RetrospectiveState::from_json(j));
}

}  // namespace dashflow::analyzers
