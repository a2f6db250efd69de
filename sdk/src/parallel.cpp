#include "dashflow/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace dashflow {

void parallel_for(size_t n, unsigned threads, const std::function<void(size_t)>& body) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) body(i);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < std::min<size_t>(threads, n); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

unsigned hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace dashflow
