// The built-in detectors. Each one is a linear scan anchored on a cheap
// search (a fixed substring, '@', "://", a digit), replaces spans through a
// Rewriter (no copy unless something matched) and never looks inside earlier
// markers. Boundaries are explicit so that a key is never matched in the middle
// of a longer word ("task-..." is not "sk-...").
#include <algorithm>
#include <array>

#include "redaction_scan.hpp"

namespace dashflow::redaction {
namespace {

constexpr std::size_t npos = std::string_view::npos;

constexpr std::string_view kPemMarker = "[REDACTED:pem_private_key]";
constexpr std::string_view kJwtMarker = "[REDACTED:jwt]";
constexpr std::string_view kAnthropicMarker = "[REDACTED:anthropic_key]";
constexpr std::string_view kOpenAiMarker = "[REDACTED:openai_key]";
constexpr std::string_view kGithubMarker = "[REDACTED:github_token]";
constexpr std::string_view kSlackMarker = "[REDACTED:slack_token]";
constexpr std::string_view kAwsAccessMarker = "[REDACTED:aws_access_key]";
constexpr std::string_view kAwsSecretMarker = "[REDACTED:aws_secret_key]";
constexpr std::string_view kUrlMarker = "[REDACTED:url_credentials]";
constexpr std::string_view kBearerMarker = "[REDACTED:bearer_token]";
constexpr std::string_view kGenericMarker = "[REDACTED:generic_secret]";
constexpr std::string_view kEmailMarker = "[REDACTED:email]";
constexpr std::string_view kCardMarker = "[REDACTED:credit_card]";
constexpr std::string_view kPhoneMarker = "[REDACTED:phone]";
constexpr std::string_view kIpMarker = "[REDACTED:ip_address]";

template <class Class>
std::size_t run_end(std::string_view t, std::size_t i, Class in_class) {
  while (i < t.size() && in_class(t[i])) ++i;
  return i;
}

bool has_digit(std::string_view s) { return std::any_of(s.begin(), s.end(), is_digit); }
bool has_alpha(std::string_view s) { return std::any_of(s.begin(), s.end(), is_alpha); }
bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// ---------------------------------------------------------------- PEM blocks

bool is_pem_body_char(char c) { return is_alnum(c) || c == '+' || c == '/' || c == '=' || c == '\r' || c == '\n'; }

// End of a truncated key body (no END line): base64 lines, real or escaped newlines.
std::size_t pem_body_end(std::string_view t, std::size_t p) {
  while (p < t.size()) {
    if (is_pem_body_char(t[p])) {
      ++p;
    } else if (t[p] == '\\' && p + 1 < t.size() && (t[p + 1] == 'n' || t[p + 1] == 'r')) {
      p += 2;
    } else {
      break;
    }
  }
  return p;
}

// First '"' at or after p that is not escaped: the end of a JSON string when
// the text is serialized JSON. A PEM block never spans it.
std::size_t find_unescaped_quote(std::string_view t, std::size_t p) {
  while ((p = t.find('"', p)) != npos) {
    std::size_t backslashes = 0;
    while (backslashes < p && t[p - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return p;
    ++p;
  }
  return npos;
}

// ------------------------------------------------------------ prefixed keys

// Finds `prefix` + a run of `body` characters (at least min_body, accepted by
// `valid`), starting on a token boundary, and replaces prefix and body.
template <class Body, class Valid>
std::size_t detect_prefixed(std::string& text, std::string_view prefix, Body body, std::size_t min_body, Valid valid,
                            std::string_view marker) {
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t pos = 0, b;
  while ((b = t.find(prefix, pos)) != npos) {
    const std::size_t s = b + prefix.size();
    const std::size_t e = run_end(t, s, body);
    if (starts_token(t, b, is_token_char) && e - s >= min_body && valid(t.substr(s, e - s))) {
      rw.replace(b, e, marker);
    }
    // No key can start inside the body run: its characters are token characters.
    pos = e;
  }
  return rw.finish(text);
}

// ------------------------------------------------------------- key = value

enum class KvMode { AwsSecret, Generic };

bool is_key_char(char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; }

bool is_value_delimiter(char c) {
  switch (c) {
    case ',': case ';': case '&': case '"': case '\'': case '<': case '>': case '(': case ')':
    case '{': case '}': case '[': case ']': case '\\': case '`':
      return true;
    default:
      return is_space(c);
  }
}

// HTTP authentication schemes (IANA registry, case-insensitive).
bool is_auth_scheme(std::string_view word) {
  static constexpr std::array<std::string_view, 9> kSchemes = {"basic", "bearer", "digest", "token", "negotiate",
                                                               "ntlm", "hoba", "mutual", "apikey"};
  if (word.empty() || word.size() > 9) return false;
  char lower[10];
  for (std::size_t i = 0; i < word.size(); ++i) lower[i] = static_cast<char>(word[i] | 0x20);
  return std::find(kSchemes.begin(), kSchemes.end(), std::string_view(lower, word.size())) != kSchemes.end();
}

bool is_aws_secret_char(char c) { return is_alnum(c) || c == '/' || c == '+' || c == '='; }

// End of a quoted value starting at vb. `quote` is '"', '\'' or '\\' (for
// \"...\" inside serialized JSON). Never runs past an unescaped '"' or a
// real line end, so redacting JSON text keeps it valid JSON.
std::size_t quoted_value_end(std::string_view t, std::size_t vb, char quote) {
  std::size_t i = vb;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '"' || c == '\n') return i;
    if (c == '\\') {
      if (i + 1 == t.size()) return i;
      const char next = t[i + 1];
      // An escaped line break ends a '...' or \"...\" value; inside "..." it is part of it.
      if ((next == 'n' || next == 'r') && quote != '"') return i;
      if (next == '"' && quote == '\\') return i;
      i += 2;
      continue;
    }
    if (c == quote) return i;
    ++i;
  }
  return t.size();
}

// Scans key/value pairs ("password=x", "password: x", "\"password\": \"x\"",
// "\\\"password\\\": \\\"x\\\"" in escaped JSON) and replaces the values of
// secret-looking keys; the key and separator stay.
std::size_t detect_key_values(std::string& text, KvMode mode, std::string_view marker) {
  const std::string_view t = text;
  const std::size_t n = t.size();
  const std::string quoted_marker = '"' + std::string(marker) + '"';
  Rewriter rw(text);
  for (std::size_t s = 0; s < n; ++s) {
    const char sep = t[s];
    if (sep != ':' && sep != '=') continue;

    // Key: optional spaces and closing quote (" ' \") before the separator.
    // `member`: "key": as in serialized JSON, where an unescaped '"' always
    // delimits a string and a bare value is a number or literal.
    std::size_t ke = s;
    bool member = false;
    while (ke > 0 && (t[ke - 1] == ' ' || t[ke - 1] == '\t') && s - ke < 4) --ke;
    if (ke > 0 && (t[ke - 1] == '"' || t[ke - 1] == '\'')) {
      --ke;
      if (ke > 0 && t[ke - 1] == '\\')
        --ke;
      else
        member = sep == ':' && t[ke] == '"';
    }
    std::size_t kb = ke;
    while (kb > 0 && ke - kb <= 64 && is_key_char(t[kb - 1])) --kb;
    if (kb == ke || ke - kb > 64) continue;
    if (is_escape_letter(t, kb)) ++kb;
    if (kb < rw.done() || kb == ke) continue;
    const SecretKey cls = classify_key(t.substr(kb, ke - kb));
    if (cls == SecretKey::None) continue;
    if (mode == KvMode::AwsSecret && cls != SecretKey::AwsSecret) continue;
    if (cls == SecretKey::BareKey && sep != '=') continue;

    // Value: quoted ("...", '...', \"...\") or a run up to a delimiter.
    std::size_t v = s + 1;
    if (sep == '=' && v < n && t[v] == '=') continue;  // "==" is a comparison
    while (v < n && (t[v] == ' ' || t[v] == '\t') && v - s <= 4) ++v;
    if (v >= n) break;
    if (sep == ':' && t[v] == '/') continue;  // "https://": URLs are another detector's
    std::size_t vb, ve;
    bool quoted = true;
    if (t[v] == '\\' && v + 1 < n && t[v + 1] == '"') {
      vb = v + 2;
      ve = quoted_value_end(t, vb, '\\');
    } else if (t[v] == '"' || t[v] == '\'') {
      vb = v + 1;
      ve = quoted_value_end(t, vb, t[v]);
      if (t[v] == '"' && !member) {
        // In JSON text ("... password=", "next": 1) this quote ENDS a string:
        // then no closing quote follows, or JSON punctuation does.
        if (ve >= n || t[ve] != '"') continue;
        const std::size_t first = run_end(t, vb, is_space);
        if (first == ve || t[first] == ',' || t[first] == ':' || t[first] == ']' || t[first] == '}') continue;
      }
    } else {
      quoted = false;
      vb = v;
      ve = vb;
      while (ve < n && !is_value_delimiter(t[ve])) ++ve;
    }
    std::string_view value = t.substr(vb, ve - vb);
    if (value.empty() || starts_with(value, kMarkerPrefix)) continue;
    if (!quoted && (value == "true" || value == "false" || value == "null" || value == "None")) continue;

    std::size_t rb = vb, re = ve;  // the span to replace
    if (mode == KvMode::AwsSecret) {
      if (value.size() != 40 || !std::all_of(value.begin(), value.end(), is_aws_secret_char)) continue;
    } else if (cls == SecretKey::Weak || cls == SecretKey::BareKey) {
      if (!looks_like_credential(value)) continue;
    } else if (cls == SecretKey::Authorization) {
      // "Basic dXNlcjpwYXNz": keep the scheme word, redact the credentials.
      const std::size_t word_end = run_end(t, vb, is_alpha);
      if (!is_auth_scheme(t.substr(vb, word_end - vb))) {
        // no scheme: the whole value is the credential
      } else if (word_end == ve && !quoted && word_end < n && t[word_end] == ' ') {
        rb = run_end(t, word_end, [](char c) { return c == ' '; });
        re = rb;
        while (re < n && !is_value_delimiter(t[re])) ++re;
      } else if (word_end < ve && t[word_end] == ' ') {
        rb = run_end(t, word_end, [](char c) { return c == ' '; });
      }
      const std::string_view credentials = t.substr(rb, re - rb);
      if (credentials.empty() || starts_with(credentials, kMarkerPrefix)) continue;
    }
    // A bare JSON number after "key": becomes a string, so the JSON stays valid.
    rw.replace(rb, re, member && !quoted && rb == vb ? std::string_view(quoted_marker) : marker);
    s = re > 0 ? re - 1 : 0;
  }
  return rw.finish(text);
}

// ------------------------------------------------------------ credit cards

bool luhn_ok(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (std::size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// Card brands' prefixes and lengths (Visa, Mastercard, Amex, Diners, JCB,
// Discover, UnionPay, Maestro). Numbers starting with 0, 1, 7, 8, 9 are never
// cards, which keeps epoch seconds/ms/ns and most numeric ids safe.
bool plausible_card(std::string_view d) {
  const std::size_t n = d.size();
  switch (d[0]) {
    case '4':
      return n == 13 || n == 16 || n == 19;
    case '5':
      return n >= 16;
    case '6':
      return n >= 16;
    case '3':
      if (d[1] == '4' || d[1] == '7') return n == 15;
      if (d[1] == '0' || d[1] == '6' || d[1] == '8' || d[1] == '9') return n >= 14;
      if (d[1] == '5') return n >= 16;
      return false;
    case '2': {
      const int first4 = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
      return n == 16 && first4 >= 2221 && first4 <= 2720;
    }
    default:
      return false;
  }
}

bool number_ends_at(std::string_view t, std::size_t e) {
  if (e >= t.size()) return true;
  const char c = t[e];
  if (is_alnum(c) || c == '_') return false;
  if (c == '.' && e + 1 < t.size() && is_digit(t[e + 1])) return false;  // a decimal fraction
  return true;
}

bool number_starts_at(std::string_view t, std::size_t i) {
  if (i == 0 || is_escape_letter(t, i - 1)) return true;
  const char p = t[i - 1];
  return !(is_alnum(p) || p == '_' || p == '.');
}

// Cards are never written after a '+' (that is a phone number in E.164).
bool card_starts_at(std::string_view t, std::size_t i) { return number_starts_at(t, i) && (i == 0 || t[i - 1] != '+'); }

// ------------------------------------------------------------------ phones

bool phone_starts_at(std::string_view t, std::size_t i) {
  if (i == 0 || is_escape_letter(t, i - 1)) return true;
  const char p = t[i - 1];
  return !(is_alnum(p) || p == '.' || p == '_' || p == '+' || p == '-' || p == '/' || p == '\\');
}

bool phone_ends_at(std::string_view t, std::size_t e) {
  if (e >= t.size()) return true;
  const char c = t[e];
  if (is_alnum(c) || c == '_') return false;
  if ((c == '.' || c == '-' || c == '/' || c == ':') && e + 1 < t.size() && is_digit(t[e + 1])) return false;
  return true;
}

// "+<digits>" with optional single ' ', '-', '.' separators and "(..)" groups.
// Returns the end, or npos.
std::size_t match_e164(std::string_view t, std::size_t i) {
  std::size_t j = i + 1;
  if (j >= t.size() || t[j] < '1' || t[j] > '9') return npos;
  int digits = 0, groups = 1;
  bool separated = false;
  std::size_t best = npos;
  // A number may be followed by unrelated digits ("+14155552671 10.0.0.1"):
  // every group end is a candidate, the longest valid one wins.
  auto candidate = [&](std::size_t end) {
    const bool valid = separated ? (digits >= 8 && groups >= 3) : digits >= 10;
    if (valid && phone_ends_at(t, end)) best = end;
  };
  while (j < t.size()) {
    const char c = t[j];
    if (is_digit(c)) {
      const std::size_t e = run_end(t, j, is_digit);
      digits += static_cast<int>(e - j);
      if (digits > 15) break;
      j = e;
      candidate(j);
    } else if (c == '(') {
      const std::size_t k = run_end(t, j + 1, is_digit);
      if (k == j + 1 || k - j - 1 > 4 || k >= t.size() || t[k] != ')') break;
      digits += static_cast<int>(k - j - 1);
      if (digits > 15) break;
      j = k + 1;
      separated = true;
      ++groups;
      if (j + 1 < t.size() && (t[j] == ' ' || t[j] == '-') && is_digit(t[j + 1])) ++j, ++groups;
    } else if ((c == ' ' || c == '-' || c == '.') && j + 1 < t.size() && (is_digit(t[j + 1]) || t[j + 1] == '(')) {
      separated = true;
      if (is_digit(t[j + 1])) ++groups;
      ++j;
    } else {
      break;
    }
  }
  return best;
}

bool nanp_lead(char c) { return c >= '2' && c <= '9'; }

bool digits_at(std::string_view t, std::size_t i, std::size_t count) {
  if (i + count > t.size()) return false;
  for (std::size_t k = i; k < i + count; ++k)
    if (!is_digit(t[k])) return false;
  return true;
}

// North American numbers with separators: "(415) 555-2671", "(415)555-2671",
// "415-555-2671", "415.555.2671", each optionally after "1-", "1." or "1 ".
// Space-only groups ("512 256 1024") are not phones: too many number lists look like that.
std::size_t match_nanp(std::string_view t, std::size_t i) {
  std::size_t j = i;
  if (t[j] == '1' && j + 1 < t.size() && (t[j + 1] == '-' || t[j + 1] == '.' || t[j + 1] == ' ')) j += 2;
  if (j >= t.size()) return npos;
  if (t[j] == '(') {
    if (!digits_at(t, j + 1, 3) || !nanp_lead(t[j + 1]) || j + 4 >= t.size() || t[j + 4] != ')') return npos;
    j += 5;
    if (j < t.size() && t[j] == ' ') ++j;
    if (!digits_at(t, j, 3) || !nanp_lead(t[j])) return npos;
    j += 3;
    if (j >= t.size() || (t[j] != '-' && t[j] != '.' && t[j] != ' ')) return npos;
    ++j;
  } else {
    if (!digits_at(t, j, 3) || !nanp_lead(t[j])) return npos;
    j += 3;
    if (j >= t.size() || (t[j] != '-' && t[j] != '.')) return npos;
    const char sep = t[j++];
    if (!digits_at(t, j, 3) || !nanp_lead(t[j])) return npos;
    j += 3;
    if (j >= t.size() || t[j] != sep) return npos;
    ++j;
  }
  if (!digits_at(t, j, 4)) return npos;
  j += 4;
  return phone_ends_at(t, j) ? j : npos;
}

}  // namespace

std::size_t detect_pem_private_key(std::string& text) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  constexpr std::string_view kEnd = "-----END ";
  constexpr std::string_view kDashes = "-----";
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t pos = 0, b;
  std::size_t quote = 0, end_line = 0;  // next unescaped '"' and next END line, searched lazily
  while ((b = t.find(kBegin, pos)) != npos) {
    const std::size_t label = b + kBegin.size();
    const std::size_t label_end = t.find(kDashes, label);
    if (label_end == npos) break;
    const std::string_view name = t.substr(label, label_end - label);
    const bool private_key = name.size() <= 40 && name.find("PRIVATE KEY") != npos &&
                             std::all_of(name.begin(), name.end(), [](char c) { return is_upper(c) || is_digit(c) || c == ' '; });
    if (!private_key) {  // certificates and public keys are not secrets
      pos = label;
      continue;
    }
    const std::size_t body = label_end + kDashes.size();
    std::size_t end;
    // Both searches are remembered: many BEGIN lines without END must not rescan the text each time.
    if (quote != npos && quote < body) quote = find_unescaped_quote(t, body);
    if (end_line != npos && end_line < body) end_line = t.find(kEnd, body);
    if (const std::size_t e = end_line; e != npos && e < quote) {
      const std::size_t close = t.find(kDashes, e + kEnd.size());
      end = close == npos ? run_end(t, e + kEnd.size(), [](char c) { return is_upper(c) || c == ' '; })
                          : close + kDashes.size();
    } else {
      end = pem_body_end(t, body);  // truncated block: the body is still secret
    }
    rw.replace(b, end, kPemMarker);
    pos = end;
  }
  return rw.finish(text);
}

std::size_t detect_jwt(std::string& text) {
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t pos = 0, b;
  while ((b = t.find("eyJ", pos)) != npos) {
    const std::size_t e1 = run_end(t, b, is_token_char);
    pos = e1;
    if (!starts_token(t, b, is_token_char) || e1 - b < 10 || e1 >= t.size() || t[e1] != '.') continue;
    const std::size_t s2 = e1 + 1;
    const std::size_t e2 = run_end(t, s2, is_token_char);
    if (e2 - s2 < 10 || t.compare(s2, 2, "ey") != 0 || e2 >= t.size() || t[e2] != '.') continue;
    const std::size_t e3 = run_end(t, e2 + 1, is_token_char);  // the signature may be empty (alg "none")
    rw.replace(b, e3, kJwtMarker);
    pos = e3;
  }
  return rw.finish(text);
}

std::size_t detect_anthropic_key(std::string& text) {
  return detect_prefixed(text, "sk-ant-", is_token_char, 20, [](std::string_view) { return true; }, kAnthropicMarker);
}

std::size_t detect_openai_key(std::string& text) {
  // "sk-", "sk-proj-", "sk-svcacct-", "sk-admin-": a long random run with digits.
  // Anthropic keys are left to their own detector even when it is turned off.
  return detect_prefixed(
      text, "sk-", is_token_char, 20,
      [](std::string_view body) { return !starts_with(body, "ant-") && has_digit(body) && has_alpha(body); },
      kOpenAiMarker);
}

std::size_t detect_github_token(std::string& text) {
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t pos = 0, b;
  while ((b = t.find('g', pos)) != npos) {
    pos = b + 1;
    if (!starts_token(t, b, is_token_char)) continue;
    std::size_t s, e;
    if (b + 3 < t.size() && t[b + 1] == 'h' && std::string_view("pousr").find(t[b + 2]) != npos && t[b + 3] == '_') {
      s = b + 4;
      e = run_end(t, s, is_alnum);
      if (e - s < 20) continue;
    } else if (t.compare(b, 11, "github_pat_") == 0) {
      s = b + 11;
      e = run_end(t, s, [](char c) { return is_alnum(c) || c == '_'; });
      if (e - s < 22) continue;
    } else {
      continue;
    }
    rw.replace(b, e, kGithubMarker);
    pos = e;
  }
  return rw.finish(text);
}

std::size_t detect_slack_token(std::string& text) {
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t pos = 0, b;
  while ((b = t.find("xox", pos)) != npos) {
    pos = b + 3;
    if (b + 4 >= t.size() || std::string_view("abpors").find(t[b + 3]) == npos || t[b + 4] != '-') continue;
    if (!starts_token(t, b, is_token_char)) continue;
    const std::size_t e = run_end(t, b + 5, [](char c) { return is_alnum(c) || c == '-'; });
    if (e - (b + 5) < 10 || !has_digit(t.substr(b + 5, e - b - 5))) continue;
    rw.replace(b, e, kSlackMarker);
    pos = e;
  }
  return rw.finish(text);
}

std::size_t detect_aws_access_key(std::string& text) {
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t pos = 0, b;
  while ((b = t.find('A', pos)) != npos) {
    pos = b + 1;
    if (b + 20 > t.size()) break;
    const std::string_view prefix = t.substr(b, 4);
    if (prefix != "AKIA" && prefix != "ASIA" && prefix != "ABIA" && prefix != "ACCA") continue;
    if (!starts_token(t, b, is_alnum)) continue;
    const std::size_t e = run_end(t, b + 4, [](char c) { return is_upper(c) || is_digit(c); });
    if (e - b != 20 || (e < t.size() && is_alnum(t[e]))) continue;
    rw.replace(b, e, kAwsAccessMarker);
    pos = e;
  }
  return rw.finish(text);
}

std::size_t detect_aws_secret_key(std::string& text) {
  return detect_key_values(text, KvMode::AwsSecret, kAwsSecretMarker);
}

std::size_t detect_url_credentials(std::string& text) {
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t pos = 0, s;
  while ((s = t.find("://", pos)) != npos) {
    const std::size_t a = s + 3;
    pos = a;
    std::size_t sb = s;
    while (sb > 0 && s - sb < 32 && (is_alnum(t[sb - 1]) || t[sb - 1] == '+' || t[sb - 1] == '-' || t[sb - 1] == '.')) --sb;
    if (sb == s || !is_alpha(t[sb])) continue;
    // The authority ends at the path, query, fragment or anything that cannot be in a URL;
    // the user info ends at its LAST '@' (passwords often carry a raw '@').
    std::size_t at = npos, ae = a;
    for (; ae < t.size() && ae - a < 2048; ++ae) {
      const char c = t[ae];
      if (c == '/' || c == '?' || c == '#' || is_space(c) || c == '"' || c == '\'' || c == '<' || c == '>' ||
          c == '\\' || c == '`')
        break;
      if (c == '@') at = ae;
    }
    if (at == npos || at == a || at + 1 >= t.size() || !(is_alnum(t[at + 1]) || t[at + 1] == '[')) continue;
    const std::string_view userinfo = t.substr(a, at - a);
    if (starts_with(userinfo, kMarkerPrefix)) continue;
    // "user:password@" always; a bare "token@" only when it looks random ("git@" stays).
    if (userinfo.find(':') == npos && !(userinfo.size() >= 16 && looks_like_credential(userinfo))) continue;
    rw.replace(a, at, kUrlMarker);
    pos = at;
  }
  return rw.finish(text);
}

std::size_t detect_bearer_token(std::string& text) {
  const std::string_view t = text;
  Rewriter rw(text);
  auto token_char = [](char c) {
    return is_alnum(c) || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '-';
  };
  for (std::size_t i = 0; i + 7 < t.size(); ++i) {
    if ((t[i] | 0x20) != 'b') continue;
    if ((t[i + 1] | 0x20) != 'e' || (t[i + 2] | 0x20) != 'a' || (t[i + 3] | 0x20) != 'r' ||
        (t[i + 4] | 0x20) != 'e' || (t[i + 5] | 0x20) != 'r')
      continue;
    if (!starts_token(t, i, is_alnum) || (t[i + 6] != ' ' && t[i + 6] != '\t')) continue;
    const std::size_t s = run_end(t, i + 6, [](char c) { return c == ' ' || c == '\t'; });
    const std::size_t e = run_end(t, s, token_char);
    const std::string_view token = t.substr(s, e - s);
    // "Bearer authentication" is prose; tokens are long or carry digits.
    if (token.size() < 8 || (!has_digit(token) && token.size() < 24)) continue;
    rw.replace(s, e, kBearerMarker);
    i = e - 1;
  }
  return rw.finish(text);
}

std::size_t detect_generic_secret(std::string& text) {
  return detect_key_values(text, KvMode::Generic, kGenericMarker);
}

std::size_t detect_email(std::string& text) {
  auto local_char = [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; };
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t pos = 0, at;
  while ((at = t.find('@', pos)) != npos) {
    pos = at + 1;
    std::size_t lb = at;
    while (lb > 0 && at - lb < 64 && local_char(t[lb - 1])) --lb;
    if (lb > 0 && local_char(t[lb - 1]) && !is_escape_letter(t, lb - 1)) continue;  // longer than 64: not an address
    if (is_escape_letter(t, lb)) ++lb;
    lb = std::max(lb, rw.done());
    while (lb < at && t[lb] == '.') ++lb;
    if (lb == at) continue;
    if (lb >= 3 && t.substr(lb - 3, 3) == "://") continue;  // URL user info: url_credentials decides

    std::size_t de = at + 1;
    while (de < t.size() && de - at <= 253 && (is_alnum(t[de]) || t[de] == '-' || t[de] == '.')) ++de;
    while (de > at + 1 && (t[de - 1] == '.' || t[de - 1] == '-')) --de;  // sentence punctuation
    const std::string_view domain = t.substr(at + 1, de - at - 1);
    const std::size_t last_dot = domain.rfind('.');
    if (last_dot == npos || domain.find("..") != npos || domain.front() == '.' || domain.front() == '-') continue;
    const std::string_view tld = domain.substr(last_dot + 1);
    if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), is_alpha)) continue;  // "node@1.2.3" is a version
    if (t.substr(lb, at - lb) == "git" && de < t.size() && t[de] == ':') continue;  // git@host:org/repo remotes
    rw.replace(lb, de, kEmailMarker);
    pos = de;
  }
  return rw.finish(text);
}

