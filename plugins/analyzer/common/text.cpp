#include "dashflow_analyzers/text.hpp"

#include <cstdio>

namespace dashflow::analyzers {

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string truncate_text(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  const size_t limit = max_bytes >= 3 ? max_bytes - 3 : 0;
  // Keep every character that starts before `limit`, whole.
  size_t end = 0;
  while (end < s.size() && end < limit) {
    ++end;
    while (end < s.size() && is_continuation(static_cast<unsigned char>(s[end]))) ++end;
  }
  std::string out(s.substr(0, end));
  out += "...";
  return out;
}

std::string utf8_first_chars(std::string_view s, size_t n) {
  size_t end = 0;
  for (size_t chars = 0; chars < n && end < s.size(); ++chars) {
    ++end;
    while (end < s.size() && is_continuation(static_cast<unsigned char>(s[end]))) ++end;
  }
  return std::string(s.substr(0, end));
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::string join(const std::set<std::string>& parts, std::string_view separator) {
  return join(std::vector<std::string>(parts.begin(), parts.end()), separator);
}

std::string base_name(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace dashflow::analyzers
