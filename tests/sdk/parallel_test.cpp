// parallel_for: every index exactly once on any thread count, and a body's
// exception reaches the caller after all threads stopped.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "dashflow/parallel.hpp"

using dashflow::parallel_for;

TEST(ParallelFor, EveryIndexExactlyOnce) {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}}) {
      std::vector<std::atomic<int>> seen(n);
      parallel_for(n, threads, [&](size_t i) { seen[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i].load(), 1) << "n=" << n << " threads=" << threads << " i=" << i;
    }
  }
}

TEST(ParallelFor, FirstExceptionIsRethrownAndWorkStops) {
  std::atomic<size_t> started{0};
  EXPECT_THROW(parallel_for(100000, 2,
                            [&](size_t i) {
                              started.fetch_add(1);
                              if (i == 10) throw std::runtime_error("index 10 failed");
                            }),
               std::runtime_error);
  EXPECT_LT(started.load(), 100000u) << "no new indices after the failure";
  EXPECT_GE(dashflow::hardware_threads(), 1u);
}
