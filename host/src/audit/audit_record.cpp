#include "audit/audit_record.hpp"

#include "audit/sha256.hpp"
#include "dashflow/time.hpp"

namespace dashflow::host {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const json& field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) throw AuditFormatError(std::string("missing field '") + name + "'");
  return *it;
}

std::string string_field(const json& j, const char* name) {
  const json& v = field(j, name);
  if (!v.is_string()) throw AuditFormatError(std::string("field '") + name + "' is not a string");
  return v.get<std::string>();
}

std::string hash_field(const json& j, const char* name) {
  std::string v = string_field(j, name);
  if (!is_sha256_hex(v)) throw AuditFormatError(std::string("field '") + name + "' is not a SHA-256 hex digest");
  return v;
}

}  // namespace

std::string canonical_text(const AuditRecord& r) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical.
  json body = {{"seq", r.seq},     {"ts", r.ts},           {"kind", r.kind},
               {"actor", r.actor}, {"details", r.details}, {"prev_hash", r.prev_hash}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string compute_hash(const AuditRecord& r) { return sha256_hex(canonical_text(r)); }

std::string record_line(const AuditRecord& r) {
  ordered_json line;
  line["seq"] = r.seq;
  line["ts"] = r.ts;
  line["kind"] = r.kind;
  line["actor"] = r.actor;
  line["details"] = ordered_json::parse(r.details.dump(-1, ' ', false, json::error_handler_t::replace));
  line["prev_hash"] = r.prev_hash;
  line["hash"] = r.hash;
  return line.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

json record_json(const AuditRecord& r) {
  return {{"seq", r.seq},     {"ts", r.ts},           {"kind", r.kind},           {"actor", r.actor},
          {"details", r.details}, {"prev_hash", r.prev_hash}, {"hash", r.hash}};
}

AuditRecord parse_record_line(std::string_view line) {
  json j;
  try {
    j = json::parse(line.begin(), line.end());
  } catch (const json::parse_error& e) {
    throw AuditFormatError(std::string("not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) throw AuditFormatError("not a JSON object");
  AuditRecord r;
  const json& seq = field(j, "seq");
  if (!seq.is_number_unsigned()) throw AuditFormatError("field 'seq' is not a positive integer");
  r.seq = seq.get<uint64_t>();
  if (r.seq == 0) throw AuditFormatError("field 'seq' is 0 (sequence numbers start at 1)");
  r.ts = string_field(j, "ts");
  if (!parse_rfc3339_ms(r.ts)) throw AuditFormatError("field 'ts' is not an RFC 3339 timestamp");
  r.kind = string_field(j, "kind");
  if (!is_valid_kind(r.kind)) throw AuditFormatError("field 'kind' is empty or has characters other than a-z 0-9 . _ -");
  r.actor = string_field(j, "actor");
  r.details = field(j, "details");
  r.prev_hash = hash_field(j, "prev_hash");
  r.hash = hash_field(j, "hash");
  if (j.size() != 7) {
    for (const auto& [key, value] : j.items()) {
      static const char* known[] = {"seq", "ts", "kind", "actor", "details", "prev_hash", "hash"};
      bool ok = false;
      for (const char* k : known) ok = ok || key == k;
      if (!ok) throw AuditFormatError("unexpected field '" + key + "' (fields are not covered by the hash otherwise)");
    }
  }
  return r;
}

bool is_valid_kind(std::string_view kind) {
  if (kind.empty() || kind.size() > 64) return false;
  for (char c : kind) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace dashflow::host
