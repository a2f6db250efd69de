// Test names are valid, unique C++ identifiers; every user string is escaped
// so that it survives a C++ string literal, a // comment and a message.
#include <gtest/gtest.h>

#include <random>

#include "dashflow/testgen.hpp"

namespace {

using namespace dashflow::testgen;

// Decodes the escapes cpp_string_literal emits, as a C++ compiler would.
std::string decode_literal(const std::string& lit) {
  EXPECT_GE(lit.size(), 2u);
  EXPECT_EQ(lit.front(), '"');
  EXPECT_EQ(lit.back(), '"');
  std::string out;
  for (size_t i = 1; i + 1 < lit.size(); ++i) {
    char c = lit[i];
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "non-printable byte in the literal at " << i;
    EXPECT_NE(c, '"') << "unescaped quote at " << i;
    if (c != '\\') {
      out += c;
      continue;
    }
    char e = lit[++i];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '?': out += '?'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      default: {
        EXPECT_TRUE(e >= '0' && e <= '7') << "unexpected escape \\" << e;
        EXPECT_TRUE(lit[i + 1] >= '0' && lit[i + 1] <= '7' && lit[i + 2] >= '0' && lit[i + 2] <= '7')
            << "octal escapes must have exactly 3 digits";
        out += static_cast<char>(std::stoi(lit.substr(i, 3), nullptr, 8));
        i += 2;
      }
    }
  }
  return out;
}

TEST(Identifiers, ValidAndReserved) {
  EXPECT_TRUE(is_cpp_identifier("weather_bot_1"));
  EXPECT_TRUE(is_cpp_identifier("A1"));
  EXPECT_FALSE(is_cpp_identifier(""));
  EXPECT_FALSE(is_cpp_identifier("1abc"));
  EXPECT_FALSE(is_cpp_identifier("a-b"));
  EXPECT_FALSE(is_cpp_identifier("a b"));
  EXPECT_FALSE(is_cpp_identifier("_x"));
  EXPECT_FALSE(is_cpp_identifier("a__b"));
  EXPECT_FALSE(is_cpp_identifier("class"));
  EXPECT_FALSE(is_cpp_identifier("co_await"));
  EXPECT_FALSE(is_cpp_identifier("and"));
  EXPECT_FALSE(is_cpp_identifier("caf\xc3\xa9"));
}

TEST(Identifiers, BaseFromAnyText) {
  EXPECT_EQ(identifier_base("weather_bot"), "weather_bot");
  EXPECT_EQ(identifier_base("Weather Bot v2!"), "Weather_Bot_v2");
  EXPECT_EQ(identifier_base("--a--b--"), "a_b");
  EXPECT_EQ(identifier_base("a__b"), "a_b");
  EXPECT_EQ(identifier_base("9lives"), "flow_9lives");
  EXPECT_EQ(identifier_base("\xe5\xa4\x9a\xe8\xaf\xad\xe8\xa8\x80"), "");  // 多语言
  EXPECT_EQ(identifier_base("caf\xc3\xa9 au lait"), "caf_au_lait");
  EXPECT_EQ(identifier_base("\"quoted\"\\path\n"), "quoted_path");
  EXPECT_LE(identifier_base(std::string(200, 'x')).size(), 48u);
  EXPECT_EQ(identifier_base(std::string(47, 'x') + "-y").back(), 'x');  // no trailing '_' after the cut
}

TEST(Identifiers, UniqueNamesPerFlow) {
  std::set<std::string> taken;
  FlowKey g{std::string("weather-bot"), ""};
  FlowKey g2{std::string("weather bot"), ""};  // same base
  FlowKey unnamed{std::nullopt, "planner"};
  FlowKey empty{std::string("\xe5\xa4\x9a"), ""};
  EXPECT_EQ(unique_test_name(g, taken), "weather_bot_1");
  EXPECT_EQ(unique_test_name(g, taken), "weather_bot_2");
  EXPECT_EQ(unique_test_name(g2, taken), "weather_bot_3");
  EXPECT_EQ(unique_test_name(unnamed, taken), "planner_1");
  EXPECT_EQ(unique_test_name(empty, taken), "flow_1");
  EXPECT_EQ(unique_test_name(empty, taken), "flow_2");
  taken.insert("x_1");
  EXPECT_EQ(unique_test_name(FlowKey{std::string("x"), ""}, taken), "x_2");
  for (const auto& n : taken) EXPECT_TRUE(is_cpp_identifier(n)) << n;
}

TEST(Escaping, CppStringLiteralExact) {
  EXPECT_EQ(cpp_string_literal("plain"), "\"plain\"");
  EXPECT_EQ(cpp_string_literal("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(cpp_string_literal("back\\slash"), "\"back\\\\slash\"");
  EXPECT_EQ(cpp_string_literal("line\nnext\ttab\r"), "\"line\\nnext\\ttab\\r\"");
  EXPECT_EQ(cpp_string_literal("?\?="), "\"\\?\\?=\"");  // no trigraph
  // Non-ASCII as 3-digit octal: a following digit cannot extend the escape.
  EXPECT_EQ(cpp_string_literal("\xc3\xa9" "1"), "\"\\303\\2511\"");
  EXPECT_EQ(cpp_string_literal(std::string("\0x", 2)), "\"\\000x\"");
}

TEST(Escaping, CppStringLiteralRoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  EXPECT_EQ(decode_literal(cpp_string_literal(all)), all);
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string s;
    const int len = static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) s += static_cast<char>("\"\\?\n0127a\xc3\xa9\x01\x7f"[rng() % 14]);
    EXPECT_EQ(decode_literal(cpp_string_literal(s)), s);
  }
}

TEST(Escaping, CommentTextStaysOnOneLine) {
  for (std::string s : {"a\nb", "ends with backslash\\", "*/ close", "caf\xc3\xa9", "\"q\""}) {
    const std::string c = cpp_comment_text(s);
    EXPECT_EQ(c.find('\n'), std::string::npos) << c;
    EXPECT_EQ(c.find('\r'), std::string::npos) << c;
    EXPECT_NE(c.back(), '\\') << c;
    for (unsigned char ch : c) EXPECT_LT(ch, 0x80) << c;
    EXPECT_EQ(dashflow::json::parse(c).get<std::string>(), s);
  }
}

TEST(Escaping, QuoteTextForMessages) {
  EXPECT_EQ(quote_text("validate"), "'validate'");
  EXPECT_EQ(quote_text("it's"), "'it\\'s'");
  EXPECT_EQ(quote_text("a\\b"), "'a\\\\b'");
  EXPECT_EQ(quote_text("two\nlines"), "'two\\nlines'");
  EXPECT_EQ(quote_text("bell\x07"), "'bell\\x07'");
  EXPECT_EQ(quote_text("caf\xc3\xa9"), "'caf\xc3\xa9'");  // UTF-8 stays readable
}

}  // namespace
