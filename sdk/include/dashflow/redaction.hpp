// Redaction of secrets and personal data in trace text and JSON documents.
// It runs before anything is stored or sent (reports, plans, alerts, exports,
// generated tests): SPEC.md "Trace data lifecycle".
//
// Order (fixes DashFlow's redaction.rs, whose generic patterns ran first and
// ate cards, URLs, SHAs and numeric telemetry): built-in detectors run
// specific before generic, in the order of redaction_detectors(); then the
// custom patterns, in the order written in the config. Each step sees the
// output of the previous one, so a secret already replaced by a marker is
// never matched (or counted) twice.
//
//   pem_private_key  -----BEGIN ... PRIVATE KEY----- .. -----END ...----- (whole block)
//   jwt              eyJ<header>.<payload>.<signature>
//   anthropic_key    sk-ant-...
//   openai_key       sk-..., sk-proj-..., sk-svcacct-... (20+ chars, with a digit)
//   github_token     ghp_ gho_ ghu_ ghs_ ghr_ (20+ alnum), github_pat_...
//   slack_token      xoxa- xoxb- xoxp- xoxo- xoxr- xoxs-
//   aws_access_key   AKIA/ASIA/ABIA/ACCA + 16 [A-Z0-9]
//   aws_secret_key   40-char secret after an AWS label (aws_secret_access_key=, "SecretAccessKey": ...)
//   url_credentials  scheme://user:pass@host -> scheme://[REDACTED:url_credentials]@host
//   bearer_token     Bearer <token> -> Bearer [REDACTED:bearer_token]
//   generic_secret   password=, secret:, api_key:, "password": "...", DB_PASSWORD=, apiKey=,
//                    Authorization: Basic ... (scheme kept); token=/auth=/sig= and key= (key only
//                    with '=') when the value looks random (8+ chars, letters and digits);
//                    in JSON documents also the values of members named like secrets.
//                    Counts and limits never match: max_tokens=4096, "prompt_tokens": 12
//   email            local@domain.tld
//   credit_card      13-19 digits, Luhn-checked, card-brand prefix, optional ' '/'-' groups
//   phone            +E.164 (optionally grouped), NANP "(415) 555-2671", "415-555-2671", "415.555.2671"
//   ip_address       dotted IPv4 (OFF by default: addresses of services are operational
//                    telemetry; turn on when traces carry end-user addresses)
//
// Never touched by the built-ins: durations, ISO 8601 timestamps, epoch
// seconds/ms/ns, UUIDs, hex ids, git SHAs, version strings, plain numbers and
// token counts. A replaced span becomes "[REDACTED:<kind>]" (a custom pattern
// may give its own replacement).
//
// A Redactor is immutable after construction and safe to use from many
// threads at once.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/json.hpp"

namespace dashflow {

// How many spans were replaced, per kind: a built-in detector name, a custom
// pattern name, or "key_path" for values removed by a configured key path.
struct RedactionStats {
  std::map<std::string, std::size_t, std::less<>> by_kind;

  std::size_t total() const;
  std::size_t count(std::string_view kind) const;
  void add(std::string_view kind, std::size_t n = 1);
  void merge(const RedactionStats& other);
  bool empty() const { return by_kind.empty(); }
};

// A built-in detector: name (the key under "detectors" and the marker kind),
// whether it runs by default, and what it finds.
struct RedactionDetectorInfo {
  std::string_view name;
  bool enabled_by_default;
  std::string_view description;
};

// The built-in detectors, in the order they run.
const std::vector<RedactionDetectorInfo>& redaction_detectors();

// "[REDACTED:<kind>]"
std::string redaction_marker(std::string_view kind);

// JSON Schema of the redaction config object, for the host to embed in its
// config schema (keywords limited to what the host's validator supports).
//
// key_paths: dotted paths from the document root; a segment is a member name,
// "*" (any member), "[N]" (array index N) or "[*]" (any index); a member name
// with dots or brackets is written ["a.b"]. Arrays met where the path names a
// member are walked through (as DashFlow's redact_fields did), so
// "nodes_executed.state_after.password" equals
// "nodes_executed[*].state_after.password". The whole matched value (whatever
// its type) is replaced by the string "[REDACTED:key_path]".
//
// custom_patterns: ECMAScript regular expressions (std::regex, run in
// libstdc++'s polynomial mode: no back-references, no stack overflow on long
// inputs), applied after the built-ins in the order written, so they see the
// built-ins' markers. "replacement" defaults to "[REDACTED:<name>]" and may
// use $&, $1..$99. Start a pattern with a literal ("EMP-[0-9]{6}") where you
// can: std::regex tries every start position, so a pattern that begins with a
// broad repeated class costs time quadratic in the length of a failing run.
inline constexpr std::string_view kRedactionConfigSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "description": "Redaction of secrets and personal data before anything is stored or sent",
  "properties": {
    "enabled": {"type": "boolean", "default": true},
    "detectors": {
      "type": "object",
      "additionalProperties": false,
      "description": "Turn built-in detectors on or off individually",
      "properties": {
        "pem_private_key": {"type": "boolean", "default": true},
        "jwt": {"type": "boolean", "default": true},
        "anthropic_key": {"type": "boolean", "default": true},
        "openai_key": {"type": "boolean", "default": true},
        "github_token": {"type": "boolean", "default": true},
        "slack_token": {"type": "boolean", "default": true},
        "aws_access_key": {"type": "boolean", "default": true},
        "aws_secret_key": {"type": "boolean", "default": true},
        "url_credentials": {"type": "boolean", "default": true},
        "bearer_token": {"type": "boolean", "default": true},
        "generic_secret": {"type": "boolean", "default": true},
        "email": {"type": "boolean", "default": true},
        "credit_card": {"type": "boolean", "default": true},
        "phone": {"type": "boolean", "default": true},
        "ip_address": {"type": "boolean", "default": false}
      }
    },
    "key_paths": {
      "type": "array",
      "description": "Dotted JSON paths whose whole value is replaced, e.g. metadata.user.email or nodes_executed[*].state_after.password",
      "items": {"type": "string", "minLength": 1}
    },
    "custom_patterns": {
      "type": "array",
      "description": "Extra regular expressions, applied after the built-in detectors in the order written",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "regex"],
        "properties": {
          "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
          "regex": {"type": "string", "minLength": 1},
          "replacement": {"type": "string"},
          "ignore_case": {"type": "boolean", "default": false}
        }
      }
    }
  }
})json";

class Redactor {
 public:
  // Default config: enabled, every detector that is on by default.
  Redactor();
  // Throws ConfigError naming the offending key, detector, path or pattern
  // (index, name and the regex error).
  explicit Redactor(const json& config);

  bool enabled() const;

  // The text with every detected span replaced. Serialized JSON given as text
  // stays valid JSON (replacements never cross a string boundary; a bare
  // number after "password": becomes a string), but prefer redact_json for
  // documents: only it applies key paths and secret-named members.
  std::string redact(std::string_view text) const;
  // Same; adds what was replaced to `stats`.
  std::string redact(std::string_view text, RedactionStats& stats) const;

  // Redacts in place: configured key paths first (whole value), then every
  // string value and every object key through the detectors; members named
  // like secrets ("password", "api_key", "client_secret", "authorization", ...)
  // lose their whole string/number value unless a detector already replaced
  // all of it. A key whose redacted form collides with a sibling gets "#2",
  // "#3", ... appended. Numbers, booleans and null are otherwise untouched.
  RedactionStats redact_json(json& value) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace dashflow
