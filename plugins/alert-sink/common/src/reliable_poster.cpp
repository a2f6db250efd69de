#include "dashflow_sinks/reliable_poster.hpp"

#include <algorithm>
#include <chrono>

#include "dashflow/errors.hpp"
#include "dashflow/ids.hpp"
#include "dashflow/time.hpp"
#include "dashflow_sinks/hmac.hpp"

namespace dashflow::sinks {

DeliveryOptions delivery_options_from(const ConfigView& config, const std::string& plugin_id, const std::string& url) {
  DeliveryOptions o;
  o.sink = plugin_id + " sink";
  o.url = url;
  o.timeout_ms = config.integer("timeout_ms");
  o.connect_timeout_ms = config.integer("connect_timeout_ms");
  o.retry.max_retries = static_cast<int>(config.integer("max_retries"));
  const ConfigView backoff = config.child("backoff");
  o.retry.initial_ms = backoff.integer("initial_ms");
  o.retry.max_ms = backoff.integer("max_ms");
  o.retry.multiplier = backoff.number("multiplier");
  o.retry.jitter = backoff.number("jitter");
  if (o.retry.initial_ms > o.retry.max_ms)
    throw ConfigError(o.sink + ": config key 'backoff.initial_ms' (" + std::to_string(o.retry.initial_ms) +
                      ") must not exceed 'backoff.max_ms' (" + std::to_string(o.retry.max_ms) + ")");
  const ConfigView breaker = config.child("circuit_breaker");
  o.breaker.failure_threshold = static_cast<int>(breaker.integer("failure_threshold"));
  o.breaker.cooldown_ms = breaker.integer("cooldown_ms");
  o.breaker.success_threshold = static_cast<int>(breaker.integer("success_threshold"));
  o.headers = config.string_map("headers");
  for (const auto& [name, value] : o.headers) {
    const bool bad_name = name.empty() || name.find_first_of(":\r\n \t") != std::string::npos;
    if (bad_name || value.find_first_of("\r\n") != std::string::npos)
      throw ConfigError(o.sink + ": config key 'headers." + name +
                        "' is not a valid HTTP header (names have no spaces or ':', values no line breaks)");
  }
  const std::string spool = config.string("spool_dir");
  o.spool_dir = spool.empty() ? fs::path(".dashflow/alert-spool") / (plugin_id + "-" + fingerprint_of(url))
                              : fs::path(spool);
  o.spool_max_entries = static_cast<uint64_t>(config.integer("spool_max_entries"));
  return o;
}

ReliablePoster::ReliablePoster(DeliveryOptions options, HostServices host)
    : options_(std::move(options)),
      host_(host),
      spool_(options_.spool_dir, options_.sink, options_.spool_max_entries),
      breaker_(options_.breaker),
      rng_(std::random_device{}()) {}

void ReliablePoster::require_url() const {
  if (options_.url.empty())
    throw ConfigError(options_.sink + ": config key 'url' is not set, so alerts cannot be delivered; set it to the "
                                      "receiver's http:// or https:// URL");
}

std::string ReliablePoster::now_text() const { return format_rfc3339_ms(host_.now_unix_ms()); }

void ReliablePoster::report_spool_size(size_t n) const {
  host_.gauge_set("alert_spool_entries", static_cast<double>(n));
  host_.gauge_set("alert_circuit_open", breaker_.state() == CircuitBreaker::State::Closed ? 0 : 1);
}

void ReliablePoster::start() {
  stopping_ = false;
  if (options_.url.empty()) {
    host_.warn(options_.sink + ": no 'url' configured; every alert sent to this sink will fail");
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (spool_.list().empty()) return;
  const DrainReport r = drain_locked();
  host_.info(options_.sink + ": delivered " + std::to_string(r.delivered) + " alert(s) spooled by an earlier run" +
             (r.remaining ? "; " + std::to_string(r.remaining) + " still waiting in " + spool_.dir().string() + " (" +
                                r.blocked_by + ")"
                          : ""));
}

void ReliablePoster::stop() {
  {
    std::lock_guard<std::mutex> lock(wait_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

bool ReliablePoster::wait_ms(int64_t ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  std::unique_lock<std::mutex> lock(wait_mutex_);
  while (!stopping_ && !host_.cancelled()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    // Wake up now and then to notice host cancellation.
    wake_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(100)));
  }
  return false;
}

ReliablePoster::Outcome ReliablePoster::deliver(const std::string& delivery_id, const std::string& body,
                                                std::string& detail) {
  std::vector<std::string> headers = {"Content-Type: application/json", "X-Dashflow-Delivery: " + delivery_id};
  for (const auto& [name, value] : options_.headers) headers.push_back(name + ": " + value);
  if (!options_.signing_secret.empty())
    headers.push_back(options_.signature_header + ": " + signature_value(options_.signing_secret, body));
  for (int attempt = 0;; ++attempt) {
    if (!breaker_.allow()) {
      detail = "circuit breaker " + breaker_.describe();
      return Outcome::Unavailable;
    }
    const auto started = std::chrono::steady_clock::now();
    const HttpResponse r = client_.post(options_.url, body, headers, options_.timeout_ms, options_.connect_timeout_ms);
    host_.observe("alert_post_seconds",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (r.success()) {
      breaker_.record_success();
      return Outcome::Delivered;
    }
    detail = r.describe();
    if (r.rejected()) {
      // The receiver is up and answered; only this body is unacceptable.
      breaker_.record_success();
      return Outcome::Rejected;
    }
    breaker_.record_failure(detail);
    host_.counter_add("alert_post_failures_total");
    if (attempt >= options_.retry.max_retries || breaker_.state() != CircuitBreaker::State::Closed)
      return Outcome::Unavailable;
    int64_t delay = backoff_delay_ms(options_.retry, attempt, rng_);
    if (r.retry_after_ms > delay) delay = std::min(r.retry_after_ms, options_.retry.max_ms);
    if (!wait_ms(delay)) {
      detail += " (retries cut short: stopping)";
      return Outcome::Unavailable;
    }
  }
}

DrainReport ReliablePoster::drain_locked() {
  DrainReport report;
  if (spool_.list().empty()) return report;
  FileLock drain_lock = spool_.try_lock_drain();
  if (!drain_lock.held()) {
    report.remaining = spool_.list().size();
    report.blocked_by = "another process is delivering this spool";
    return report;
  }
  for (;;) {
    const auto files = spool_.list();
    if (files.empty()) break;
    for (const auto& file : files) {
      SpoolEntry entry;
      try {
        entry = spool_.read(file);
      } catch (const StorageError& e) {
        const fs::path dead = spool_.move_to_dead(file, e.what(), now_text());
        host_.error(options_.sink + ": " + e.what() + "; moved to " + dead.string());
        ++report.dead;
        continue;
      }
      std::string detail;
      switch (deliver(entry.delivery_id, entry.body, detail)) {
        case Outcome::Delivered:
          spool_.remove(file);
          ++report.delivered;
          host_.counter_add("alerts_delivered_total", 1, R"({"from":"spool"})");
          break;
        case Outcome::Rejected: {
          const fs::path dead = spool_.move_to_dead(file, options_.url + " refused it: " + detail, now_text());
          host_.error(options_.sink + ": " + options_.url + " refused spooled alert " + entry.delivery_id + " (" +
                      detail + "); kept in " + dead.string());
          host_.counter_add("alerts_refused_total");
          ++report.dead;
          break;
        }
        case Outcome::Unavailable:
          report.remaining = spool_.list().size();
          report.blocked_by = detail;
          report_spool_size(report.remaining);
          return report;
      }
    }
  }
  report_spool_size(0);
  return report;
}

DrainReport ReliablePoster::drain() {
  if (options_.url.empty()) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  return drain_locked();
}

SendStatus ReliablePoster::send(const std::string& body) {
  require_url();
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string id = new_uuid_v4();
  std::string detail;
  // Older alerts go first: while any wait, the new one queues behind them.
  const DrainReport before = drain_locked();
  Outcome outcome = Outcome::Unavailable;
  if (before.remaining > 0) {
    detail = std::to_string(before.remaining) + " older alert(s) still waiting: " + before.blocked_by;
  } else {
    outcome = deliver(id, body, detail);
  }
  switch (outcome) {
    case Outcome::Delivered:
      host_.counter_add("alerts_delivered_total", 1, R"({"from":"send"})");
      return SendStatus::Delivered;
    case Outcome::Rejected: {
      host_.counter_add("alerts_refused_total");
      const fs::path dead = spool_.write_dead(id, body, options_.url + " refused it: " + detail, now_text());
      throw Error(options_.sink + ": " + options_.url + " refused the alert: " + detail +
                  "; it will not be retried (kept in " + dead.string() +
                  "). Check the receiver's expected payload and the sink's headers/secret");
    }
    case Outcome::Unavailable: break;
  }
  const SpoolEntry entry = spool_.append(id, body, now_text());
  const size_t waiting = spool_.list().size();
  report_spool_size(waiting);
  host_.counter_add("alerts_spooled_total");
  host_.warn(options_.sink + ": " + options_.url + " unavailable (" + detail + "); alert spooled as " +
             entry.file.filename().string() + " (" + std::to_string(waiting) + " waiting in " +
             spool_.dir().string() + ")");
  return SendStatus::Spooled;
}

CircuitBreaker::State ReliablePoster::breaker_state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return breaker_.state();
}

std::string ReliablePoster::breaker_description() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return breaker_.describe();
}

size_t ReliablePoster::spooled() const { return spool_.list().size(); }

}  // namespace dashflow::sinks
