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

// Saved state: one line of JSON (the tables, and how many samples follow),
// a newline, then the samples as packed records. The JSON text has no raw
// newline (dump() escapes them), so the first one ends it.
std::string PatternsAnalyzer::save_state(const AnalyzerState& state) const {
  const auto& s = dynamic_cast<const PatternsState&>(state);
  json j = s.to_json();
  j["analyzer"] = kPatternsId;
  j["state_version"] = 2;
  j["samples"] = s.samples.size();
  j["sources"] = s.samples.source_count();
  std::string text = j.dump();
  text += '\n';
  s.samples.append_packed(text);
  return text;
}

std::unique_ptr<AnalyzerState> PatternsAnalyzer::load_state(std::string_view text) const {
  const size_t end = text.find('\n');
  if (end == std::string_view::npos) throw std::runtime_error("not a patterns state (version 2)");
  const json j = json::parse(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end));
  if (j.value("analyzer", "") != kPatternsId || j.value("state_version", 0) != 2)
    throw std::runtime_error("not a patterns state (version 2)");
  auto state = std::make_unique<PatternsState>();
  state->load_json(j);
  const std::string_view packed = text.substr(end + 1);
  const uint64_t samples = j.at("samples").get<uint64_t>(), sources = j.at("sources").get<uint64_t>();
  if (state->samples.load_packed(packed, sources, samples) != packed.size())
    throw std::runtime_error("patterns state: bytes after the last sample");
  return state;
}

}  // namespace dashflow::analyzers
