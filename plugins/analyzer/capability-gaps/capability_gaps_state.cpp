#include "capability_gaps_state.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "dashflow_analyzers/error_text.hpp"
#include "dashflow_analyzers/packed_state.hpp"

namespace dashflow::analyzers {

namespace {

uint32_t saturate(uint64_t v) {
  return v > std::numeric_limits<uint32_t>::max() ? std::numeric_limits<uint32_t>::max() : static_cast<uint32_t>(v);
}

// Keep the k smallest distinct samples, ascending.
void keep_sample(std::vector<MessageSample>& samples, MessageSample sample) {
  const auto pos = std::lower_bound(samples.begin(), samples.end(), sample);
  if (pos != samples.end() && *pos == sample) return;
  if (samples.size() >= CapabilityGapState::kMaxSamples && pos == samples.end()) return;
  samples.insert(pos, std::move(sample));
  if (samples.size() > CapabilityGapState::kMaxSamples) samples.pop_back();
}

bool sample_admitted(const std::vector<MessageSample>& samples, const TraceOrigin& origin, uint64_t index) {
  if (samples.size() < CapabilityGapState::kMaxSamples) return true;
  const auto& last = samples.back();
  if (origin.started_at_ms != last.started_at_ms) return origin.started_at_ms < last.started_at_ms;
  const int by_source = origin.source.compare(last.source);
  if (by_source != 0) return by_source < 0;
  if (origin.line != last.line) return origin.line < last.line;
  return index <= last.error_index;
}

}  // namespace

NodeStats& CapabilityGapState::node(const std::string& name) {
  auto it = nodes.find(name);
  if (it == nodes.end()) it = nodes.emplace(name, NodeStats{}).first;
  return it->second;
}

void CapabilityGapState::add(const ExecutionTrace& trace, const TraceOrigin& origin, uint64_t slow_threshold_ms) {
  ++traces;
  for (const auto& exec : trace.nodes_executed) {
    NodeStats& stats = node(exec.node);
    ++stats.executions;
    stats.duration_sum_ms += exec.duration_ms;
    stats.durations_ms.push_back(saturate(exec.duration_ms));
    if (exec.duration_ms > slow_threshold_ms) stats.slow_evidence.offer(trace, origin);
  }
  if (!trace.errors.empty()) add_errors(trace, origin);
}

void CapabilityGapState::add_errors(const ExecutionTrace& trace, const TraceOrigin& origin) {
  for (size_t i = 0; i < trace.errors.size(); ++i) {
    const ErrorTrace& error = trace.errors[i];

    // Error patterns (§3.1.1).
    const std::string pattern = normalize_error_message(error.message, true);
    ErrorGroup& group = errors[pattern];
    ++group.count;
    group.nodes.insert(error.node);
    if (sample_admitted(group.samples, origin, i))
      keep_sample(group.samples, MessageSample{origin.started_at_ms, origin.source, origin.line, i, error.message});
    group.evidence.offer(trace, origin);

    // Retries (§3.1.2).
    if (error.retry_attempted) {
      NodeStats& stats = node(error.node);
      ++stats.retries;
      stats.retry_evidence.offer(trace, origin);
    }

    // Missing tools (§3.1.4); nameless matches are counted under "" and never reported.
    if (mentions_missing_tool(error.message)) {
      const std::string tool = extract_missing_tool_name(error.message);
      if (!tool.empty()) {
        ToolErrorStats& stats = missing_tools[tool];
        ++stats.count;
        stats.evidence.offer(trace, origin);
      }
    }
  }
}

void CapabilityGapState::merge(const CapabilityGapState& other) {
  traces += other.traces;
  for (const auto& [pattern, theirs] : other.errors) {
    ErrorGroup& mine = errors[pattern];
    mine.count += theirs.count;
    mine.nodes.insert(theirs.nodes.begin(), theirs.nodes.end());
    for (const auto& s : theirs.samples) keep_sample(mine.samples, s);
    mine.evidence.merge(theirs.evidence);
  }
  for (const auto& [name, theirs] : other.nodes) {
    NodeStats& mine = node(name);
    mine.executions += theirs.executions;
    mine.retries += theirs.retries;
    mine.duration_sum_ms += theirs.duration_sum_ms;
    mine.durations_ms.insert(mine.durations_ms.end(), theirs.durations_ms.begin(), theirs.durations_ms.end());
    mine.retry_evidence.merge(theirs.retry_evidence);
    mine.slow_evidence.merge(theirs.slow_evidence);
  }
  for (const auto& [tool, theirs] : other.missing_tools) {
    ToolErrorStats& mine = missing_tools[tool];
    mine.count += theirs.count;
    mine.evidence.merge(theirs.evidence);
  }
}

json CapabilityGapState::head_json() const {
  json j = json::object();
  j["traces"] = traces;
  json e = json::object();
  for (const auto& [pattern, g] : errors) {
    json samples = json::array();
    for (const auto& s : g.samples)
      samples.push_back(json::array({s.started_at_ms, s.source, s.line, s.error_index, s.message}));
    e[pattern] = {{"count", g.count},
                  {"nodes", std::vector<std::string>(g.nodes.begin(), g.nodes.end())},
                  {"samples", samples},
                  {"evidence", g.evidence.to_json()}};
  }
  j["errors"] = e;
  json n = json::object();
  for (const auto& [name, s] : nodes) {
    n[name] = {{"executions", s.executions},
               {"retries", s.retries},
               {"duration_sum_ms", s.duration_sum_ms},
               {"durations", s.durations_ms.size()},
               {"retry_evidence", s.retry_evidence.to_json()},
               {"slow_evidence", s.slow_evidence.to_json()}};
  }
  j["nodes"] = n;
  json t = json::object();
  for (const auto& [tool, s] : missing_tools) t[tool] = {{"count", s.count}, {"evidence", s.evidence.to_json()}};
  j["missing_tools"] = t;
  return j;
}

void CapabilityGapState::append_packed(std::string& out) const {
  for (const auto& [name, s] : nodes) append_u32s(out, s.durations_ms);
}

CapabilityGapState CapabilityGapState::load(const json& j, std::string_view packed) {
  PackedReader reader(packed, "capability-gaps state");
  CapabilityGapState state;
  state.traces = j.at("traces").get<uint64_t>();
  for (const auto& [pattern, g] : j.at("errors").items()) {
    ErrorGroup& group = state.errors[pattern];
    group.count = g.at("count").get<uint64_t>();
    for (const auto& node : g.at("nodes")) group.nodes.insert(node.get<std::string>());
    for (const auto& s : g.at("samples"))
      keep_sample(group.samples, MessageSample{s.at(0).get<int64_t>(), s.at(1).get<std::string>(),
                                               s.at(2).get<uint64_t>(), s.at(3).get<uint64_t>(),
                                               s.at(4).get<std::string>()});
    group.evidence = EvidenceSet::from_json(g.at("evidence"));
  }
  for (const auto& [name, s] : j.at("nodes").items()) {
    NodeStats& stats = state.nodes[name];
    stats.executions = s.at("executions").get<uint64_t>();
    stats.retries = s.at("retries").get<uint64_t>();
    stats.duration_sum_ms = s.at("duration_sum_ms").get<uint64_t>();
    // Object members iterate in name order, the order append_packed wrote them.
    stats.durations_ms = reader.u32s(s.at("durations").get<uint64_t>(), "nodes." + name + ".durations");
    if (stats.durations_ms.size() != stats.executions)
      throw std::runtime_error("capability-gaps state: nodes." + name + ": durations do not match executions");
    stats.retry_evidence = EvidenceSet::from_json(s.at("retry_evidence"));
    stats.slow_evidence = EvidenceSet::from_json(s.at("slow_evidence"));
  }
  for (const auto& [tool, s] : j.at("missing_tools").items()) {
    ToolErrorStats& stats = state.missing_tools[tool];
    stats.count = s.at("count").get<uint64_t>();
    stats.evidence = EvidenceSet::from_json(s.at("evidence"));
  }
  reader.expect_end();
  return state;
}

}  // namespace dashflow::analyzers
