// A small blocking HTTP POST client on libcurl: per-request total and
// connect timeouts, no signals (safe in threads), keep-alive connection reuse,
// only http/https, and a result that says exactly what went wrong.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace dashflow::sinks {

struct HttpResponse {
  long status = 0;              // 0 when no HTTP response arrived
  std::string transport_error;  // set when the request did not complete
  bool timed_out = false;
  std::string body;             // first 4 KiB of the response body
  int64_t retry_after_ms = -1;  // from a Retry-After header, -1 when absent

  bool success() const { return transport_error.empty() && status >= 200 && status < 300; }
  // 3xx, or 4xx other than 408/429: the receiver answered but will not take
  // this request (redirects are not followed: a moved endpoint is a config
  // error); sending the same bytes again cannot succeed.
  bool rejected() const {
    return transport_error.empty() && status >= 300 && status < 500 && status != 408 && status != 429;
  }
  // "HTTP 500 (body: ...)", "timed out after 300 ms", "Couldn't connect to server: ...".
  std::string describe() const;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // headers: "Name: value" lines. Thread-safe (one request at a time).
  HttpResponse post(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                    int64_t timeout_ms, int64_t connect_timeout_ms);

 private:
  std::mutex mutex_;
  void* handle_ = nullptr;  // CURL*
};

}  // namespace dashflow::sinks
