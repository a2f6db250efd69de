#include "dashflow/scoring.hpp"

#include <algorithm>

namespace dashflow {

double impact_score(const Impact& i) {
  double s = 0.4 * std::min(i.error_reduction, 1.0) + 0.3 * std::min(i.latency_reduction_ms / 500.0, 1.0) +
             0.3 * std::min(i.accuracy_improvement, 1.0);
  return std::clamp(s, 0.0, 1.0);
}

Priority priority_of(const CapabilityGap& gap) {
  const double s = impact_score(gap.expected_impact) * gap.confidence;
  if (s > 0.7) return Priority::High;
  if (s > 0.4) return Priority::Medium;
  return Priority::Low;
}

Impact impact_high(std::string d) { return {0.8, 400, 0.8, std::move(d)}; }
Impact impact_medium(std::string d) { return {0.4, 200, 0.4, std::move(d)}; }
Impact impact_low(std::string d) { return {0.1, 50, 0.1, std::move(d)}; }

}  // namespace dashflow