std::size_t detect_credit_card(std::string& text) {
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t i = 0;
  while (i < t.size()) {
    if (!is_digit(t[i])) {
      ++i;
      continue;
    }
    // Fast path: most digit runs are short numbers standing alone.
    const std::size_t run = run_end(t, i, is_digit);
    const bool joined = run + 1 < t.size() && (t[run] == ' ' || t[run] == '-') && is_digit(t[run + 1]);
    if (!joined && (run - i < 13 || run - i > 19)) {
      i = run;
      continue;
    }
    // Digit groups joined by one consistent separator (' ' or '-').
    struct Group {
      std::size_t begin, end;
    };
    std::array<Group, 8> groups{};
    std::size_t ngroups = 0, total = 0, j = i;
    char sep = 0;
    while (true) {
      const std::size_t gs = j;
      j = run_end(t, j, is_digit);
      groups[ngroups++] = {gs, j};
      total += j - gs;
      if (total > 19 || ngroups == groups.size()) break;
      if (j + 1 < t.size() && (t[j] == ' ' || t[j] == '-') && (sep == 0 || sep == t[j]) && is_digit(t[j + 1])) {
        sep = t[j++];
        continue;
      }
      break;
    }
    if (card_starts_at(t, i)) {
      // The longest leading set of groups that forms a card: "4111 1111 1111 1111 2" is a card and a 2.
      for (std::size_t k = ngroups; k > 0; --k) {
        std::size_t digits = 0;
        bool shape = true;
        for (std::size_t g = 0; g < k; ++g) {
          const std::size_t len = groups[g].end - groups[g].begin;
          digits += len;
          if (k > 1 && (g == 0 ? len != 4 : (len < 3 || len > 6))) shape = false;
        }
        if (!shape || digits < 13 || digits > 19) continue;
        const std::size_t end = groups[k - 1].end;
        if (k == ngroups && !number_ends_at(t, end)) continue;
        char buf[20];
        std::size_t n = 0;
        for (std::size_t g = 0; g < k; ++g)
          for (std::size_t p = groups[g].begin; p < groups[g].end; ++p) buf[n++] = t[p];
        const std::string_view d(buf, n);
        if (!plausible_card(d) || !luhn_ok(d)) continue;
        rw.replace(i, end, kCardMarker);
        break;
      }
    }
    i = run_end(t, j, is_digit);
  }
  return rw.finish(text);
}

