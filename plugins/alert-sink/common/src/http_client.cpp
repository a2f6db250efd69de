#include "dashflow_sinks/http_client.hpp"

#include <curl/curl.h>

#include <stdexcept>

namespace dashflow::sinks {
namespace {

constexpr size_t kMaxBody = 4096;

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (out->size() < kMaxBody) out->append(data, std::min(n, kMaxBody - out->size()));
  return n;  // keep reading so the connection stays reusable
}

// curl_global_init once per process (thread-safe since libcurl 7.84).
void global_init() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) throw std::runtime_error(std::string("libcurl initialization failed: ") + curl_easy_strerror(rc));
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

}  // namespace

std::string HttpResponse::describe() const {
  if (!transport_error.empty()) return transport_error;
  std::string out = "HTTP " + std::to_string(status);
  if (!body.empty()) out += " (body: " + one_line(body) + ")";
  return out;
}

HttpClient::HttpClient() {
  global_init();
  handle_ = curl_easy_init();
  if (!handle_) throw std::runtime_error("libcurl: curl_easy_init failed (out of memory?)");
}

HttpClient::~HttpClient() {
  if (handle_) curl_easy_cleanup(static_cast<CURL*>(handle_));
}

HttpResponse HttpClient::post(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                              int64_t timeout_ms, int64_t connect_timeout_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  CURL* curl = static_cast<CURL*>(handle_);
  curl_easy_reset(curl);
  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {0};
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  // No "Expect: 100-continue" round trip for larger bodies.
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "dashflow-alert-sink/1.0");
  const CURLcode rc = curl_easy_perform(curl);
  // The handle outlives this frame: drop pointers into it.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    response.transport_error = response.timed_out
                                   ? "timed out after " + std::to_string(timeout_ms) + " ms"
                                   : std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : "");
    return response;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
    response.retry_after_ms = static_cast<int64_t>(retry_after) * 1000;
  return response;
}

}  // namespace dashflow::sinks
