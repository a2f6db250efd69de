// One audit record and its hash chain arithmetic.
//
// A record is one compact JSON line in <audit dir>/YYYY-MM-DD.jsonl:
//   {"seq":7,"ts":"2025-12-15T10:30:00.123Z","kind":"plan.transition",
//    "actor":"ana@build-1","details":{...},"prev_hash":"<64 hex>","hash":"<64 hex>"}
// hash = SHA-256 of the canonical text of the record without "hash": compact
// JSON with object keys sorted (nlohmann::json's std::map order) at every
// level. prev_hash is the previous record's hash; the first record's is 64
// zeros. The line itself is written in the field order above for people; the
// verifier re-parses it, so the written order does not matter.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace dashflow::host {

struct AuditRecord {
  uint64_t seq = 0;
  std::string ts;       // RFC 3339 UTC with milliseconds and Z
  std::string kind;     // plan.transition | analysis.run | import | export | config.change | ...
  std::string actor;    // user@host, or "daemon"
  nlohmann::json details = nlohmann::json::object();
  std::string prev_hash;
  std::string hash;
};

// prev_hash of the first record.
inline const std::string kAuditGenesisHash(64, '0');

// The audit log cannot be read or appended (the message names the file).
class AuditError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A line that is not a well-formed record; the message says which field.
class AuditFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The text the hash is computed over.
std::string canonical_text(const AuditRecord& record);
std::string compute_hash(const AuditRecord& record);

// The line as written (compact JSON, no trailing newline).
std::string record_line(const AuditRecord& record);
// JSON object of the record (for --format json).
nlohmann::json record_json(const AuditRecord& record);

// Parses and checks the shape of one line (not its hash). Throws
// AuditFormatError naming the problem.
AuditRecord parse_record_line(std::string_view line);

// Kinds are short dotted names: lowercase letters, digits, '.', '_' and '-'.
bool is_valid_kind(std::string_view kind);

}  // namespace dashflow::host
