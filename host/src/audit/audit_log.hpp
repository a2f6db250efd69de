// The audit trail: an append-only, hash-chained log of what changed the
// storage (plan transitions, analysis runs, imports, config changes).
//
// Files under the audit dir (default <storage location>/audit):
//   YYYY-MM-DD.jsonl   one record per line (audit_record.hpp), UTC day of the
//                      append; the chain (seq, prev_hash) runs across files in
//                      name order
//   head.json          {"seq","hash","file"} of the last record, rewritten
//                      atomically after every append, so that deleting the
//                      end of the log is detected too
//   .lock              flock(2) taken for every append: two processes (daemon
//                      and CLI) or threads never fork the chain
//   *.jsonl.damaged    incomplete last lines moved aside by append (a crash
//                      cut them); kept as evidence, reported by verify
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_record.hpp"

namespace dashflow::host {

struct AuditProblem {
  std::string file;   // file name inside the audit dir ("2025-12-15.jsonl")
  uint64_t line = 0;  // 1-based; 0 when the problem is not on one line
  std::string reason;
  std::string where() const { return line ? file + ":" + std::to_string(line) : file; }
};

struct AuditVerifyResult {
  std::string dir;
  uint64_t files = 0;
  uint64_t records = 0;
  uint64_t last_seq = 0;
  std::string last_hash;
  std::optional<AuditProblem> problem;  // the first one found; verification stops there
  std::vector<std::string> warnings;    // not tampering, but worth knowing
  bool ok() const { return !problem; }
};

struct AuditLogOptions {
  int64_t lock_timeout_ms = 10000;
  // Clock in milliseconds since the epoch; the system clock when empty.
  std::function<int64_t()> now_ms;
};

class AuditLog {
 public:
  explicit AuditLog(std::filesystem::path dir, AuditLogOptions options = {});

  const std::filesystem::path& dir() const { return dir_; }

  // Appends one record, fsynced, continuing the chain from the last record
  // on disk (read under the lock). Throws AuditError naming the file when
  // the chain cannot be continued or the write fails.
  AuditRecord append(std::string_view kind, std::string_view actor, const nlohmann::json& details);

  // Records with ts >= since_ms (all when empty), oldest first. Lines that
  // are not records are skipped and, when `skipped` is given, listed there.
  std::vector<AuditRecord> read(std::optional<int64_t> since_ms = std::nullopt,
                                std::vector<AuditProblem>* skipped = nullptr) const;

  // Checks every line and the chain; names the first bad file:line and why.
  AuditVerifyResult verify() const;

 private:
  int64_t now() const;

  std::filesystem::path dir_;
  AuditLogOptions options_;
};

// <storage location>/audit
std::filesystem::path default_audit_dir(const std::string& storage_location);

// "user@host" of this process (effective user).
std::string current_actor();

// Day files helpers (shared with verify and export).
bool is_day_file_name(std::string_view name);
std::vector<std::string> list_day_files(const std::filesystem::path& dir);  // sorted by name
std::string utc_day(int64_t unix_ms);                                        // "2025-12-15"

}  // namespace dashflow::host
