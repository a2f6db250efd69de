// Keeping secrets out of text the reviewer hands back: every error message,
// log line and raw_response passes through a Scrubber that knows the API key.
// Also small text helpers used when quoting server replies in errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dashflow_plugins::reviewer {

inline constexpr std::string_view kRedacted = "[REDACTED]";

class Scrubber {
 public:
  Scrubber() = default;
  explicit Scrubber(std::vector<std::string> secrets);
  void add(std::string secret);
  // Replaces every occurrence of every secret (longest first) with [REDACTED].
  std::string operator()(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;
};

// A URL fit for messages: user:password@ replaced by ***@ and the query
// string dropped (some gateways take keys there).
std::string display_url(std::string_view url);

// At most max_bytes of text, cut on a UTF-8 character boundary, with "..."
// appended when something was cut.
std::string truncate_utf8(std::string_view text, size_t max_bytes);

// Replaces invalid UTF-8 sequences with U+FFFD so the text can go into JSON.
std::string valid_utf8(std::string_view text);

// Text quoted in an error: whitespace runs collapsed, at most max_bytes.
std::string snippet(std::string_view text, size_t max_bytes = 300);

}  // namespace dashflow_plugins::reviewer
