// Test helper: a TraceSink that keeps every trace (with its origin) and every
// skip, for the trace-source plugin tests.
#pragma once

#include <mutex>
#include <utility>
#include <vector>

#include "dashflow/plugin.hpp"

namespace dashflow::test {

// One trace the source handed over, with where it came from.
struct CollectedTrace {
  ExecutionTrace trace;
  TraceOrigin origin;
};

// Thread-safe: read_unit may be called from several threads with one sink.
class CollectingSink : public TraceSink {
 public:
  CollectingSink() = default;
  // Movable (the mutex is not) so that helpers can return a filled sink.
  CollectingSink(CollectingSink&& other) noexcept : traces(std::move(other.traces)), skips(std::move(other.skips)) {}
  void on_trace(ExecutionTrace&& trace, const TraceOrigin& origin) override {
    std::lock_guard<std::mutex> lock(mutex_);
    traces.push_back(CollectedTrace{std::move(trace), origin});
  }
  void on_skip(const SkippedInput& skipped) override {
    std::lock_guard<std::mutex> lock(mutex_);
    skips.push_back(skipped);
  }
  std::vector<CollectedTrace> traces;
  std::vector<SkippedInput> skips;

 private:
  std::mutex mutex_;
};

}  // namespace dashflow::test
