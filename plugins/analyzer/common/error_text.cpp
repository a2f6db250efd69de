#include "dashflow_analyzers/error_text.hpp"

#include <regex>

namespace dashflow::analyzers {

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} at s[i] (s is lowercase).
bool uuid_at(std::string_view s, size_t i) {
  if (s.size() - i < 36) return false;
  for (size_t k = 0; k < 36; ++k) {
    const char c = s[i + k];
    if (k == 8 || k == 13 || k == 18 || k == 23) {
      if (c != '-') return false;
    } else if (!is_hex(c)) {
      return false;
    }
  }
  return true;
}

std::string first_capture(const std::regex& re, std::string_view text) {
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_search(text.begin(), text.end(), m, re) && m.size() > 1) return m[1].str();
  return {};
}

}  // namespace

std::string normalize_error_message(std::string_view message, bool strip_quotes) {
  std::string lower(message);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');

  // UUIDs and digit runs (a digit run ends where a UUID starts, as in the
  // two regex passes of the reference).
  std::string replaced;
  replaced.reserve(lower.size());
  const std::string_view s(lower);
  size_t i = 0;
  while (i < s.size()) {
    if (uuid_at(s, i)) {
      replaced += "<uuid>";
      i += 36;
    } else if (is_digit(s[i])) {
      replaced += "<n>";
      while (i < s.size() && is_digit(s[i]) && !uuid_at(s, i)) ++i;
    } else {
      replaced += s[i];
      ++i;
    }
  }

  // Optional quote removal, whitespace collapse and trim.
  std::string out;
  out.reserve(replaced.size());
  bool pending_space = false;
  for (char c : replaced) {
    if (strip_quotes && (c == '"' || c == '\'')) continue;
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

bool mentions_missing_tool(std::string_view m) {
  return m.find("tool") != std::string_view::npos || m.find("function") != std::string_view::npos ||
         m.find("not found") != std::string_view::npos || m.find("undefined") != std::string_view::npos;
}

std::string extract_missing_tool_name(std::string_view message) {
  static const std::regex kPatterns[] = {
      std::regex(R"re(tool\s*['"]([^'"]+)['"])re"),
      std::regex(R"re(function\s*['"]([^'"]+)['"])re"),
      std::regex(R"re(['"]([^'"]+)['"]\s*not\s*found)re"),
  };
  for (const auto& re : kPatterns) {
    std::string name = first_capture(re, message);
    if (!name.empty()) return name;
  }
  return {};
}

std::string extract_tool_name_from_error(std::string_view message) {
  static const std::regex kPatterns[] = {
      std::regex(R"re('([^']+)')re"),
      std::regex(R"re("([^"]+)")re"),
      std::regex(R"re(`([^`]+)`)re"),
  };
  for (const auto& re : kPatterns) {
    std::string name = first_capture(re, message);
    if (!name.empty() && name.find(' ') == std::string::npos && name.size() < 50) return name;
  }
  return "unknown_tool";
}

bool mentions_unavailable(std::string_view m) {
  return m.find("not found") != std::string_view::npos || m.find("unavailable") != std::string_view::npos ||
         m.find("not implemented") != std::string_view::npos;
}

bool is_timeout_error(const ErrorTrace& error) {
  return error.message.find("timeout") != std::string::npos ||
         (error.error_type.has_value() && *error.error_type == "Timeout");
}

}  // namespace dashflow::analyzers
