#include "deprecation_state.hpp"

#include <algorithm>

namespace dashflow::analyzers {

namespace {

void use(std::map<std::string, UsageStats, std::less<>>& table, const std::string& name, const ExecutionTrace& trace,
         const TraceOrigin& origin) {
  auto it = table.find(name);
  if (it == table.end()) it = table.emplace(name, UsageStats{}).first;
  UsageStats& stats = it->second;
  ++stats.count;
  stats.last_used_ms = std::max(stats.last_used_ms, origin.started_at_ms);
  stats.evidence.offer(trace, origin);
}

void merge_table(std::map<std::string, UsageStats, std::less<>>& into,
                 const std::map<std::string, UsageStats, std::less<>>& from) {
  for (const auto& [name, theirs] : from) {
    UsageStats& mine = into[name];
    mine.count += theirs.count;
    mine.last_used_ms = std::max(mine.last_used_ms, theirs.last_used_ms);
    mine.evidence.merge(theirs.evidence);
  }
}

json table_to_json(const std::map<std::string, UsageStats, std::less<>>& table) {
  json j = json::object();
  for (const auto& [name, s] : table)
    j[name] = {{"count", s.count}, {"last_used_ms", s.last_used_ms}, {"evidence", s.evidence.to_json()}};
  return j;
}

void table_from_json(const json& j, std::map<std::string, UsageStats, std::less<>>& table) {
  for (const auto& [name, s] : j.items()) {
    UsageStats& stats = table[name];
    stats.count = s.at("count").get<uint64_t>();
    stats.last_used_ms = s.at("last_used_ms").get<int64_t>();
    stats.evidence = EvidenceSet::from_json(s.at("evidence"));
  }
}

}  // namespace

void DeprecationState::add(const ExecutionTrace& trace, const TraceOrigin& origin) {
  ++traces;
  for (const auto& exec : trace.nodes_executed) {
    use(nodes, exec.node, trace, origin);
    // tools_called is DashFlow's field; richer sources may only fill tool_calls.
    if (!exec.tools_called.empty()) {
      for (const auto& tool : exec.tools_called) use(tools, tool, trace, origin);
    } else {
      for (const auto& call : exec.tool_calls) use(tools, call.name, trace, origin);
    }
  }
}

void DeprecationState::merge(const DeprecationState& other) {
  traces += other.traces;
  merge_table(nodes, other.nodes);
  merge_table(tools, other.tools);
}

json DeprecationState::to_json() const {
  return {{"traces", traces}, {"nodes", table_to_json(nodes)}, {"tools", table_to_json(tools)}};
}

DeprecationState DeprecationState::from_json(const json& j) {
  DeprecationState state;
  state.traces = j.at("traces").get<uint64_t>();
  table_from_json(j.at("nodes"), state.nodes);
  table_from_json(j.at("tools"), state.tools);
  return state;
}

}  // namespace dashflow::analyzers
