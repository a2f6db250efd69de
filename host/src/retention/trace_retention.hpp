// Trace retention: keeps a traces directory within the configured limits.
//
// In order, over the trace files (*.json, *.jsonl, *.ndjson and their .gz
// forms; see trace_scan.hpp):
//   0. repair what an interrupted run left: hidden temp files are removed; a
//      trace present as both x and x.gz keeps the .gz when it decompresses to
//      exactly x's bytes (x is removed), keeps x when the .gz is corrupt (the
//      .gz is removed), and keeps both (reported as an error) when they differ
//   1. delete files older than delete_after_days
//   2. gzip files older than compress_after_days to <name>.gz, keeping the
//      original's mtime and mode, atomically (trace_compress.hpp); the mtime
//      is kept, so age-based deletion still counts from the trace's own time
//   3. delete the oldest (mtime, then path) while the total exceeds max_total_mb
//   4. delete the oldest while there are more than max_count files
// Files modified in the last `settle_seconds` are being written and are
// never touched (they still count toward the totals). An absent limit is no
// limit. Per-file failures are collected and do not stop the run.
//
// The daemon calls apply_trace_retention every N cycles and moves its cursor
// along `renamed`, so compressed traces are not analyzed a second time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "retention/trace_compress.hpp"

namespace dashflow::host {

struct TraceRetentionPolicy {
  std::optional<uint64_t> compress_after_days;
  std::optional<uint64_t> delete_after_days;
  std::optional<uint64_t> max_total_mb;  // MiB
  std::optional<uint64_t> max_count;
  bool recursive = true;         // as the trace source reads the directory
  int64_t settle_seconds = 60;   // files modified more recently are left alone
  int64_t lock_timeout_ms = 10000;
  int64_t now_unix_ms = 0;       // 0: the system clock (tests pin it)
  RetentionStepHook step_hook;   // tests only: crash points (trace_compress.hpp)

  bool any_limit() const { return compress_after_days || delete_after_days || max_total_mb || max_count; }
  json to_json() const;
};

enum class DeleteReason { Age, Size, Count };
const char* to_string(DeleteReason reason);

struct TraceRename {
  TraceUnit from;  // the unit as it was
  TraceUnit to;    // the unit now holding the same trace
};

struct DeletedTrace {
  TraceUnit unit;
  DeleteReason reason = DeleteReason::Age;
};

struct RepairedTrace {
  std::string removed;  // the file removed
  std::string kept;     // the file that holds the trace now (empty for temp files)
  std::string why;
  uint64_t bytes = 0;
};

struct TraceRetentionResult {
  std::string dir;
  bool dry_run = false;
  bool dir_exists = false;
  uint64_t files_before = 0, bytes_before = 0;
  uint64_t files_after = 0, bytes_after = 0;  // predicted in a dry run
  std::vector<TraceRename> compressed;  // to.size: the .gz size (predicted in a dry run)
  std::vector<DeletedTrace> deleted;    // in the order of the steps, oldest first in each
  std::vector<RepairedTrace> repaired;
  // Every trace that now lives under another locator (compressions and the
  // repairs that kept the .gz): what a cursor keyed by locator must follow.
  std::vector<TraceRename> renamed;
  uint64_t skipped_recent = 0;          // files left alone because they are being written
  std::vector<std::string> errors;

  uint64_t deleted_count(DeleteReason reason) const;
  uint64_t freed_bytes() const;              // deleted files, repairs included
  uint64_t compression_saved_bytes() const;  // sum of max(0, before - after)
  json to_json() const;
};

// Applies `policy` to the traces directory `dir` (missing: nothing to do).
// dry_run: changes nothing, not even the lock file, and reports what would
// happen (compressed sizes are computed by compressing into nowhere).
// Throws TraceRetentionError when `dir` is not a directory, or when another
// run holds the directory's retention lock (.dashflow-retention.lock) for
// longer than policy.lock_timeout_ms.
TraceRetentionResult apply_trace_retention(const std::string& dir, const TraceRetentionPolicy& policy, bool dry_run);

}  // namespace dashflow::host
