// DashFlow's scoring rules for gaps (dashflow-core.md §2.3), shared so that
// every plugin and the host rank findings the same way.
#pragma once

#include "dashflow/types.hpp"

namespace dashflow {

// clamp01(0.4*min(err,1) + 0.3*min(lat/500,1) + 0.3*min(acc,1))
double impact_score(const Impact& impact);
// impact_score * confidence: > 0.7 High, > 0.4 Medium, else Low.
Priority priority_of(const CapabilityGap& gap);
// Presets: high (0.8, 400 ms, 0.8), medium (0.4, 200, 0.4), low (0.1, 50, 0.1).
Impact impact_high(std::string description);
Impact impact_medium(std::string description);
Impact impact_low(std::string description);

}  // namespace dashflow
