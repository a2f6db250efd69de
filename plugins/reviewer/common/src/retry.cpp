#include "dashflow_reviewer/retry.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace dashflow_plugins::reviewer {

bool retryable_status(long status) { return status == 408 || status == 425 || status == 429 || (status >= 500 && status <= 599); }

int64_t backoff_ms(const RetryPolicy& policy, int retry, double jitter01) {
  const int64_t cap = std::max<int64_t>(policy.max_backoff_ms, 0);
  double base = static_cast<double>(std::max<int64_t>(policy.initial_backoff_ms, 0));
  for (int i = 0; i < retry && base < static_cast<double>(cap); ++i) base *= 2;
  base = std::min(base, static_cast<double>(cap));
  const double jitter = std::clamp(jitter01, 0.0, 1.0) * 0.25 * base;
  return std::min<int64_t>(static_cast<int64_t>(std::llround(base + jitter)), cap);
}

namespace {

std::optional<int64_t> non_negative_integer(const std::string& text) {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  if (b == e || e - b > 12) return std::nullopt;
  int64_t v = 0;
  for (size_t i = b; i < e; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<int64_t> retry_after_ms(const std::map<std::string, std::string>& headers, int64_t now_unix_ms) {
  if (auto it = headers.find("retry-after-ms"); it != headers.end())
    if (auto ms = non_negative_integer(it->second)) return ms;
  auto it = headers.find("retry-after");
  if (it == headers.end()) return std::nullopt;
  if (auto seconds = non_negative_integer(it->second)) return *seconds * 1000;
  const time_t when = curl_getdate(it->second.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::max<int64_t>(static_cast<int64_t>(when) * 1000 - now_unix_ms, 0);
}

}  // namespace dashflow_plugins::reviewer
