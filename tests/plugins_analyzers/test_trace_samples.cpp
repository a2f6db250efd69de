// The patterns analyzer's per-trace samples: the earliest-duration sum (a
// selection) agrees with a full sort by (started_at, file name, line) for
// every cut, with many ties on started_at, after merges and a save/load.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "trace_samples.hpp"

using dashflow::analyzers::TraceSamples;

namespace {

struct Plain {
  int64_t started_at_ms;
  std::string source;
  uint32_t line;
  uint64_t duration_ms;
};

// The reference: every sample sorted, durations summed up to the cut.
uint64_t sorted_sum(std::vector<Plain> v, size_t count) {
  std::sort(v.begin(), v.end(), [](const Plain& a, const Plain& b) {
    return std::tie(a.started_at_ms, a.source, a.line, a.duration_ms) <
           std::tie(b.started_at_ms, b.source, b.line, b.duration_ms);
  });
  uint64_t sum = 0;
  for (size_t i = 0; i < count && i < v.size(); ++i) sum += v[i].duration_ms;
  return sum;
}

}  // namespace

TEST(TraceSamples, EarliestDurationSumMatchesAFullSortAtEveryCut) {
  uint64_t seed = 42;
  auto next = [&seed](uint64_t mod) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % mod;
  };
  std::vector<Plain> all;
  TraceSamples parts[3];
  for (int i = 0; i < 150; ++i) {
    // Few distinct start times (0 = none) so that most cuts fall in a tie;
    // names in no particular order, some files with several lines.
    const Plain p{static_cast<int64_t>(next(4) * 1000), "/t/run-" + std::to_string(next(40)) + ".jsonl",
                  static_cast<uint32_t>(next(3)), 1 + next(1000)};
    all.push_back(p);
    parts[i % 3].add(p.started_at_ms, p.source, p.line, p.duration_ms, 0);
  }
  TraceSamples merged;
  merged.merge(parts[2]);
  merged.merge(parts[0]);
  merged.merge(parts[1]);
  std::string packed;
  merged.append_packed(packed);
  TraceSamples loaded;
  ASSERT_EQ(loaded.load_packed(packed, merged.source_count(), merged.source_name_bytes(), merged.size()), packed.size());
  for (size_t cut = 0; cut <= all.size() + 1; ++cut) {
    EXPECT_EQ(merged.earliest_duration_sum(cut), sorted_sum(all, cut)) << "cut " << cut;
    EXPECT_EQ(loaded.earliest_duration_sum(cut), sorted_sum(all, cut)) << "cut " << cut;
  }
}
