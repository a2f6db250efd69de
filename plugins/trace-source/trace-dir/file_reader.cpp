#include "file_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dashflow::tracedir {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

uint64_t cap_bytes(uint64_t max_file_mb) {
  // Guard against overflow for absurd configured values.
  return max_file_mb > (UINT64_MAX / kMiB) ? UINT64_MAX : max_file_mb * kMiB;
}

std::string errno_text(int err) { return std::strerror(err); }

// Closes the descriptor on every return path.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

struct InflateEnd {
  z_stream* zs;
  ~InflateEnd() { inflateEnd(zs); }
};

std::string over_cap(uint64_t bytes, uint64_t max_file_mb) {
  return "file is " + format_mb(bytes) + ", over max_file_mb " + std::to_string(max_file_mb) +
         " (raise max_file_mb in the trace-dir config to read it)";
}

}  // namespace

std::string format_mb(uint64_t bytes) {
  char text[64];
  const double mb = static_cast<double>(bytes) / static_cast<double>(kMiB);
  if (bytes % kMiB == 0 || mb >= 100) {
    std::snprintf(text, sizeof text, "%llu MB", static_cast<unsigned long long>((bytes + kMiB / 2) / kMiB));
  } else {
    std::snprintf(text, sizeof text, "%.1f MB", mb);
  }
  return text;
}

std::string read_file(const std::string& path, uint64_t max_file_mb, PaddedBuffer& out) {
  // O_NONBLOCK: opening a FIFO that somebody named *.json must not hang.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return "file not found (removed after it was listed?)";
    if (err == EACCES || err == EPERM) return "permission denied: cannot open the file for reading (check its mode and owner)";
    return "cannot open the file: " + errno_text(err);
  }
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return "cannot stat the file: " + errno_text(errno);
  if (S_ISDIR(st.st_mode)) return "is a directory, not a trace file";
  if (!S_ISREG(st.st_mode)) return "is not a regular file (device, FIFO or socket)";
  const uint64_t cap = cap_bytes(max_file_mb);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size > cap) return over_cap(size, max_file_mb);

  // One read() for the common case; the loop handles short reads and a file
  // that grows while we read it (still within the cap).
  out.clear();
  out.reserve(static_cast<size_t>(size) + 1);
  size_t used = 0;
  for (;;) {
    if (used == out.capacity()) {
      if (used > cap) return over_cap(used, max_file_mb);
      const uint64_t want = used + used / 2 + 4096;
      out.set_size(used);
      out.reserve(static_cast<size_t>(want > cap + 1 ? cap + 1 : want));
    }
    const ssize_t n = ::read(fd, out.data() + used, out.capacity() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EISDIR) return "is a directory, not a trace file";
      return "read failed: " + errno_text(errno);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > cap) return over_cap(used, max_file_mb);
  out.set_size(used);
  return "";
}

std::string gunzip(const char* data, size_t size, uint64_t max_file_mb, PaddedBuffer& out) {
  const uint64_t cap = cap_bytes(max_file_mb);
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return "cannot initialize zlib";
  InflateEnd end{&zs};

  // The gzip trailer holds the uncompressed size mod 2^32: a good first guess.
  uint64_t hint = size * 4;
  if (size >= 18) {
    const auto* t = reinterpret_cast<const unsigned char*>(data + size - 4);
    hint = uint64_t(t[0]) | uint64_t(t[1]) << 8 | uint64_t(t[2]) << 16 | uint64_t(t[3]) << 24;
  }
  if (hint > cap) hint = cap;
  out.clear();
  out.reserve(static_cast<size_t>(hint) + 1);

  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  size_t in_left = size;
  size_t used = 0;
  const std::string bomb = "gzip data decompresses to more than max_file_mb " + std::to_string(max_file_mb) +
                           " MB (possible gzip bomb; raise max_file_mb to read it)";
  for (;;) {
    if (used == out.capacity()) {
      if (used > cap) return bomb;
      const uint64_t want = used + used / 2 + 65536;
      out.set_size(used);
      out.reserve(static_cast<size_t>(want > cap + 1 ? cap + 1 : want));
    }
    // zlib counts in uInt: feed and drain at most 1 GiB per call.
    const uInt in_chunk = static_cast<uInt>(in_left > (1u << 30) ? (1u << 30) : in_left);
    const size_t room = out.capacity() - used;
    const uInt out_chunk = static_cast<uInt>(room > (1u << 30) ? (1u << 30) : room);
    zs.avail_in = in_chunk;
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs.avail_out = out_chunk;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    in_left -= in_chunk - zs.avail_in;
    used += out_chunk - zs.avail_out;
    if (used > cap) return bomb;
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow (concatenated .gz files); anything
      // else after the stream is ignored, as gunzip does.
      if (in_left >= 2 && static_cast<unsigned char>(zs.next_in[0]) == 0x1f &&
          static_cast<unsigned char>(zs.next_in[1]) == 0x8b) {
        if (inflateReset(&zs) != Z_OK) return "gzip data is corrupt (cannot restart at the next member)";
        continue;
      }
      break;
    }
    if (rc == Z_DATA_ERROR) return std::string("gzip data is corrupt (") + (zs.msg ? zs.msg : "invalid data") + ")";
    if (rc == Z_MEM_ERROR) return "out of memory while decompressing gzip data";
    if (rc == Z_NEED_DICT) return "gzip data is corrupt (needs a preset dictionary)";
    if (rc == Z_BUF_ERROR || rc == Z_OK) {
      if (in_left == 0 && zs.avail_out > 0) return "gzip data is truncated (the compressed stream ends early)";
      continue;
    }
    return "gzip data is corrupt (zlib error " + std::to_string(rc) + ")";
  }
  out.set_size(used);
  return "";
}

}  // namespace dashflow::tracedir
