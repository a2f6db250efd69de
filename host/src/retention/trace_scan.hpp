// Which files in a traces directory retention manages, and listing them.
// Names follow the trace sources (trace-dir, otlp): *.json, *.jsonl,
// *.ndjson and their .gz forms; hidden names and *.tmp are not traces.
// Locators are built exactly as the trace-dir source builds them
// (<dir without trailing '/'>/<name>...), so a daemon cursor keyed by the
// source's locators can follow what retention renames.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/plugin.hpp"

namespace dashflow::host {

struct TraceFileName {
  bool is_trace = false;
  bool gzip = false;
};

TraceFileName classify_trace_name(std::string_view file_name);

// Temp files of an interrupted compression: ".<name>.gz.tmp.<pid>.<hex>".
std::string retention_temp_name(std::string_view file_name);  // for "<name>" (the original)
bool is_retention_temp_name(std::string_view file_name);

struct ScannedTrace {
  TraceUnit unit;      // locator, size, mtime, inode, device
  bool gzip = false;
};

struct TraceScan {
  std::vector<ScannedTrace> traces;      // sorted by locator
  std::vector<TraceUnit> temp_files;     // leftovers of interrupted compressions
  std::vector<std::string> errors;       // unreadable directories or entries (named)
};

// `dir` with trailing slashes removed ("/" stays "/").
std::string normalize_dir(std::string dir);

// Walks `root` (a normalized directory path), into subdirectories when
// `recursive` (hidden directories are skipped, symlinks never followed:
// retention only touches regular files that are really in the tree).
TraceScan scan_traces(const std::string& root, bool recursive);

// lstat of one path as a TraceUnit; false when it does not exist or is not
// a regular file.
bool stat_unit(const std::string& path, TraceUnit& unit);

}  // namespace dashflow::host
