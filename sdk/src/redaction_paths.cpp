// Parses key paths: "metadata.user.email", "nodes_executed[*].state_after.password",
// "*.token", "[0].x", "headers[\"x.api.key\"]".
#include <stdexcept>

#include "redaction_scan.hpp"

namespace dashflow::redaction {
namespace {

[[noreturn]] void fail(std::string_view text, std::size_t pos, const std::string& what) {
  throw std::invalid_argument(what + " at position " + std::to_string(pos) + " of '" + std::string(text) + "'");
}

// Parses "[...]" starting at text[pos] == '['; returns the position after ']'.
std::size_t parse_bracket(std::string_view text, std::size_t pos, std::vector<PathSegment>& out) {
  const std::size_t open = pos++;
  if (pos < text.size() && text[pos] == '"') {
    std::string name;
    ++pos;
    while (pos < text.size() && text[pos] != '"') {
      if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
      name += text[pos++];
    }
    if (pos >= text.size()) fail(text, open, "unterminated quoted member name");
    ++pos;
    if (pos >= text.size() || text[pos] != ']') fail(text, pos, "expected ']' after quoted member name");
    out.push_back({PathSegment::Kind::Member, std::move(name), 0});
    return pos + 1;
  }
  const std::size_t close = text.find(']', pos);
  if (close == std::string_view::npos) fail(text, open, "unclosed '['");
  const std::string_view inner = text.substr(pos, close - pos);
  if (inner == "*") {
    out.push_back({PathSegment::Kind::AnyIndex, {}, 0});
    return close + 1;
  }
  if (inner.empty() || inner.size() > 9) fail(text, pos, "expected an array index, '*' or a quoted name inside []");
  std::size_t index = 0;
  for (char c : inner) {
    if (!is_digit(c)) fail(text, pos, "expected an array index, '*' or a quoted name inside []");
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  out.push_back({PathSegment::Kind::Index, {}, index});
  return close + 1;
}

}  // namespace

KeyPath parse_key_path(std::string_view text) {
  KeyPath path{std::string(text), {}};
  if (text.empty()) throw std::invalid_argument("empty key path");
  std::size_t pos = 0;
  bool expect_member = true;  // at the start and after '.'
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '[') {
      pos = parse_bracket(text, pos, path.segments);
      expect_member = false;
    } else if (c == '.') {
      if (expect_member) fail(text, pos, "empty segment");
      ++pos;
      expect_member = true;
      if (pos == text.size()) fail(text, pos, "path ends with '.'");
    } else {
      if (!expect_member) fail(text, pos, "expected '.' or '[' between segments");
      std::size_t end = pos;
      while (end < text.size() && text[end] != '.' && text[end] != '[') {
        if (text[end] == ']' || text[end] == '"') fail(text, end, std::string("unexpected '") + text[end] + "'");
        ++end;
      }
      const std::string_view name = text.substr(pos, end - pos);
      if (name == "*")
        path.segments.push_back({PathSegment::Kind::AnyMember, {}, 0});
      else
        path.segments.push_back({PathSegment::Kind::Member, std::string(name), 0});
      pos = end;
      expect_member = false;
    }
  }
  return path;
}

}  // namespace dashflow::redaction
