// Which key names carry secrets. Names are normalized to snake_case first
// ("apiKey", "API-KEY", "SecretAccessKey" -> "api_key", "api_key",
// "secret_access_key"), so one table covers JSON, env files, headers and
// query strings. Plural and count-like names ("tokens", "max_tokens",
// "prompt_tokens") never match: token counts are telemetry.
#include <algorithm>
#include <array>

#include "redaction_scan.hpp"

namespace dashflow::redaction {
namespace {

struct Name {
  std::string_view name;
  SecretKey kind;
};

// Sorted by name for binary search: this runs for every ':' and '=' in the text.
constexpr std::array<Name, 47> kNames = {{
    {"access_token", SecretKey::Strong},        {"api_key", SecretKey::Strong},
    {"api_secret", SecretKey::Strong},          {"api_token", SecretKey::Strong},
    {"apikey", SecretKey::Strong},              {"app_secret", SecretKey::Strong},
    {"auth", SecretKey::Weak},                  {"auth_token", SecretKey::Strong},
    {"authorization", SecretKey::Authorization}, {"aws_secret", SecretKey::AwsSecret},
    {"aws_secret_access_key", SecretKey::AwsSecret}, {"aws_secret_key", SecretKey::AwsSecret},
    {"bearer_token", SecretKey::Strong},        {"client_key", SecretKey::Strong},
    {"client_secret", SecretKey::Strong},       {"connection_string", SecretKey::Strong},
    {"cookie", SecretKey::Strong},              {"credential", SecretKey::Strong},
    {"credentials", SecretKey::Strong},         {"encryption_key", SecretKey::Strong},
    {"id_token", SecretKey::Strong},            {"key", SecretKey::BareKey},
    {"master_key", SecretKey::Strong},          {"oauth_token", SecretKey::Strong},
    {"passphrase", SecretKey::Strong},          {"passwd", SecretKey::Strong},
    {"password", SecretKey::Strong},            {"private_key", SecretKey::Strong},
    {"proxy_authorization", SecretKey::Authorization}, {"pwd", SecretKey::Strong},
    {"refresh_token", SecretKey::Strong},       {"secret", SecretKey::Strong},
    {"secret_access_key", SecretKey::AwsSecret}, {"secret_key", SecretKey::Strong},
    {"secretaccesskey", SecretKey::AwsSecret},  {"session_secret", SecretKey::Strong},
    {"session_token", SecretKey::Strong},       {"set_cookie", SecretKey::Strong},
    {"sig", SecretKey::Weak},                   {"signature", SecretKey::Weak},
    {"signing_key", SecretKey::Strong},         {"token", SecretKey::Weak},
    {"webhook_secret", SecretKey::Strong},      {"x_access_token", SecretKey::Strong},
    {"x_api_key", SecretKey::Strong},           {"x_auth_token", SecretKey::Strong},
    {"x_authorization", SecretKey::Authorization},
}};

// "db_password", "stripe_api_key", "github_access_token", ...
constexpr std::array<std::string_view, 13> kStrongSuffixes = {
    "_password", "_passwd", "_pwd", "_secret", "_api_key", "_apikey", "_secret_key", "_private_key",
    "_access_token", "_refresh_token", "_auth_token", "_session_token", "_api_token"};

constexpr bool sorted_names() {
  for (std::size_t i = 1; i < kNames.size(); ++i)
    if (!(kNames[i - 1].name < kNames[i].name)) return false;
  return true;
}
static_assert(sorted_names(), "kNames must stay sorted");

bool has_strong_suffix(std::string_view name) {
  // Every suffix ends in one of these words; most names are rejected here.
  const std::size_t underscore = name.rfind('_');
  if (underscore == std::string_view::npos) return false;
  const std::string_view last = name.substr(underscore + 1);
  if (last != "password" && last != "passwd" && last != "pwd" && last != "secret" && last != "key" &&
      last != "apikey" && last != "token")
    return false;
  for (std::string_view suffix : kStrongSuffixes)
    if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) return true;
  return false;
}

}  // namespace

SecretKey classify_key(std::string_view key) {
  if (auto dot = key.rfind('.'); dot != std::string_view::npos) key = key.substr(dot + 1);
  if (key.size() < 3 || key.size() > 48) return SecretKey::None;
  // Every name in the tables ends in one of these letters: a cheap first filter.
  switch (key.back() | 0x20) {
    case 'd': case 'e': case 'g': case 'h': case 'l': case 'n': case 's': case 't': case 'y':
      break;
    default:
      return SecretKey::None;
  }

  // snake_case into a small buffer: '_' before an upper-case letter that
  // follows a lower-case letter or digit; '-' and ' ' become '_'.
  char buf[112];
  std::size_t n = 0;
  bool has_alpha = false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (is_upper(c)) {
      if (i > 0 && (is_lower(key[i - 1]) || is_digit(key[i - 1]))) buf[n++] = '_';
      buf[n++] = static_cast<char>(c - 'A' + 'a');
      has_alpha = true;
    } else if (is_lower(c)) {
      buf[n++] = c;
      has_alpha = true;
    } else if (is_digit(c) || c == '_') {
      buf[n++] = c;
    } else if (c == '-' || c == ' ') {
      buf[n++] = '_';
    } else {
      return SecretKey::None;
    }
  }
  if (!has_alpha) return SecretKey::None;
  const std::string_view name(buf, n);

  const auto it = std::lower_bound(kNames.begin(), kNames.end(), name,
                                   [](const Name& entry, std::string_view n) { return entry.name < n; });
  if (it != kNames.end() && it->name == name) return it->kind;
  return has_strong_suffix(name) ? SecretKey::Strong : SecretKey::None;
}

bool looks_like_credential(std::string_view value) {
  if (value.size() < 8) return false;
  bool letter = false, digit = false;
  for (char c : value) {
    if (is_space(c)) return false;
    letter |= is_alpha(c);
    digit |= is_digit(c);
  }
  return letter && digit;
}

bool only_markers(std::string_view value) {
  std::size_t i = 0;
  bool any = false;
  while (i < value.size()) {
    if (is_space(value[i])) {
      ++i;
    } else if (value.substr(i, kMarkerPrefix.size()) == kMarkerPrefix) {
      const std::size_t close = value.find(']', i);
      if (close == std::string_view::npos) return false;
      i = close + 1;
      any = true;
    } else {
      return false;
    }
  }
  return any;
}

}  // namespace dashflow::redaction
