#include "dashflow_reviewer/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <cctype>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

namespace dashflow_plugins::reviewer {
namespace {

void global_init_once() {
  static std::once_flag once;
  // Never cleaned up: plugins are never unloaded.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  std::string body;
  std::map<std::string, std::string> headers;
  size_t max_bytes = 0;
  bool too_large = false;
  const dashflow::HostServices* host = nullptr;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->body.size() + n > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    t->headers.clear();  // a new response (after 100 Continue)
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  size_t v = colon + 1;
  while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
  t->headers[name] = line.substr(v);
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->host && t->host->cancelled() ? 1 : 0;
}

struct Outcome {
  CURLcode code = CURLE_OK;
  HttpResponse response;
  std::string cause;  // set when code != CURLE_OK
  bool cancelled = false;
};

bool retryable_transport(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

Outcome attempt(const HttpRequest& request, const HttpOptions& options, const dashflow::HostServices& host) {
  global_init_once();
  Outcome out;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) {
    out.code = CURLE_FAILED_INIT;
    out.cause = "could not create a libcurl handle";
    return out;
  }
  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) list = curl_slist_append(list, (name + ": " + value).c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, &curl_slist_free_all);

  Transfer t;
  t.max_bytes = options.max_response_bytes;
  t.host = &host;
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "dashflow-reviewer/1.0");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);

  out.code = curl_easy_perform(h);
  if (out.code == CURLE_OK) {
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out.response.status);
    out.response.body = std::move(t.body);
    out.response.headers = std::move(t.headers);
    return out;
  }
  const std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(out.code);
  if (out.code == CURLE_ABORTED_BY_CALLBACK) {
    out.cancelled = true;
    out.cause = "cancelled by the host";
  } else if (t.too_large) {
    out.cause = "reply larger than " + std::to_string(options.max_response_bytes) + " bytes";
  } else if (out.code == CURLE_OPERATION_TIMEDOUT) {
    out.cause = "timed out (timeout_ms=" + std::to_string(options.timeout_ms) +
                ", connect_timeout_ms=" + std::to_string(options.connect_timeout_ms) + "): " + detail;
  } else if (out.code == CURLE_COULDNT_CONNECT) {
    out.cause = "could not connect: " + detail;
  } else if (out.code == CURLE_COULDNT_RESOLVE_HOST) {
    out.cause = "could not resolve the host (check base_url): " + detail;
  } else {
    out.cause = detail;
  }
  return out;
}

double jitter01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// Sleeps ms in short slices; false when the host cancelled meanwhile.
bool wait_ms(int64_t ms, const dashflow::HostServices& host) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) {
    if (host.cancelled()) return false;
    const auto left = end - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
  return !host.cancelled();
}

std::string status_text(const HttpResponse& r, const Scrubber& scrub) {
  std::string text = "HTTP " + std::to_string(r.status);
  const std::string body = scrub(r.body);
  if (!body.empty()) text += ": " + snippet(body, 500);
  return text;
}

}  // namespace

HttpClient::HttpClient(HttpOptions options, Scrubber scrubber, dashflow::HostServices host, std::string log_prefix)
    : options_(options), scrub_(std::move(scrubber)), host_(host), log_prefix_(std::move(log_prefix)) {}

HttpResponse HttpClient::post(const HttpRequest& request) const {
  const std::string where = "POST " + display_url(request.url);
  const int attempts_allowed = 1 + std::max(options_.retry.max_retries, 0);
  for (int attempt_no = 1;; ++attempt_no) {
    Outcome o = attempt(request, options_, host_);
    if (o.cancelled) throw HttpError(scrub_(where + ": " + o.cause), 0, "");
    std::string cause;
    bool retry = false;
    std::optional<int64_t> server_wait;
    if (o.code == CURLE_OK) {
      o.response.attempts = attempt_no;
      if (o.response.status >= 200 && o.response.status < 300) return std::move(o.response);
      cause = status_text(o.response, scrub_);
      retry = retryable_status(o.response.status) && !(permanent_ && permanent_(o.response));
      server_wait = retry_after_ms(o.response.headers, host_.now_unix_ms());
      if (!retry) throw HttpError(scrub_(where + " returned " + cause), o.response.status, scrub_(o.response.body));
    } else {
      cause = o.cause;
      retry = retryable_transport(o.code);
      if (!retry) throw HttpError(scrub_(where + " failed: " + cause), 0, "");
    }
    const long status = o.code == CURLE_OK ? o.response.status : 0;
    const std::string body = o.code == CURLE_OK ? scrub_(o.response.body) : std::string();
    if (attempt_no >= attempts_allowed)
      throw HttpError(scrub_(where + " failed after " + std::to_string(attempt_no) +
                             (attempt_no == 1 ? " attempt" : " attempts") + " (max_retries=" +
                             std::to_string(options_.retry.max_retries) + "): " + cause),
                      status, body);
    int64_t wait = backoff_ms(options_.retry, attempt_no - 1, jitter01());
    if (server_wait) {
      if (*server_wait > options_.retry.max_backoff_ms)
        throw HttpError(scrub_(where + " returned " + cause + "; the server asks to wait " +
                               std::to_string((*server_wait + 999) / 1000) + " s (Retry-After), more than max_backoff_ms=" +
                               std::to_string(options_.retry.max_backoff_ms) + ", so no retry was made"),
                        status, body);
      wait = *server_wait;
    }
    host_.warn(scrub_(log_prefix_ + ": " + where + " attempt " + std::to_string(attempt_no) + " of " +
                      std::to_string(attempts_allowed) + " failed (" + snippet(cause, 200) + "); retrying in " +
                      std::to_string(wait) + " ms"));
    host_.counter_add("reviewer_http_retries_total");
    if (!wait_ms(wait, host_)) throw HttpError(scrub_(where + ": cancelled by the host while waiting to retry"), 0, "");
  }
}

}  // namespace dashflow_plugins::reviewer
