#include "triggers_state.hpp"

#include "dashflow_analyzers/packed_state.hpp"

#include <algorithm>
#include <limits>

namespace dashflow::analyzers {
namespace {

std::string trace_name(const ExecutionTrace& trace, const TraceOrigin& origin) {
  if (trace.execution_id && !trace.execution_id->empty()) return *trace.execution_id;
  if (trace.thread_id && !trace.thread_id->empty()) return *trace.thread_id;
  return origin.line ? origin.source + ":" + std::to_string(origin.line) : origin.source;
}

}  // namespace

void Examples::add(const std::string& trace) {
  if (std::find(traces.begin(), traces.end(), trace) != traces.end()) return;
  traces.insert(std::upper_bound(traces.begin(), traces.end(), trace), trace);
  if (traces.size() > kMax) traces.pop_back();  // keep the smallest: independent of arrival order
}

void Examples::merge(const Examples& other) {
  for (const auto& t : other.traces) add(t);
}

void TriggersState::add(const ExecutionTrace& trace, const TraceOrigin& origin, uint64_t slow_threshold_ms) {
  ++traces;
  const std::string name = trace_name(trace, origin);
  if (!trace.is_successful()) {
    ++failed;
    failed_examples.add(name);
  }
  for (const auto& node : trace.nodes_executed) {
    NodeTriggerStats& s = nodes[node.node];
    const uint64_t d = node.duration_ms;
    s.durations_ms.push_back(static_cast<uint32_t>(std::min<uint64_t>(d, std::numeric_limits<uint32_t>::max())));
    s.max_ms = std::max(s.max_ms, d);
    if (d > slow_threshold_ms) {
      ++s.slow;
      s.slow_examples.add(name);
    }
    for (const auto& tool : node.tools_called) tools_called.insert(tool);
  }
  for (const auto& error : trace.errors) {
    if (!error.retry_attempted) continue;
    NodeTriggerStats& s = nodes[error.node];
    ++s.retries;
    s.retry_examples.add(name);
  }
}

void TriggersState::merge(const TriggersState& other) {
  traces += other.traces;
  failed += other.failed;
  failed_examples.merge(other.failed_examples);
  for (const auto& [name, o] : other.nodes) {
    NodeTriggerStats& s = nodes[name];
    s.durations_ms.insert(s.durations_ms.end(), o.durations_ms.begin(), o.durations_ms.end());
    s.slow += o.slow;
    s.max_ms = std::max(s.max_ms, o.max_ms);
    s.retries += o.retries;
    s.slow_examples.merge(o.slow_examples);
    s.retry_examples.merge(o.retry_examples);
  }
  tools_called.insert(other.tools_called.begin(), other.tools_called.end());
}

}  // namespace dashflow::analyzers

// ---------------------------------------------------------------- persistence

namespace dashflow::analyzers {
namespace {

const json& field(const json& j, const std::string& path, const char* key) {
  if (!j.is_object()) throw JsonError(path, "expected an object");
  auto it = j.find(key);
  if (it == j.end()) throw JsonError(path.empty() ? key : path + "." + key, "missing");
  return *it;
}

uint64_t to_uint(const json& j, const std::string& path, uint64_t max = std::numeric_limits<uint64_t>::max()) {
  if (!j.is_number_unsigned()) throw JsonError(path, "expected an unsigned integer, got " + std::string(j.type_name()));
  const auto v = j.get<uint64_t>();
  if (v > max) throw JsonError(path, "value " + std::to_string(v) + " is larger than " + std::to_string(max));
  return v;
}

std::vector<std::string> to_strings(const json& j, const std::string& path) {
  if (!j.is_array()) throw JsonError(path, "expected an array, got " + std::string(j.type_name()));
  std::vector<std::string> out;
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string()) throw JsonError(path + "[" + std::to_string(i) + "]", "expected a string");
    out.push_back(j[i].get<std::string>());
  }
  return out;
}

Examples to_examples(const json& j, const std::string& path) {
  Examples e;
  for (const auto& t : to_strings(j, path)) e.add(t);  // re-sorts and caps: a hand-edited list cannot break the invariant
  return e;
}

}  // namespace

json TriggersState::head_json() const {
  json n = json::object();
  for (const auto& [name, s] : nodes)
    n[name] = {{"durations", s.durations_ms.size()}, {"slow", s.slow},
               {"max_ms", s.max_ms},               {"retries", s.retries},
               {"slow_examples", s.slow_examples.traces}, {"retry_examples", s.retry_examples.traces}};
  return {{"traces", traces},
          {"failed", failed},
          {"failed_examples", failed_examples.traces},
          {"nodes", n},
          {"tools_called", std::vector<std::string>(tools_called.begin(), tools_called.end())}};
}

void TriggersState::append_packed(std::string& out) const {
  for (const auto& [name, s] : nodes) append_u32s(out, s.durations_ms);
}

void TriggersState::load(const json& j, std::string_view packed) {
  PackedReader reader(packed, "triggers state");
  TriggersState s;
  s.traces = to_uint(field(j, "", "traces"), "traces");
  s.failed = to_uint(field(j, "", "failed"), "failed");
  if (s.failed > s.traces) throw JsonError("failed", "more failed runs than runs");
  s.failed_examples = to_examples(field(j, "", "failed_examples"), "failed_examples");
  const json& n = field(j, "", "nodes");
  if (!n.is_object()) throw JsonError("nodes", "expected an object");
  for (const auto& [name, item] : n.items()) {
    const std::string path = "nodes." + name;
    NodeTriggerStats& stats = s.nodes[name];
    // Object members iterate in name order, the order append_packed wrote them.
    stats.durations_ms = reader.u32s(to_uint(field(item, path, "durations"), path + ".durations"), path + ".durations");
    stats.slow = to_uint(field(item, path, "slow"), path + ".slow", stats.durations_ms.size());
    stats.max_ms = to_uint(field(item, path, "max_ms"), path + ".max_ms");
    stats.retries = to_uint(field(item, path, "retries"), path + ".retries");
    stats.slow_examples = to_examples(field(item, path, "slow_examples"), path + ".slow_examples");
    stats.retry_examples = to_examples(field(item, path, "retry_examples"), path + ".retry_examples");
  }
  for (auto& t : to_strings(field(j, "", "tools_called"), "tools_called")) s.tools_called.insert(std::move(t));
  reader.expect_end();
  *this = std::move(s);
}

}  // namespace dashflow::analyzers
