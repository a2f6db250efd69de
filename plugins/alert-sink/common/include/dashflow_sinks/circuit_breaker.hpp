// Circuit breaker on the monotonic clock (wall-clock jumps cannot open or
// close it). Closed: calls pass, consecutive failures are counted and the
// breaker opens at failure_threshold. Open: calls are refused until
// cooldown_ms has passed. HalfOpen: exactly one probe at a time; a failed
// probe re-opens (timer restarted), success_threshold successes close it.
// Not thread-safe: the owner serializes calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace dashflow::sinks {

struct BreakerPolicy {
  int failure_threshold = 3;
  int64_t cooldown_ms = 30000;
  int success_threshold = 1;
};

class CircuitBreaker {
 public:
  enum class State { Closed, Open, HalfOpen };
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit CircuitBreaker(BreakerPolicy policy, Clock clock = {});

  // True when a call may go out now. In HalfOpen it grants the single probe;
  // the caller must then report record_success or record_failure.
  bool allow();
  void record_success();
  void record_failure(const std::string& why);

  // Current state as seen now (Open turns into HalfOpen once cooled down).
  State state() const;
  int consecutive_failures() const { return failures_; }
  const std::string& last_error() const { return last_error_; }
  // Milliseconds until a probe is allowed (0 unless Open).
  int64_t remaining_cooldown_ms() const;
  // "open for 2.1 s after 3 consecutive failures (last: HTTP 500)".
  std::string describe() const;

 private:
  std::chrono::steady_clock::time_point now() const;

  BreakerPolicy policy_;
  Clock clock_;
  bool open_ = false;
  bool probe_in_flight_ = false;
  std::chrono::steady_clock::time_point opened_at_{};
  int failures_ = 0;
  int half_open_successes_ = 0;
  std::string last_error_;
};

const char* state_name(CircuitBreaker::State state);

}  // namespace dashflow::sinks
