// When and how long to wait before trying an HTTP call again: exponential
// backoff with jitter, bounded, and the server's Retry-After when it gives one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace dashflow_plugins::reviewer {

struct RetryPolicy {
  int max_retries = 3;            // extra attempts after the first
  int64_t initial_backoff_ms = 1000;
  int64_t max_backoff_ms = 30000;  // cap of one wait, also of an honoured Retry-After
};

// 408, 425, 429 and every 5xx are worth another try; other statuses are not.
bool retryable_status(long status);

// Wait before retry number `retry` (0 for the first retry):
// min(max_backoff, initial * 2^retry), plus up to 25% jitter taken from
// jitter01 in [0, 1), still capped at max_backoff.
int64_t backoff_ms(const RetryPolicy& policy, int retry, double jitter01);

// The server's requested wait in ms, from (lower-case) headers:
// "retry-after-ms" (OpenAI), "retry-after" as delta-seconds, or as an
// HTTP-date relative to now_unix_ms. nullopt when absent or unreadable.
std::optional<int64_t> retry_after_ms(const std::map<std::string, std::string>& headers, int64_t now_unix_ms);

}  // namespace dashflow_plugins::reviewer
