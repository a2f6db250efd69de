#include "dashflow_analyzers/evidence.hpp"

#include <algorithm>

namespace dashflow::analyzers {

void EvidenceSet::offer(const ExecutionTrace& trace, const TraceOrigin& origin) {
  if (refs_.size() >= kMax && compare_time(origin, refs_.back()) > 0) return;
  add(TraceRef::of(trace, origin));
}

void EvidenceSet::add(const TraceRef& ref) {
  const auto pos = std::lower_bound(refs_.begin(), refs_.end(), ref);
  if (pos != refs_.end() && *pos == ref) return;
  if (refs_.size() >= kMax && pos == refs_.end()) return;
  refs_.insert(pos, ref);
  if (refs_.size() > kMax) refs_.pop_back();
}

void EvidenceSet::merge(const EvidenceSet& other) {
  for (const auto& ref : other.refs_) add(ref);
}

std::vector<Citation> EvidenceSet::citations() const {
  std::vector<Citation> out;
  out.reserve(refs_.size());
  for (const auto& ref : refs_) out.push_back(trace_citation(ref));
  return out;
}

json EvidenceSet::to_json() const {
  json a = json::array();
  for (const auto& ref : refs_) a.push_back(trace_ref_to_json(ref));
  return a;
}

EvidenceSet EvidenceSet::from_json(const json& j) {
  EvidenceSet e;
  for (const auto& item : j) e.add(trace_ref_from_json(item));
  return e;
}

}  // namespace dashflow::analyzers
