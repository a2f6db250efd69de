#include "retention/gzip_stream.hpp"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace dashflow::host {
namespace {

constexpr size_t kChunk = 256 * 1024;

// read() that retries on EINTR; 0 at the end of the file.
size_t read_some(int fd, unsigned char* buf, size_t size, const std::string& what) {
  for (;;) {
    const ssize_t n = ::read(fd, buf, size);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    throw GzipStreamError("cannot read " + what + ": " + std::strerror(errno));
  }
}

void write_all(int fd, const unsigned char* data, size_t size, const std::string& what) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw GzipStreamError("cannot write the compressed copy of " + what + ": " + std::strerror(errno) +
                            (errno == ENOSPC ? " (the disk is full)" : ""));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

struct DeflateEnd {
  z_stream* zs;
  ~DeflateEnd() { deflateEnd(zs); }
};

struct InflateEnd {
  z_stream* zs;
  ~InflateEnd() { inflateEnd(zs); }
};

}  // namespace

StreamDigest gzip_fd(int in_fd, int out_fd, const GzipHeaderInfo& header, const std::string& what) {
  z_stream zs{};
  // 15 window bits + 16: gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw GzipStreamError("cannot initialize zlib compression for " + what);
  DeflateEnd end{&zs};
  // The header keeps the original name and mtime, as gzip(1) does.
  std::vector<Bytef> name(header.name.begin(), header.name.end());
  name.push_back(0);
  gz_header gz{};
  gz.name = name.data();
  gz.time = header.mtime_s > 0 ? static_cast<uLong>(header.mtime_s) : 0;
  gz.os = 3;  // Unix
  if (deflateSetHeader(&zs, &gz) != Z_OK) throw GzipStreamError("cannot set the gzip header for " + what);

  StreamDigest digest;
  digest.crc32 = static_cast<uint32_t>(crc32(0L, Z_NULL, 0));
  std::vector<unsigned char> in(kChunk), out(kChunk);
  int flush = Z_NO_FLUSH;
  while (flush != Z_FINISH) {
    const size_t n = read_some(in_fd, in.data(), in.size(), what);
    if (n == 0) flush = Z_FINISH;
    digest.crc32 = static_cast<uint32_t>(crc32(digest.crc32, in.data(), static_cast<uInt>(n)));
    digest.uncompressed += n;
    zs.next_in = in.data();
    zs.avail_in = static_cast<uInt>(n);
    do {
      zs.next_out = out.data();
      zs.avail_out = static_cast<uInt>(out.size());
      const int rc = deflate(&zs, flush);
      if (rc == Z_STREAM_ERROR) throw GzipStreamError("zlib compression failed for " + what);
      const size_t produced = out.size() - zs.avail_out;
      if (out_fd >= 0) write_all(out_fd, out.data(), produced, what);
      digest.compressed += produced;
    } while (zs.avail_out == 0);
  }
  return digest;
}

StreamDigest gunzip_digest_fd(int in_fd, const std::string& what) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) throw GzipStreamError("cannot initialize zlib decompression for " + what);
  InflateEnd end{&zs};

  StreamDigest digest;
  digest.crc32 = static_cast<uint32_t>(crc32(0L, Z_NULL, 0));
  std::vector<unsigned char> in(kChunk), out(kChunk);
  size_t have = 0;    // unread input bytes at in[0..have)
  bool eof = false;
  bool in_member = false;  // inside a gzip member (its end not seen yet)
  uint64_t members = 0;
  auto refill = [&] {
    if (eof || have == in.size()) return;
    const size_t n = read_some(in_fd, in.data() + have, in.size() - have, what);
    if (n == 0) eof = true;
    have += n;
    digest.compressed += n;
  };
  auto consume = [&](size_t used) {
    std::memmove(in.data(), in.data() + used, have - used);
    have -= used;
  };

  refill();
  if (have == 0) throw GzipStreamError(what + " is empty, not gzip data");
  for (;;) {
    if (!in_member) {
      // A new member starts here, or the data ends (trailing bytes that are
      // not a gzip member are ignored, as gunzip and the trace reader do).
      while (have < 2 && !eof) refill();
      if (have < 2 || in[0] != 0x1f || in[1] != 0x8b) {
        if (members == 0)
          throw GzipStreamError(what + " is not gzip data (no gzip header)");
        return digest;
      }
      if (inflateReset(&zs) != Z_OK) throw GzipStreamError("cannot restart zlib decompression for " + what);
      in_member = true;
      ++members;
    }
    if (have == 0) refill();
    if (have == 0 && eof)
      throw GzipStreamError(what + " is truncated: the gzip stream ends without its end marker (an incomplete copy)");
    zs.next_in = in.data();
    zs.avail_in = static_cast<uInt>(have);
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&zs, Z_NO_FLUSH);
    const size_t produced = out.size() - zs.avail_out;
    digest.crc32 = static_cast<uint32_t>(crc32(digest.crc32, out.data(), static_cast<uInt>(produced)));
    digest.uncompressed += produced;
    consume(have - zs.avail_in);
    if (rc == Z_STREAM_END) {
      in_member = false;
      continue;
    }
    if (rc == Z_BUF_ERROR) {
      // No progress possible: more input is needed.
      if (eof)
        throw GzipStreamError(what + " is truncated: the gzip stream ends without its end marker (an incomplete copy)");
      refill();
      continue;
    }
    if (rc != Z_OK) {
      const std::string why = zs.msg ? zs.msg : "zlib code " + std::to_string(rc);
      throw GzipStreamError(what + " holds corrupt gzip data (" + why + ")");
    }
    if (have == 0) refill();
  }
}

StreamDigest digest_fd(int in_fd, const std::string& what) {
  StreamDigest digest;
  digest.crc32 = static_cast<uint32_t>(crc32(0L, Z_NULL, 0));
  std::vector<unsigned char> in(kChunk);
  for (;;) {
    const size_t n = read_some(in_fd, in.data(), in.size(), what);
    if (n == 0) break;
    digest.crc32 = static_cast<uint32_t>(crc32(digest.crc32, in.data(), static_cast<uInt>(n)));
    digest.uncompressed += n;
  }
  return digest;
}

}  // namespace dashflow::host
