#include "archive/gzip.hpp"

#include <zlib.h>

namespace dashflow::host {

bool looks_gzipped(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b;
}

std::string gzip_compress(std::string_view data) {
  z_stream zs{};
  // 15 window bits + 16: write a gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw GzipError("cannot initialize zlib compression");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 64);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const uLong written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw GzipError("zlib compression failed (code " + std::to_string(rc) + ")");
  out.resize(written);
  return out;
}

std::string gzip_decompress(std::string_view data, uint64_t max_bytes) {
  std::string out;
  size_t offset = 0;
  // A gzip file may hold several members one after the other.
  while (offset < data.size()) {
    if (!looks_gzipped(data.substr(offset))) {
      throw GzipError(offset == 0 ? "not gzip data (no gzip header)"
                                  : "unexpected data after the end of the gzip stream at byte " + std::to_string(offset));
    }
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) throw GzipError("cannot initialize zlib decompression");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + offset));
    zs.avail_in = static_cast<uInt>(data.size() - offset);
    char buf[65536];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      rc = inflate(&zs, Z_NO_FLUSH);
      const size_t produced = sizeof buf - zs.avail_out;
      out.append(buf, produced);
      if (out.size() > max_bytes) {
        inflateEnd(&zs);
        throw GzipError("decompressed data exceeds " + std::to_string(max_bytes / (1024 * 1024)) + " MiB");
      }
      if (rc == Z_STREAM_END) break;
      if (rc == Z_BUF_ERROR || (rc == Z_OK && zs.avail_in == 0 && produced == 0)) {
        inflateEnd(&zs);
        throw GzipError("truncated gzip data: the stream ends after " + std::to_string(data.size()) +
                        " bytes without its end marker (the file is incomplete)");
      }
      if (rc != Z_OK) {
        const std::string why = zs.msg ? zs.msg : "code " + std::to_string(rc);
        inflateEnd(&zs);
        throw GzipError("corrupt gzip data (" + why + ")");
      }
    }
    offset += zs.total_in;
    inflateEnd(&zs);
  }
  return out;
}

}  // namespace dashflow::host
