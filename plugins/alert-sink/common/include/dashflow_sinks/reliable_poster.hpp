// Reliable, ordered HTTP delivery of request bodies for the HTTP alert sinks:
// retries with backoff and jitter, a circuit breaker, and a disk spool. A body
// is either delivered, or durably spooled and delivered later in order
// (before any newer body), or - when the receiver refuses it with a 4xx -
// kept in spool_dir/dead/ and reported as an error. Nothing is lost and, as
// far as HTTP allows, nothing is sent twice: an entry leaves the spool only
// after a 2xx, and every request carries a stable X-Dashflow-Delivery id
// (the same across retries) so receivers can drop replays.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>

#include "dashflow/host.hpp"
#include "dashflow_sinks/backoff.hpp"
#include "dashflow_sinks/circuit_breaker.hpp"
#include "dashflow_sinks/config_view.hpp"
#include "dashflow_sinks/http_client.hpp"
#include "dashflow_sinks/spool.hpp"

namespace dashflow::sinks {

struct DeliveryOptions {
  std::string sink = "alert sink";  // for messages: "webhook sink"
  std::string url;                  // empty: every send() fails with a config error
  int64_t timeout_ms = 5000;
  int64_t connect_timeout_ms = 2000;
  std::map<std::string, std::string> headers;
  std::string signing_secret;    // non-empty: sign bodies with HMAC-SHA256
  std::string signature_header;  // e.g. X-Dashflow-Signature
  RetryPolicy retry;
  BreakerPolicy breaker;
  fs::path spool_dir;
  uint64_t spool_max_entries = 100000;
};

// Reads the keys of DASHFLOW_SINKS_DELIVERY_PROPERTIES (not url/signing).
// An empty spool_dir becomes .dashflow/alert-spool/<plugin_id>-<hash of url>.
DeliveryOptions delivery_options_from(const ConfigView& config, const std::string& plugin_id, const std::string& url);

enum class SendStatus { Delivered, Spooled };

struct DrainReport {
  size_t delivered = 0;   // entries delivered and removed from the spool
  size_t dead = 0;        // entries moved to dead/ (refused or corrupt)
  size_t remaining = 0;   // entries still waiting
  std::string blocked_by; // why remaining > 0
};

class ReliablePoster {
 public:
  ReliablePoster(DeliveryOptions options, HostServices host);

  // Delivers an existing spool (from this or an earlier process) first.
  void start();
  // Cuts short any backoff wait; later attempts do not wait. Idempotent.
  void stop();

  // Delivers `body`, or spools it (receiver unavailable, breaker open, or
  // older alerts still waiting). Throws when the receiver refuses the body
  // (it is kept in dead/), when the spool cannot take it, or without a url.
  SendStatus send(const std::string& body);
  // Tries to deliver everything spooled, in order.
  DrainReport drain();

  CircuitBreaker::State breaker_state() const;
  std::string breaker_description() const;
  size_t spooled() const;
  const DeliveryOptions& options() const { return options_; }

 private:
  enum class Outcome { Delivered, Rejected, Unavailable };
  Outcome deliver(const std::string& delivery_id, const std::string& body, std::string& detail);
  DrainReport drain_locked();
  bool wait_ms(int64_t ms);
  void require_url() const;
  std::string now_text() const;
  void report_spool_size(size_t n) const;

  DeliveryOptions options_;
  HostServices host_;
  HttpClient client_;
  Spool spool_;
  mutable std::mutex mutex_;  // one send/drain at a time keeps the order
  CircuitBreaker breaker_;
  std::mt19937_64 rng_;
  std::mutex wait_mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
};

}  // namespace dashflow::sinks
