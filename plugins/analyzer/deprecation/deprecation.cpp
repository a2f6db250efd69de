#include "deprecation.hpp"

#include <stdexcept>

#include "deprecation_findings.hpp"
#include "deprecation_state.hpp"

namespace dashflow::analyzers {

DeprecationAnalyzer::DeprecationAnalyzer(const PluginContext& context)
    : config_(DeprecationConfig::from_json(context.config())) {}

std::unique_ptr<AnalyzerState> DeprecationAnalyzer::make_state() const { return std::make_unique<DeprecationState>(); }

void DeprecationAnalyzer::consume(AnalyzerState& state, const ExecutionTrace& trace, const TraceOrigin& origin) const {
  dynamic_cast<DeprecationState&>(state).add(trace, origin);
}

void DeprecationAnalyzer::merge(AnalyzerState& into, AnalyzerState& from) const {
  dynamic_cast<DeprecationState&>(into).merge(dynamic_cast<const DeprecationState&>(from));
}

AnalysisOutput DeprecationAnalyzer::finish(const AnalyzerState& state, const AnalysisContext& context) const {
  const auto& s = dynamic_cast<const DeprecationState&>(state);
  AnalysisOutput out;
  const auto known_nodes = merge_known(config_.known_nodes, context.known_nodes);
  const auto known_tools = merge_known(config_.known_tools, context.known_tools);
  if (known_nodes.empty() && known_tools.empty())
    out.warnings.push_back(
        "deprecation: no known_nodes or known_tools (config or graph manifest); unused nodes and tools cannot be found");
  if (s.traces < config_.min_total_executions) return out;
  auto recs = node_recommendations(s, config_, known_nodes);
  auto tools = tool_recommendations(s, config_, known_tools);
  recs.insert(recs.end(), std::make_move_iterator(tools.begin()), std::make_move_iterator(tools.end()));
  out.deprecations = select_recommendations(std::move(recs), config_.min_confidence);
  return out;
}

std::string DeprecationAnalyzer::save_state(const AnalyzerState& state) const {
  json j = dynamic_cast<const DeprecationState&>(state).to_json();
  j["analyzer"] = kDeprecationId;
  j["state_version"] = 1;
  return j.dump();
}

std::unique_ptr<AnalyzerState> DeprecationAnalyzer::load_state(std::string_view text) const {
  const json j = json::parse(text.begin(), text.end());
  if (j.value("analyzer", "") != kDeprecationId || j.value("state_version", 0) != 1)
    throw std::runtime_error("not a deprecation state (version 1)");
  return std::make_unique<DeprecationState>(DeprecationState::from_json(j));
}

}  // namespace dashflow::analyzers
