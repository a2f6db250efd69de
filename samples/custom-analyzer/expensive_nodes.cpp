#include "expensive_nodes.hpp"

namespace sample {
namespace {

// Per node: executions and tokens. Sums merge in any order, so any split of
// the traces over threads (or daemons) gives the single-pass answer.
struct NodeTokens final : dashflow::AnalyzerState {
  std::map<std::string, std::pair<uint64_t, uint64_t>> nodes;  // node -> (executions, tokens)
};

}  // namespace

ExpensiveNodes::ExpensiveNodes(const dashflow::PluginContext& ctx)
    : max_avg_tokens_(ctx.config().value("max_avg_tokens", 2000)),
      min_executions_(ctx.config().value("min_executions", 3)),
      host_(ctx.host()) {}

std::unique_ptr<dashflow::AnalyzerState> ExpensiveNodes::make_state() const { return std::make_unique<NodeTokens>(); }

void ExpensiveNodes::consume(dashflow::AnalyzerState& state, const dashflow::ExecutionTrace& trace,
                             const dashflow::TraceOrigin&) const {
  auto& s = static_cast<NodeTokens&>(state);
  for (const auto& n : trace.nodes_executed) {
    auto& [count, tokens] = s.nodes[n.node];
    count += 1;
    tokens += n.tokens_used;
  }
}

void ExpensiveNodes::merge(dashflow::AnalyzerState& into, dashflow::AnalyzerState& from) const {
  auto& a = static_cast<NodeTokens&>(into);
  for (const auto& [node, v] : static_cast<NodeTokens&>(from).nodes) {
    a.nodes[node].first += v.first;
    a.nodes[node].second += v.second;
  }
}

dashflow::AnalysisOutput ExpensiveNodes::finish(const dashflow::AnalyzerState& state,
                                                const dashflow::AnalysisContext&) const {
  dashflow::AnalysisOutput out;
  for (const auto& [node, v] : static_cast<const NodeTokens&>(state).nodes) {
    const auto [count, tokens] = v;
    if (count < min_executions_) continue;
    const uint64_t avg = tokens / count;
    if (avg <= max_avg_tokens_) continue;
    dashflow::CapabilityGap gap;
    gap.key = "expensive:" + node;
    gap.description = "Node '" + node + "' uses " + std::to_string(avg) + " tokens per execution (budget " +
                      std::to_string(max_avg_tokens_) + ")";
    gap.category.value = dashflow::GapCategory::PerformanceGap{"token budget exceeded in '" + node + "'"};
    gap.manifestation.value = dashflow::GapManifestation::SuboptimalPaths{
        std::to_string(count) + " executions averaging " + std::to_string(avg) + " tokens"};
    gap.proposed_solution = "Trim the prompt or context of '" + node + "', or cache its results";
    gap.expected_impact = dashflow::impact_medium("Cut token spend of '" + node + "'");
    gap.confidence = count >= 20 ? 0.8 : 0.65;
    out.capability_gaps.push_back(std::move(gap));
  }
  host_.debug("expensive-nodes found " + std::to_string(out.capability_gaps.size()) + " nodes over budget");
  return out;
}

std::string ExpensiveNodes::save_state(const dashflow::AnalyzerState& state) const {
  dashflow::json j = dashflow::json::object();
  for (const auto& [node, v] : static_cast<const NodeTokens&>(state).nodes) j[node] = {v.first, v.second};
  return j.dump();
}

std::unique_ptr<dashflow::AnalyzerState> ExpensiveNodes::load_state(std::string_view text) const {
  auto s = std::make_unique<NodeTokens>();
  const dashflow::json saved = dashflow::json::parse(text);  // must outlive the loop over items()
  for (const auto& [node, v] : saved.items()) s->nodes[node] = {v[0], v[1]};
  return s;
}

}  // namespace sample

#ifndef EXPENSIVE_NODES_NO_EXPORT
DASHFLOW_PLUGIN(sample::ExpensiveNodes, R"json({
  "id": "expensive-nodes",
  "kind": "analyzer",
  "version": "1.0.0",
  "description": "Flags nodes whose average tokens per execution exceed a budget (sample out-of-tree plugin)",
  "config_schema": {
    "type": "object",
    "properties": {
      "max_avg_tokens": {"type": "integer", "minimum": 1, "default": 2000,
                         "description": "Token budget per node execution"},
      "min_executions": {"type": "integer", "minimum": 1, "default": 3,
                         "description": "Ignore nodes seen fewer times than this"}
    },
    "additionalProperties": false
  }
})json")
#endif
