// body(0) .. body(n - 1) on up to `threads` threads (the caller's included),
// each index exactly once, in no particular order. For short fan-outs of
// independent work (the host loads analyzer states and hashes cache chunks
// with it, the trace-dir source reads directories). When a body throws, no
// further indices are started and the first exception is rethrown here once
// every thread has stopped.
#pragma once

#include <cstddef>
#include <functional>

namespace dashflow {

void parallel_for(size_t n, unsigned threads, const std::function<void(size_t)>& body);

// std::thread::hardware_concurrency(), at least 1.
unsigned hardware_threads();

}  // namespace dashflow
