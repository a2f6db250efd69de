// Retry delays: exponential backoff with multiplicative jitter, so many
// senders that failed together do not retry together.
#pragma once

#include <cstdint>
#include <random>

namespace dashflow::sinks {

struct RetryPolicy {
  int max_retries = 3;          // retries after the first attempt
  int64_t initial_ms = 500;     // delay before the first retry
  int64_t max_ms = 10000;       // cap of any delay
  double multiplier = 2.0;      // growth per retry
  double jitter = 0.25;         // delay x uniform[1 - jitter, 1 + jitter], clamped to 0..1
};

// Delay before retry number `retry` (0 = first retry), in [0, max_ms].
int64_t backoff_delay_ms(const RetryPolicy& policy, int retry, std::mt19937_64& rng);

}  // namespace dashflow::sinks
