// A small JSON-over-HTTP POST client on libcurl for the reviewer plugins.
//
// - Timeouts: a total timeout and a connect timeout per attempt.
// - Retries: transport failures (refused, reset, timeout) and 408/425/429/5xx
//   are retried up to max_retries times with exponential backoff and jitter;
//   a Retry-After (or retry-after-ms) header is honoured, and one asking for
//   more than max_backoff_ms ends the retries at once with that reason.
// - Cancellation: the host's cancel flag aborts transfers and waits.
// - Secrets: every message (errors, logs) goes through the Scrubber, so an
//   API key echoed by a server never leaves this class; redirects are not
//   followed, so the key is never sent to another host.
// Thread-safe: each post() uses its own curl handle.
#pragma once

#include <dashflow/host.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dashflow_reviewer/retry.hpp"
#include "dashflow_reviewer/scrub.hpp"

namespace dashflow_plugins::reviewer {

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;                                           // JSON text
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  int attempts = 1;                            // attempts it took
};

struct HttpOptions {
  int64_t timeout_ms = 60000;
  int64_t connect_timeout_ms = 10000;
  RetryPolicy retry;
  size_t max_response_bytes = 8u << 20;
};

// No attempt succeeded. what() is scrubbed and names the URL, the attempts
// and the last cause; status() is 0 when no HTTP reply came back.
class HttpError : public std::runtime_error {
 public:
  HttpError(const std::string& message, long status, std::string body)
      : std::runtime_error(message), status_(status), body_(std::move(body)) {}
  long status() const { return status_; }
  const std::string& body() const { return body_; }  // scrubbed, possibly empty

 private:
  long status_;
  std::string body_;
};

class HttpClient {
 public:
  // log_prefix starts every log line, e.g. "reviewer openai-compatible (gpt-4o-mini)".
  HttpClient(HttpOptions options, Scrubber scrubber, dashflow::HostServices host, std::string log_prefix);

  // A reply with a retryable status that must not be retried anyway (e.g. a
  // 429 for an exhausted quota).
  void set_permanent_failure(std::function<bool(const HttpResponse&)> predicate) { permanent_ = std::move(predicate); }

  // POSTs the request; returns the first 2xx reply or throws HttpError.
  HttpResponse post(const HttpRequest& request) const;

  const HttpOptions& options() const { return options_; }

 private:
  HttpOptions options_;
  Scrubber scrub_;
  dashflow::HostServices host_;
  std::string log_prefix_;
  std::function<bool(const HttpResponse&)> permanent_;
};

}  // namespace dashflow_plugins::reviewer
