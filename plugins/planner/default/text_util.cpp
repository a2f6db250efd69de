#include "text_util.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "dashflow/ids.hpp"

namespace dashflow::planner {
namespace {

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// True when text[pos..] starts with a hyphenated UUID.
bool uuid_at(std::string_view text, size_t pos) {
  if (pos + 36 > text.size()) return false;
  for (size_t i = 0; i < 36; ++i) {
    const char c = text[pos + i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !is_hex(c)) return false;
  }
  return true;
}

}  // namespace

std::string format_fixed(double value, int decimals) {
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*f", decimals, value);
  return buf.data();
}

std::string truncate_text(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  const size_t keep = max_bytes > 3 ? max_bytes - 3 : 0;
  return utf8_prefix(text, keep) + "...";
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::string normalize_key_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (is_space(c)) {
      pending_space = !out.empty();
      ++i;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      ++i;
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    if (uuid_at(text, i)) {
      out += "<uuid>";
      i += 36;
      continue;
    }
    if (is_digit(c)) {
      while (i < text.size() && (is_digit(text[i]) || (text[i] == '.' && i + 1 < text.size() && is_digit(text[i + 1]))))
        ++i;
      out += "<n>";
      continue;
    }
    out += lower(c);
    ++i;
  }
  return out;
}

std::optional<std::string> first_quoted(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char q = text[i];
    if (q != '\'' && q != '"' && q != '`') continue;
    const size_t end = text.find(q, i + 1);
    if (end == std::string_view::npos) return std::nullopt;
    if (end > i + 1) return std::string(text.substr(i + 1, end - i - 1));
    i = end;
  }
  return std::nullopt;
}

std::string insight_kind(std::string_view insight) {
  static const std::array<std::string_view, 12> kFiller = {"a", "an", "the", "of", "is", "are",
                                                           "in", "for", "to", "and", "was", "were"};
  size_t end = insight.size();
  for (std::string_view stop : {std::string_view(". "), std::string_view("("), std::string_view(":")}) {
    const size_t at = insight.find(stop);
    if (at != std::string_view::npos) end = std::min(end, at);
  }
  const std::string_view sentence = insight.substr(0, end);

  std::vector<std::string> words;
  std::string word;
  bool has_digit = false;
  auto flush = [&] {
    if (!word.empty() && !has_digit &&
        std::find(kFiller.begin(), kFiller.end(), std::string_view(word)) == kFiller.end() && words.size() < 6)
      words.push_back(word);
    word.clear();
    has_digit = false;
  };
  for (char c : sentence) {
    if (is_space(c)) {
      flush();
    } else if (is_digit(c)) {
      has_digit = true;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
               (static_cast<unsigned char>(c) & 0x80)) {
      word += lower(c);
    }
    // other punctuation (quotes, %, '.', ',') is dropped
  }
  flush();
  if (words.empty()) return "insight";
  std::string kind = join(words, "_");
  return kind;
}

}  // namespace dashflow::planner
