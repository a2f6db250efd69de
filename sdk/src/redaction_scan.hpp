// Internal pieces of the redaction engine (not installed): character classes,
// the copy-on-first-match rewriter every detector uses, the built-in
// detectors, secret-looking key names and key paths.
//
// Every detector is a hand-written linear scanner with a cheap anchor (a
// substring or character found with memchr-speed searches), because
// std::regex is slow and can overflow the stack on long inputs.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dashflow::redaction {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
inline bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
inline bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
inline bool is_token_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }  // base64url
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// True when text[i] is the letter of a backslash escape ("\n", "\t", ...).
// Text that is itself serialized JSON has those right before a secret; the
// letter must count as a boundary, and must never be replaced (that would
// leave a dangling backslash and break the JSON).
inline bool is_escape_letter(std::string_view text, std::size_t i) {
  if (i == 0 || text[i - 1] != '\\') return false;
  const char c = text[i];
  return c == 'n' || c == 'r' || c == 't' || c == 'b' || c == 'f';
}

// True when a token may start at i: the previous character is not in the
// token's own class (or is an escape letter).
template <class Class>
bool starts_token(std::string_view text, std::size_t i, Class in_class) {
  return i == 0 || !in_class(text[i - 1]) || is_escape_letter(text, i - 1);
}

// Builds the redacted text lazily: nothing is copied until the first match.
// Replacements must come in increasing, non-overlapping order.
class Rewriter {
 public:
  explicit Rewriter(const std::string& in) : in_(in) {}

  void replace(std::size_t begin, std::size_t end, std::string_view with) {
    if (count_ == 0) out_.reserve(in_.size());
    out_.append(in_, pos_, begin - pos_);
    out_.append(with);
    pos_ = end;
    ++count_;
  }
  // End of the last replacement: detectors that scan backwards never go before it.
  std::size_t done() const { return pos_; }

  // Moves the result into `text` (the input); returns the number of replacements.
  std::size_t finish(std::string& text) {
    if (count_ == 0) return 0;
    out_.append(in_, pos_, std::string::npos);
    text.swap(out_);
    return count_;
  }

 private:
  const std::string& in_;
  std::string out_;
  std::size_t pos_ = 0;
  std::size_t count_ = 0;
};

// A built-in detector: rewrites `text`, returns how many spans it replaced.
using DetectFn = std::size_t (*)(std::string& text);

std::size_t detect_pem_private_key(std::string& text);
std::size_t detect_jwt(std::string& text);
std::size_t detect_anthropic_key(std::string& text);
std::size_t detect_openai_key(std::string& text);
std::size_t detect_github_token(std::string& text);
std::size_t detect_slack_token(std::string& text);
std::size_t detect_aws_access_key(std::string& text);
std::size_t detect_aws_secret_key(std::string& text);
std::size_t detect_url_credentials(std::string& text);
std::size_t detect_bearer_token(std::string& text);
std::size_t detect_generic_secret(std::string& text);
std::size_t detect_email(std::string& text);
std::size_t detect_credit_card(std::string& text);
std::size_t detect_phone(std::string& text);
std::size_t detect_ip_address(std::string& text);

// ---- secret-looking key names (redaction_keys.cpp) ----

enum class SecretKey {
  None,
  BareKey,        // "key": only as key=<credential-looking value> in text (query strings, env)
  Weak,           // "token", "auth", "sig": only when the value looks like a credential
  Strong,         // "password", "api_key", "client_secret", "*_token" of auth kinds, ...
  Authorization,  // "authorization": keep the scheme word ("Basic"), redact the rest
  AwsSecret,      // "aws_secret_access_key", "SecretAccessKey", ...
};

// Classifies a key as written ("DB_PASSWORD", "apiKey", "X-Api-Key",
// "config.db.password"); only the part after the last '.' counts.
SecretKey classify_key(std::string_view key);

// Random-looking: 8+ characters, no whitespace, letters and digits both.
bool looks_like_credential(std::string_view value);

// True when the value is nothing but redaction markers and whitespace
// (a detector already replaced all of it).
bool only_markers(std::string_view value);

inline constexpr std::string_view kMarkerPrefix = "[REDACTED:";

// ---- key paths (redaction_paths.cpp) ----

struct PathSegment {
  enum class Kind { Member, AnyMember, Index, AnyIndex };
  Kind kind;
  std::string name;       // Member
  std::size_t index = 0;  // Index
};

struct KeyPath {
  std::string text;  // as configured, for messages
  std::vector<PathSegment> segments;
};

// Throws std::invalid_argument with a message naming the position.
KeyPath parse_key_path(std::string_view text);

// ---- custom patterns (redaction_custom.cpp) ----

// A configured regular expression with its replacement. Immutable; apply()
// may run from many threads at once.
class CustomPattern {
 public:
  // Throws std::invalid_argument saying what is wrong with the expression
  // ("is invalid: Parenthesis is not closed.", "matches the empty string ...").
  CustomPattern(std::string name, const std::string& regex, std::string replacement, bool ignore_case);

  const std::string& name() const { return name_; }
  // Replaces every non-empty match left to right; returns how many.
  std::size_t apply(std::string& text) const;

 private:
  struct Compiled;  // std::regex, kept out of this header
  std::string name_;
  std::string replacement_;
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace dashflow::redaction
