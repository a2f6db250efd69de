// gzip (RFC 1952) through zlib, for .gz archives.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dashflow::host {

class GzipError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

bool looks_gzipped(std::string_view data);  // starts with the gzip magic 1f 8b

std::string gzip_compress(std::string_view data);

// Throws GzipError saying why: truncated data, a corrupt stream (bad CRC,
// bad header), or more than max_bytes once decompressed.
std::string gzip_decompress(std::string_view data, uint64_t max_bytes);

}  // namespace dashflow::host
