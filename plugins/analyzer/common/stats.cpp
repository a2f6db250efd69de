#include "dashflow_analyzers/stats.hpp"

#include <algorithm>
#include <utility>

namespace dashflow::analyzers {

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

uint64_t p95_nearest_rank(std::vector<uint32_t> values) {
  if (values.empty()) return 0;
  const size_t n = values.size();
  // ceil(0.95 n) in integers: (95 n + 99) / 100.
  const size_t rank = (95 * n + 99) / 100;
  const size_t index = rank - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return values[index];
}

uint64_t latency_reduction_ms(uint64_t p95, uint64_t avg) {
  const int64_t delta = static_cast<int64_t>(p95) - static_cast<int64_t>(avg);
  return delta > 0 ? static_cast<uint64_t>(delta) : 0;
}

namespace {
Impact preset(double error, double latency, double accuracy, std::string description) {
  Impact i;
  i.error_reduction = error;
  i.latency_reduction_ms = latency;
  i.accuracy_improvement = accuracy;
  i.description = std::move(description);
  return i;
}
}  // namespace

Impact impact_high(std::string d) { return preset(0.8, 400.0, 0.8, std::move(d)); }
Impact impact_medium(std::string d) { return preset(0.4, 200.0, 0.4, std::move(d)); }
Impact impact_low(std::string d) { return preset(0.1, 50.0, 0.1, std::move(d)); }

double pattern_confidence(uint64_t occurrences, uint64_t total) {
  const double occ = static_cast<double>(occurrences);
  const double ratio = total > 0 ? std::min(occ / static_cast<double>(total), 0.5) : 0.0;
  return clamp01(0.5 + 0.3 * std::min(occ / 10.0, 1.0) + 0.2 * ratio);
}

double degradation_confidence(double percent, uint64_t samples) {
  return clamp01(0.4 + 0.4 * std::min(percent / 100.0, 1.0) +
                 0.2 * std::min(static_cast<double>(samples) / 50.0, 1.0));
}

}  // namespace dashflow::analyzers
