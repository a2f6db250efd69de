#include "patterns.hpp"

#include <stdexcept>

#include "dashflow_analyzers/packed_state.hpp"
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

// Saved state (version 3): a JSON head (the tables, how many source names
// and samples follow), then the front-coded names and the samples as packed
// records (dashflow_analyzers/packed_state.hpp).
constexpr int kStateVersion = 3;

std::string PatternsAnalyzer::save_state(const AnalyzerState& state) const {
  const auto& s = dynamic_cast<const PatternsState&>(state);
  json j = s.to_json();
  j["samples"] = s.samples.size();
  j["sources"] = s.samples.source_count();
  j["source_bytes"] = s.samples.source_name_bytes();
  std::string text = packed_state_head(std::move(j), kPatternsId, kStateVersion);
  s.samples.append_packed(text);
  return text;
}

std::unique_ptr<AnalyzerState> PatternsAnalyzer::load_state(std::string_view text) const {
  const PackedStateText parts = split_packed_state(text, kPatternsId, kStateVersion);
  auto state = std::make_unique<PatternsState>();
  state->load_json(parts.head);
  const uint64_t samples = parts.head.at("samples").get<uint64_t>(), sources = parts.head.at("sources").get<uint64_t>(),
                 source_bytes = parts.head.at("source_bytes").get<uint64_t>();
  if (state->samples.load_packed(parts.packed, sources, source_bytes, samples) != parts.packed.size())
    throw std::runtime_error("patterns state: bytes after the last sample");
  return state;
}

}  // namespace dashflow::analyzers
