#include "retrospective_state.hpp"

#include <algorithm>

#include "dashflow_analyzers/error_text.hpp"

namespace dashflow::analyzers {

namespace {

void bump(RetrospectiveState::Counts& counts, const std::string& key, uint64_t by = 1) {
  auto it = counts.find(key);
  if (it == counts.end()) it = counts.emplace(key, 0).first;
  it->second += by;
}

void merge_counts(RetrospectiveState::Counts& into, const RetrospectiveState::Counts& from) {
  for (const auto& [key, n] : from) bump(into, key, n);
}

// SummaryAccumulator keeps its counters private and has no constructor from
// them, so a loaded state rebuilds it by feeding traces that carry exactly
// the saved totals (time O(traces), memory O(retries per failed trace)).
SummaryAccumulator rebuild_summary(uint64_t traces, uint64_t successful, uint64_t duration_ms, uint64_t tokens,
                                   uint64_t retries) {
  SummaryAccumulator acc;
  if (traces == 0) return acc;
  const uint64_t failed = traces - successful;
  if (retries > 0 && failed == 0) throw std::runtime_error("retrospective state: retries without failed traces");

  ExecutionTrace ok;
  ok.completed = true;
  ExecutionTrace bad;
  bad.completed = false;
  ErrorTrace retried;
  retried.retry_attempted = true;

  const uint64_t per_failed = failed > 0 ? retries / failed : 0;
  const uint64_t extra = failed > 0 ? retries % failed : 0;
  for (uint64_t i = 0; i < traces; ++i) {
    const bool is_failed = i < failed;
    ExecutionTrace& t = is_failed ? bad : ok;
    if (is_failed) t.errors.assign(per_failed + (i < extra ? 1 : 0), retried);
    t.total_duration_ms = i == 0 ? duration_ms : 0;
    t.total_tokens = i == 0 ? tokens : 0;
    acc.add(t);
  }
  return acc;
}

json counts_to_json(const RetrospectiveState::Counts& counts) {
  json j = json::object();
  for (const auto& [key, n] : counts) j[key] = n;
  return j;
}

void counts_from_json(const json& j, RetrospectiveState::Counts& counts) {
  for (const auto& [key, n] : j.items()) counts[key] = n.get<uint64_t>();
}

}  // namespace

void RetrospectiveState::add(const ExecutionTrace& trace, uint64_t slow_trace_ms) {
  summary.add(trace);
  ++traces;
  const bool ok = trace.is_successful();
  if (ok) ++successful;
  if (!trace.has_errors()) ++without_errors;
  duration_sum_ms += trace.total_duration_ms;
  duration_min_ms = std::min(duration_min_ms, trace.total_duration_ms);
  duration_max_ms = std::max(duration_max_ms, trace.total_duration_ms);
  tokens_sum += trace.total_tokens;
  if (trace.total_duration_ms > slow_trace_ms) {
    ++slow_traces;
    slow_duration_sum_ms += trace.total_duration_ms;
  }
  for (const auto& exec : trace.nodes_executed) bump(node_executions, exec.node);
  for (const auto& error : trace.errors) {
    if (error.retry_attempted) ++retries;
    if (is_timeout_error(error)) ++timeouts;
    if (!ok) bump(failed_node_errors, error.node);
    if (mentions_unavailable(error.message)) bump(unavailable_messages, error.message);
  }
}

void RetrospectiveState::merge(const RetrospectiveState& o) {
  summary.merge(o.summary);
  traces += o.traces;
  successful += o.successful;
  without_errors += o.without_errors;
  duration_sum_ms += o.duration_sum_ms;
  duration_min_ms = std::min(duration_min_ms, o.duration_min_ms);
  duration_max_ms = std::max(duration_max_ms, o.duration_max_ms);
  tokens_sum += o.tokens_sum;
  retries += o.retries;
  timeouts += o.timeouts;
  slow_traces += o.slow_traces;
  slow_duration_sum_ms += o.slow_duration_sum_ms;
  merge_counts(failed_node_errors, o.failed_node_errors);
  merge_counts(unavailable_messages, o.unavailable_messages);
  merge_counts(node_executions, o.node_executions);
}

json RetrospectiveState::to_json() const {
  return {{"traces", traces},
          {"successful", successful},
          {"without_errors", without_errors},
          {"duration_sum_ms", duration_sum_ms},
          {"duration_min_ms", duration_min_ms},
          {"duration_max_ms", duration_max_ms},
          {"tokens_sum", tokens_sum},
          {"retries", retries},
          {"timeouts", timeouts},
          {"slow_traces", slow_traces},
          {"slow_duration_sum_ms", slow_duration_sum_ms},
          {"failed_node_errors", counts_to_json(failed_node_errors)},
          {"unavailable_messages", counts_to_json(unavailable_messages)},
          {"node_executions", counts_to_json(node_executions)}};
}

RetrospectiveState RetrospectiveState::from_json(const json& j) {
  RetrospectiveState s;
  s.traces = j.at("traces").get<uint64_t>();
  s.successful = j.at("successful").get<uint64_t>();
  s.without_errors = j.at("without_errors").get<uint64_t>();
  s.duration_sum_ms = j.at("duration_sum_ms").get<uint64_t>();
  s.duration_min_ms = j.at("duration_min_ms").get<uint64_t>();
  s.duration_max_ms = j.at("duration_max_ms").get<uint64_t>();
  s.tokens_sum = j.at("tokens_sum").get<uint64_t>();
  s.retries = j.at("retries").get<uint64_t>();
  s.timeouts = j.at("timeouts").get<uint64_t>();
  s.slow_traces = j.at("slow_traces").get<uint64_t>();
  s.slow_duration_sum_ms = j.at("slow_duration_sum_ms").get<uint64_t>();
  if (s.successful > s.traces) throw std::runtime_error("retrospective state: more successful than total traces");
  counts_from_json(j.at("failed_node_errors"), s.failed_node_errors);
  counts_from_json(j.at("unavailable_messages"), s.unavailable_messages);
  counts_from_json(j.at("node_executions"), s.node_executions);
  s.summary = rebuild_summary(s.traces, s.successful, s.duration_sum_ms, s.tokens_sum, s.retries);
  return s;
}

}  // namespace dashflow::analyzers
