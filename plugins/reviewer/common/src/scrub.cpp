#include "dashflow_reviewer/scrub.hpp"

#include <algorithm>

namespace dashflow_plugins::reviewer {

Scrubber::Scrubber(std::vector<std::string> secrets) {
  for (auto& s : secrets) add(std::move(s));
}

void Scrubber::add(std::string secret) {
  if (secret.empty()) return;
  secrets_.push_back(std::move(secret));
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string Scrubber::operator()(std::string_view text) const {
  std::string out(text);
  for (const auto& secret : secrets_) {
    for (size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + kRedacted.size()))
      out.replace(pos, secret.size(), kRedacted);
  }
  return out;
}

std::string display_url(std::string_view url) {
  const size_t cut = url.find_first_of("?#");
  const bool query = cut != std::string_view::npos && url[cut] == '?';
  std::string out(url.substr(0, cut));
  const size_t scheme = out.find("://");
  const size_t host_start = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t path_start = out.find('/', host_start);
  const size_t at = out.rfind('@', path_start == std::string::npos ? std::string::npos : path_start);
  if (at != std::string::npos && at >= host_start) out.replace(host_start, at - host_start, "***");
  if (query) out += "?...";
  return out;
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len = 0;
  unsigned min_cp = 0;
  unsigned cp = 0;
  if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min_cp = 0x80;
  else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min_cp = 0x800;
  else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min_cp = 0x10000;
  else return 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

std::string truncate_utf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // Step back over continuation bytes so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t len = utf8_sequence_length(text, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string snippet(std::string_view text, size_t max_bytes) {
  std::string collapsed;
  collapsed.reserve(std::min(text.size(), max_bytes * 2));
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !collapsed.empty();
      continue;
    }
    if (space) collapsed += ' ';
    space = false;
    collapsed += c;
    if (collapsed.size() > max_bytes + 8) break;
  }
  return truncate_utf8(valid_utf8(collapsed), max_bytes);
}

}  // namespace dashflow_plugins::reviewer
