// Numbers shared by the analyzers: nearest-rank p95, Impact presets and the
// confidence formulas of dashflow-core.md §3.0 / §9.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dashflow/types.hpp"

namespace dashflow::analyzers {

double clamp01(double v);

// p95 by nearest rank: sorted[ceil(0.95 n) - 1]; 0 for no values. (The
// reference takes sorted[ceil(0.95 n)], one rank high.) Takes a copy it may
// reorder.
uint64_t p95_nearest_rank(std::vector<uint32_t> values);

// max(0, p95 - avg) in signed arithmetic (the reference wraps around).
uint64_t latency_reduction_ms(uint64_t p95, uint64_t avg);

// Impact presets: high (0.8, 400 ms, 0.8), medium (0.4, 200, 0.4), low (0.1, 50, 0.1).
Impact impact_high(std::string description);
Impact impact_medium(std::string description);
Impact impact_low(std::string description);

// clamp01(0.5 + 0.3*min(occ/10,1) + 0.2*min(occ/total, 0.5)); ratio term 0 when total is 0.
double pattern_confidence(uint64_t occurrences, uint64_t total);
// clamp01(0.4 + 0.4*min(pct/100,1) + 0.2*min(n/50,1)).
double degradation_confidence(double percent, uint64_t samples);

}  // namespace dashflow::analyzers
