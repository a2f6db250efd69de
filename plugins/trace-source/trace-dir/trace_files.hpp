// Which files are traces, and finding them under a directory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dashflow/plugin.hpp"
#include "trace_dir_config.hpp"
#include "trace_text.hpp"

namespace dashflow::tracedir {

struct FileKind {
  bool is_trace = false;  // one of the trace extensions, not hidden, not a temp file
  bool gzip = false;      // *.gz
  TextFormat format = TextFormat::Document;
};

// By file name: *.json, *.json.gz (Document); *.jsonl, *.jsonl.gz, *.ndjson,
// *.ndjson.gz (Lines). Hidden names ('.' first) and *.tmp are not traces.
FileKind classify(std::string_view file_name);

// The trace files under config.path (recursively when configured), sorted by
// locator. A missing path gives no units; a path that is a regular file gives
// that file. Symlinks are followed only with follow_symlinks (loops are
// detected by device and inode).
std::vector<TraceUnit> list_trace_files(const TraceDirConfig& config);

}  // namespace dashflow::tracedir
