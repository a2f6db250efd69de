#include "dashflow_sinks/circuit_breaker.hpp"

#include <algorithm>
#include <cstdio>

namespace dashflow::sinks {

CircuitBreaker::CircuitBreaker(BreakerPolicy policy, Clock clock) : policy_(policy), clock_(std::move(clock)) {
  policy_.failure_threshold = std::max(1, policy_.failure_threshold);
  policy_.success_threshold = std::max(1, policy_.success_threshold);
  policy_.cooldown_ms = std::max<int64_t>(0, policy_.cooldown_ms);
}

std::chrono::steady_clock::time_point CircuitBreaker::now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

CircuitBreaker::State CircuitBreaker::state() const {
  if (!open_) return State::Closed;
  return remaining_cooldown_ms() > 0 ? State::Open : State::HalfOpen;
}

int64_t CircuitBreaker::remaining_cooldown_ms() const {
  if (!open_) return 0;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now() - opened_at_).count();
  return std::max<int64_t>(0, policy_.cooldown_ms - elapsed);
}

bool CircuitBreaker::allow() {
  switch (state()) {
    case State::Closed: return true;
    case State::Open: return false;
    case State::HalfOpen:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::record_success() {
  if (!open_) {
    failures_ = 0;
    return;
  }
  probe_in_flight_ = false;
  if (++half_open_successes_ >= policy_.success_threshold) {
    open_ = false;
    failures_ = 0;
    half_open_successes_ = 0;
    last_error_.clear();
  }
}

void CircuitBreaker::record_failure(const std::string& why) {
  last_error_ = why;
  ++failures_;
  if (open_) {
    // A failed probe (or a late failure) restarts the cooldown.
    probe_in_flight_ = false;
    half_open_successes_ = 0;
    opened_at_ = now();
    return;
  }
  if (failures_ >= policy_.failure_threshold) {
    open_ = true;
    opened_at_ = now();
    half_open_successes_ = 0;
    probe_in_flight_ = false;
  }
}

std::string CircuitBreaker::describe() const {
  char buf[64];
  switch (state()) {
    case State::Closed:
      return "closed (" + std::to_string(failures_) + "/" + std::to_string(policy_.failure_threshold) +
             " consecutive failures)";
    case State::Open:
      std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(remaining_cooldown_ms()) / 1000.0);
      return "open after " + std::to_string(failures_) + " consecutive failures, next probe in " + buf +
             (last_error_.empty() ? "" : " (last: " + last_error_ + ")");
    case State::HalfOpen:
      return "half-open (probing after " + std::to_string(failures_) + " consecutive failures" +
             (last_error_.empty() ? "" : "; last: " + last_error_) + ")";
  }
  return "unknown";
}

const char* state_name(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::Closed: return "closed";
    case CircuitBreaker::State::Open: return "open";
    case CircuitBreaker::State::HalfOpen: return "half-open";
  }
  return "unknown";
}

}  // namespace dashflow::sinks
