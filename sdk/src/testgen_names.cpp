// Test names and the escaping of user strings (graph, node and tool names)
// into C++ source, comments and messages.
#include <cstdio>

#include "dashflow/testgen.hpp"

namespace dashflow::testgen {
namespace {

// C++20 keywords and alternative tokens: none may name a test.
constexpr std::string_view kKeywords[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
    "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
    "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
    "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
    "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    "final", "override", "import", "module"};  // the last four: contextual, avoided anyway

bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }

constexpr size_t kMaxBase = 48;

}  // namespace

bool is_cpp_identifier(std::string_view text) {
  if (text.empty() || !(ascii_alpha(text[0]) || text[0] == '_')) return false;
  for (char c : text)
    if (!(ascii_alpha(c) || ascii_digit(c) || c == '_')) return false;
  // Reserved for the implementation: any "__", and a leading '_' (at global
  // scope, and before an upper-case letter everywhere).
  if (text[0] == '_' || text.find("__") != std::string_view::npos) return false;
  for (auto k : kKeywords)
    if (text == k) return false;
  return true;
}

std::string identifier_base(std::string_view text) {
  std::string out;
  bool gap = false;
  for (char c : text) {
    if (ascii_alpha(c) || ascii_digit(c)) {
      if (gap && !out.empty()) out += '_';
      out += c;
      gap = false;
    } else {
      gap = true;
    }
  }
  if (!out.empty() && ascii_digit(out[0])) out = "flow_" + out;
  if (out.size() > kMaxBase) out.resize(kMaxBase);
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string unique_test_name(const FlowKey& flow, std::set<std::string>& taken) {
  std::string base = identifier_base(flow.graph_name ? *flow.graph_name : flow.entry_node);
  if (base.empty()) base = "flow";
  for (uint64_t n = 1;; ++n) {
    std::string name = base + "_" + std::to_string(n);
    if (!taken.count(name) && is_cpp_identifier(name)) {
      taken.insert(name);
      return name;
    }
  }
}

std::string cpp_string_literal(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '?': out += "\\?"; break;  // no trigraph can form, whatever the compiler mode
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", c);  // exactly 3 digits: ends the escape
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string cpp_comment_text(std::string_view text) {
  // JSON quoting gives ASCII only, no raw newline, and never a trailing
  // backslash (which would continue the // comment onto the next line).
  return json(std::string(text)).dump(-1, ' ', true, json::error_handler_t::replace);
}

std::string quote_text(std::string_view text) {
  std::string out = "'";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\'': out += "\\'"; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += ch;  // UTF-8 stays readable
        }
    }
  }
  return out + "'";
}

}  // namespace dashflow::testgen
