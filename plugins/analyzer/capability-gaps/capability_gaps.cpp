#include "capability_gaps.hpp"

#include "capability_gaps_findings.hpp"
#include "capability_gaps_state.hpp"
#include "dashflow_analyzers/packed_state.hpp"

namespace dashflow::analyzers {

CapabilityGapAnalyzer::CapabilityGapAnalyzer(const PluginContext& context)
    : config_(CapabilityGapConfig::from_json(context.config())) {}

std::unique_ptr<AnalyzerState> CapabilityGapAnalyzer::make_state() const {
  return std::make_unique<CapabilityGapState>();
}

void CapabilityGapAnalyzer::consume(AnalyzerState& state, const ExecutionTrace& trace,
                                    const TraceOrigin& origin) const {
  dynamic_cast<CapabilityGapState&>(state).add(trace, origin, config_.threshold_ms);
}

void CapabilityGapAnalyzer::merge(AnalyzerState& into, AnalyzerState& from) const {
  dynamic_cast<CapabilityGapState&>(into).merge(dynamic_cast<const CapabilityGapState&>(from));
}

AnalysisOutput CapabilityGapAnalyzer::finish(const AnalyzerState& state, const AnalysisContext&) const {
  const auto& s = dynamic_cast<const CapabilityGapState&>(state);
  std::vector<CapabilityGap> gaps;
  for (auto* part : {&error_pattern_gaps, &retry_gaps, &slow_node_gaps, &missing_tool_gaps}) {
    auto found = part(s, config_);
    gaps.insert(gaps.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
  }
  AnalysisOutput out;
  out.capability_gaps = select_gaps(std::move(gaps), config_.min_confidence);
  return out;
}

// Version 2: a JSON head, then the durations packed (version 1 was all JSON).
constexpr int kStateVersion = 2;

std::string CapabilityGapAnalyzer::save_state(const AnalyzerState& state) const {
  const auto& s = dynamic_cast<const CapabilityGapState&>(state);
  std::string text = packed_state_head(s.head_json(), kCapabilityGapsId, kStateVersion);
  s.append_packed(text);
  return text;
}

std::unique_ptr<AnalyzerState> CapabilityGapAnalyzer::load_state(std::string_view text) const {
  const PackedStateText parts = split_packed_state(text, kCapabilityGapsId, kStateVersion);
  return std::make_unique<CapabilityGapState>(CapabilityGapState::load(parts.head, parts.packed));
}

}  // namespace dashflow::analyzers
