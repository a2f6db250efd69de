// Per-trace facts kept for evaluating hypotheses against later traces.
#pragma once

#include <cstdint>

#include "dashflow/types.hpp"

namespace dashflow::host {

struct TraceFacts {
  int64_t started_at_ms = 0;
  uint64_t duration_ms = 0;
  uint64_t tokens = 0;
  uint32_t retries = 0;
  bool successful = false;
  bool operator==(const TraceFacts&) const = default;
};

TraceFacts facts_of(const ExecutionTrace& trace, const TraceOrigin& origin);

}  // namespace dashflow::host
