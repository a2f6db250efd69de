#include "dashflow/summary.hpp"

namespace dashflow {

void SummaryAccumulator::add(const ExecutionTrace& trace) {
  ++traces_;
  if (trace.is_successful()) ++successful_;
  duration_ms_ += trace.total_duration_ms;
  tokens_ += trace.total_tokens;
  for (const auto& e : trace.errors)
    if (e.retry_attempted) ++retries_;
}

void SummaryAccumulator::merge(const SummaryAccumulator& o) {
  traces_ += o.traces_;
  successful_ += o.successful_;
  duration_ms_ += o.duration_ms_;
  tokens_ += o.tokens_;
  retries_ += o.retries_;
}

ReportExecutionSummary SummaryAccumulator::summary() const {
  ReportExecutionSummary s;
  s.total_executions = traces_;
  s.successful_executions = successful_;
  s.failed_executions = traces_ - successful_;
  s.total_tokens = tokens_;
  if (traces_ > 0) {
    const double n = static_cast<double>(traces_);
    s.success_rate = static_cast<double>(successful_) / n;
    s.avg_duration_ms = static_cast<double>(duration_ms_) / n;
    s.avg_tokens = static_cast<double>(tokens_) / n;
    s.retry_rate = static_cast<double>(retries_) / n;
  }
  return s;
}

json SummaryAccumulator::to_json() const {
  return {{"traces", traces_}, {"successful", successful_}, {"duration_ms", duration_ms_}, {"tokens", tokens_},
          {"retries", retries_}};
}

SummaryAccumulator SummaryAccumulator::from_json(const json& j) {
  if (!j.is_object()) throw JsonError("", "summary: expected an object, got " + std::string(j.type_name()));
  auto counter = [&](const char* key) {
    auto it = j.find(key);
    if (it == j.end()) throw JsonError(key, "missing");
    if (!it->is_number_unsigned()) throw JsonError(key, "expected an unsigned integer, got " + std::string(it->type_name()));
    return it->get<uint64_t>();
  };
  SummaryAccumulator s;
  s.traces_ = counter("traces");
  s.successful_ = counter("successful");
  s.duration_ms_ = counter("duration_ms");
  s.tokens_ = counter("tokens");
  s.retries_ = counter("retries");
  if (s.successful_ > s.traces_) throw JsonError("successful", "more successful traces than traces");
  return s;
}

ComparisonMetrics compare(const ReportExecutionSummary& cur, const ReportExecutionSummary& prev) {
  ComparisonMetrics c;
  c.execution_delta = static_cast<int64_t>(cur.total_executions) - static_cast<int64_t>(prev.total_executions);
  c.success_rate_delta = cur.success_rate - prev.success_rate;
  c.duration_delta_ms = cur.avg_duration_ms - prev.avg_duration_ms;
  c.retry_rate_delta = cur.retry_rate - prev.retry_rate;
  return c;
}

}  // namespace dashflow