std::size_t detect_phone(std::string& text) {
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c != '+' && c != '(' && !is_digit(c)) {
      ++i;
      continue;
    }
    std::size_t end = npos;
    if (is_digit(c)) {
      // A North American number starts with a 3-digit area code or "1" and a separator.
      const std::size_t run = run_end(t, i, is_digit);
      const bool sep_next = run < t.size() && (t[run] == '-' || t[run] == '.' || t[run] == ' ');
      if (!sep_next || (run - i != 3 && !(run - i == 1 && c == '1'))) {
        i = run;
        continue;
      }
    }
    if (phone_starts_at(t, i)) end = c == '+' ? match_e164(t, i) : match_nanp(t, i);
    if (end != npos) {
      rw.replace(i, end, kPhoneMarker);
      i = end;
    } else {
      i = is_digit(c) ? run_end(t, i, is_digit) : i + 1;
    }
  }
  return rw.finish(text);
}

std::size_t detect_ip_address(std::string& text) {
  const std::string_view t = text;
  Rewriter rw(text);
  std::size_t i = 0;
  while (i < t.size()) {
    if (!is_digit(t[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    bool ok = number_starts_at(t, i);
    for (int octet = 0; ok && octet < 4; ++octet) {
      if (octet > 0) {
        if (j >= t.size() || t[j] != '.') {
          ok = false;
          break;
        }
        ++j;
      }
      const std::size_t e = run_end(t, j, is_digit);
      if (e == j || e - j > 3) {
        ok = false;
        break;
      }
      int value = 0;
      for (std::size_t k = j; k < e; ++k) value = value * 10 + (t[k] - '0');
      if (value > 255) ok = false;
      j = e;
    }
    if (ok && number_ends_at(t, j) && !(j < t.size() && t[j] == '.' && j + 1 < t.size() && is_digit(t[j + 1]))) {
      rw.replace(i, j, kIpMarker);
      i = j;
    } else {
      i = run_end(t, i, [](char ch) { return is_digit(ch) || ch == '.'; });
    }
  }
  return rw.finish(text);
}

}  // namespace dashflow::redaction
