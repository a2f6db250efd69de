// Reading trace files into padded buffers: plain files with one read() into a
// reused buffer, gzip files decompressed with zlib. Both enforce a size cap
// (on the decompressed size for gzip, so a gzip bomb is refused early).
#pragma once

#include <cstdint>
#include <string>

#include "padded_buffer.hpp"

namespace dashflow::tracedir {

// Reads the regular file at path into out. Returns "" on success, otherwise
// the reason it was not read ("permission denied (open failed)", "is a
// directory, not a trace file", "file is 700 MB, over max_file_mb 512", ...).
std::string read_file(const std::string& path, uint64_t max_file_mb, PaddedBuffer& out);

// Decompresses gzip data (one or more members) into out. Returns "" on
// success, otherwise the reason ("gzip data is corrupt (...)", "gzip data is
// truncated ...", "gzip data decompresses to more than max_file_mb 512 ...").
std::string gunzip(const char* data, size_t size, uint64_t max_file_mb, PaddedBuffer& out);

// "700 MB", "1.5 MB" (MiB, one decimal when it matters).
std::string format_mb(uint64_t bytes);

}  // namespace dashflow::tracedir
