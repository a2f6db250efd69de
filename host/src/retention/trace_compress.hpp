// Crash-safe compression of one trace file, and the check that settles a
// crash's leftovers (a trace present both as x.json and x.json.gz).
//
// compress_trace: gzip to a hidden temp file in the same directory, with the
// original's mode and mtime, fsync, verify the temp by decompressing it
// (CRC-32 and length must equal the original's), rename it to <name>.gz
// (never over an existing file), fsync the directory, unlink the original,
// fsync the directory. A crash before the rename leaves only a temp file
// (removed by the next run); after it, both names exist and the next run
// keeps the .gz once check_duplicate says it holds the same bytes.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "dashflow/plugin.hpp"

namespace dashflow::host {

class TraceRetentionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Called after each durable step of a compression ("temp-synced", "renamed",
// "original-removed") with the original's path. Tests use it to crash the
// process at each step; production leaves it empty.
using RetentionStepHook = std::function<void(std::string_view step, const std::string& path)>;

struct CompressOutcome {
  TraceUnit compressed;  // the .gz (in a dry run: predicted size, inode 0)
  std::string warning;   // set when the .gz is in place but the original could not be removed
};

// Compresses `original` (as scanned) to original.locator + ".gz". Throws
// TraceRetentionError saying what went wrong and that the original is
// untouched (the temp file is removed), e.g. when the file changed since the
// scan or while it was compressed, or when <name>.gz already exists.
CompressOutcome compress_trace(const TraceUnit& original, bool dry_run, const RetentionStepHook& hook = {});

enum class DuplicateVerdict {
  SameTrace,          // the .gz decompresses to exactly the original's bytes
  CompressedCorrupt,  // the .gz is not a complete gzip stream
  Different,          // both are intact but hold different data
};

struct DuplicateCheck {
  DuplicateVerdict verdict = DuplicateVerdict::Different;
  std::string detail;  // why (for messages)
};

// Compares `original` with `compressed` (its .gz). Throws
// TraceRetentionError when either cannot be read.
DuplicateCheck check_duplicate(const std::string& original, const std::string& compressed);

// fsync of a directory, so renames and unlinks inside it survive a crash.
// Throws TraceRetentionError naming the directory.
void fsync_directory(const std::string& dir);

// The directory part of a locator ("." for a bare name).
std::string parent_dir(const std::string& path);

}  // namespace dashflow::host
