#include "patterns_state.hpp"

#include "dashflow_analyzers/error_text.hpp"

namespace dashflow::analyzers {

namespace {

bool is_timeout(const ErrorTrace& error, const std::string& normalized) {
  return normalized.find("timeout") != std::string::npos || normalized.find("timed out") != std::string::npos ||
         (error.error_type.has_value() && *error.error_type == "Timeout");
}

void merge_group(PatternGroup& into, const PatternGroup& from) {
  into.count += from.count;
  into.nodes.insert(from.nodes.begin(), from.nodes.end());
  into.evidence.merge(from.evidence);
}

json group_to_json(const PatternGroup& g) {
  return {{"count", g.count},
          {"nodes", std::vector<std::string>(g.nodes.begin(), g.nodes.end())},
          {"evidence", g.evidence.to_json()}};
}

PatternGroup group_from_json(const json& j) {
  PatternGroup g;
  g.count = j.at("count").get<uint64_t>();
  for (const auto& n : j.at("nodes")) g.nodes.insert(n.get<std::string>());
  g.evidence = EvidenceSet::from_json(j.at("evidence"));
  return g;
}

}  // namespace

std::string flow_signature(const ExecutionTrace& trace) {
  std::string sig;
  for (size_t i = 0; i < trace.nodes_executed.size(); ++i) {
    if (i > 0) sig += " -> ";
    sig += trace.nodes_executed[i].node;
  }
  return sig;
}

void PatternsState::add(const ExecutionTrace& trace, const TraceOrigin& origin) {
  ++traces;
  samples.add(origin.started_at_ms, origin.source, origin.line, trace.total_duration_ms, trace.total_tokens);

  const std::string sig = flow_signature(trace);
  auto flow = flows.find(sig);
  if (flow == flows.end()) {
    flow = flows.emplace(sig, FlowStats{}).first;
    for (const auto& exec : trace.nodes_executed) flow->second.nodes.insert(exec.node);
  }
  ++flow->second.count;
  flow->second.evidence.offer(trace, origin);

  for (const auto& error : trace.errors) {
    const std::string pattern = normalize_error_message(error.message, false);
    PatternGroup& group = errors[pattern];
    ++group.count;
    group.nodes.insert(error.node);
    group.evidence.offer(trace, origin);
    if (is_timeout(error, pattern)) {
      ++timeouts.count;
      timeouts.nodes.insert(error.node);
      timeouts.evidence.offer(trace, origin);
    }
  }
}

void PatternsState::merge(const PatternsState& other) {
  traces += other.traces;
  samples.merge(other.samples);
  for (const auto& [pattern, g] : other.errors) merge_group(errors[pattern], g);
  for (const auto& [sig, f] : other.flows) {
    FlowStats& mine = flows[sig];
    mine.count += f.count;
    mine.nodes.insert(f.nodes.begin(), f.nodes.end());
    mine.evidence.merge(f.evidence);
  }
  merge_group(timeouts, other.timeouts);
}

json PatternsState::to_json() const {
  json e = json::object();
  for (const auto& [pattern, g] : errors) e[pattern] = group_to_json(g);
  json f = json::object();
  for (const auto& [sig, s] : flows)
    f[sig] = {{"count", s.count},
              {"nodes", std::vector<std::string>(s.nodes.begin(), s.nodes.end())},
              {"evidence", s.evidence.to_json()}};
  return {{"traces", traces},
          {"errors", e},
          {"flows", f},
          {"timeouts", group_to_json(timeouts)}};
}

void PatternsState::load_json(const json& j) {
  traces = j.at("traces").get<uint64_t>();
  errors.clear();
  flows.clear();
  for (const auto& [pattern, g] : j.at("errors").items()) errors[pattern] = group_from_json(g);
  for (const auto& [sig, s] : j.at("flows").items()) {
    FlowStats& f = flows[sig];
    f.count = s.at("count").get<uint64_t>();
    for (const auto& n : s.at("nodes")) f.nodes.insert(n.get<std::string>());
    f.evidence = EvidenceSet::from_json(s.at("evidence"));
  }
  timeouts = group_from_json(j.at("timeouts"));
}

}  // namespace dashflow::analyzers
