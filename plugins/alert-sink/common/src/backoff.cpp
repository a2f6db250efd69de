#include "dashflow_sinks/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace dashflow::sinks {

int64_t backoff_delay_ms(const RetryPolicy& policy, int retry, std::mt19937_64& rng) {
  const double cap = static_cast<double>(std::max<int64_t>(0, policy.max_ms));
  const int exponent = std::clamp(retry, 0, 60);
  double base = static_cast<double>(std::max<int64_t>(0, policy.initial_ms)) *
                std::pow(std::max(1.0, policy.multiplier), exponent);
  if (!std::isfinite(base) || base > cap) base = cap;
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> factor(1.0 - jitter, 1.0 + jitter);
  const double delay = std::clamp(base * factor(rng), 0.0, cap);
  return static_cast<int64_t>(std::llround(delay));
}

}  // namespace dashflow::sinks
