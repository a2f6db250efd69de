// Streaming gzip for trace retention: compress one open file into another
// (or only count the compressed bytes, for dry runs), and check a .gz file
// end to end. Streams in fixed-size chunks, so a 500 MB trace never sits in
// memory. Every function reports the CRC-32 and length of the uncompressed
// data, which is how a compressed copy is matched with its original.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace dashflow::host {

class GzipStreamError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StreamDigest {
  uint32_t crc32 = 0;           // of the uncompressed bytes
  uint64_t uncompressed = 0;    // bytes
  uint64_t compressed = 0;      // bytes of gzip data written (compress) or read (verify)
  bool operator==(const StreamDigest& o) const { return crc32 == o.crc32 && uncompressed == o.uncompressed; }
};

struct GzipHeaderInfo {
  std::string name;      // original file name, stored in the gzip header (gunzip -N)
  int64_t mtime_s = 0;   // original mtime, stored in the gzip header
};

// Reads in_fd to its end and writes gzip data to out_fd (out_fd < 0: the
// data is only counted). Throws GzipStreamError naming `what` on I/O errors.
StreamDigest gzip_fd(int in_fd, int out_fd, const GzipHeaderInfo& header, const std::string& what);

// Decompresses all of in_fd (every gzip member, as gunzip does) and digests
// the result. Throws GzipStreamError saying why the data is not a complete,
// intact gzip stream (truncated, bad CRC, not gzip, trailing garbage).
StreamDigest gunzip_digest_fd(int in_fd, const std::string& what);

// CRC-32 and length of a plain file's bytes.
StreamDigest digest_fd(int in_fd, const std::string& what);

}  // namespace dashflow::host
