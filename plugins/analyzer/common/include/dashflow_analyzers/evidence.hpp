// The earliest few traces (in time order) behind one finding. Mergeable: the
// result is "the k smallest distinct refs of the union", whatever the split.
#pragma once

#include <cstddef>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/types.hpp"
#include "dashflow_analyzers/trace_ref.hpp"

namespace dashflow::analyzers {

class EvidenceSet {
 public:
  static constexpr size_t kMax = 3;

  // Offer a trace; cheap when it is later than the kept ones (no copy made).
  void offer(const ExecutionTrace& trace, const TraceOrigin& origin);
  void add(const TraceRef& ref);
  void merge(const EvidenceSet& other);

  const std::vector<TraceRef>& refs() const { return refs_; }
  std::vector<Citation> citations() const;

  json to_json() const;
  static EvidenceSet from_json(const json& j);

  bool operator==(const EvidenceSet&) const = default;

 private:
  std::vector<TraceRef> refs_;  // sorted ascending, distinct, at most kMax
};

}  // namespace dashflow::analyzers
