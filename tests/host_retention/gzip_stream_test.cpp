// Streaming gzip used by trace retention: round trip through the archive
// gzip code, multi-member files, and the reasons a .gz does not verify.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include "archive/gzip.hpp"
#include "process.hpp"
#include "retention/gzip_stream.hpp"

namespace {

using namespace dashflow::host;
using dashflow::test::read_file;
using dashflow::test::TempDir;
using dashflow::test::write_file;

struct OpenFd {
  int fd;
  explicit OpenFd(const std::string& path, int flags = O_RDONLY) : fd(::open(path.c_str(), flags | O_CLOEXEC, 0600)) {}
  ~OpenFd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string big_text() {
  std::string s;
  for (int i = 0; s.size() < 3 * 1024 * 1024; ++i) s += "{\"i\":" + std::to_string(i * 7919 % 100003) + "}\n";
  return s;
}

uint32_t crc_of(const std::string& s) {
  return static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

TEST(GzipStream, CompressesInChunksAndRoundTrips) {
  TempDir dir;
  const std::string text = big_text();  // larger than one chunk
  write_file(dir / "in.json", text);
  StreamDigest written;
  {
    OpenFd in(dir / "in.json");
    OpenFd out(dir / "out.gz", O_WRONLY | O_CREAT | O_TRUNC);
    written = gzip_fd(in.fd, out.fd, {"in.json", 1700000000}, "in.json");
  }
  EXPECT_EQ(written.uncompressed, text.size());
  EXPECT_EQ(written.crc32, crc_of(text));
  EXPECT_EQ(written.compressed, read_file(dir / "out.gz").size());
  EXPECT_EQ(gzip_decompress(read_file(dir / "out.gz"), 1ull << 30), text);
  OpenFd check(dir / "out.gz");
  const StreamDigest read_back = gunzip_digest_fd(check.fd, "out.gz");
  EXPECT_TRUE(read_back == written);

  // Counting only (dry run) gives the same size.
  OpenFd again(dir / "in.json");
  EXPECT_EQ(gzip_fd(again.fd, -1, {"in.json", 1700000000}, "in.json").compressed, written.compressed);
}

TEST(GzipStream, VerifiesEveryMemberAndIgnoresTrailingBytes) {
  TempDir dir;
  write_file(dir / "multi.gz", gzip_compress("first\n") + gzip_compress("second\n") + std::string(5, '\0'));
  OpenFd in(dir / "multi.gz");
  const StreamDigest d = gunzip_digest_fd(in.fd, "multi.gz");
  EXPECT_EQ(d.uncompressed, 13u);
  EXPECT_EQ(d.crc32, crc_of("first\nsecond\n"));
}

TEST(GzipStream, SaysWhyAGzDoesNotVerify) {
  TempDir dir;
  const std::string gz = gzip_compress(big_text());
  auto why = [&](const std::string& bytes) {
    write_file(dir / "bad.gz", bytes);
    OpenFd in(dir / "bad.gz");
    try {
      gunzip_digest_fd(in.fd, "bad.gz");
    } catch (const GzipStreamError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(why(gz.substr(0, gz.size() - 100)).find("truncated"), std::string::npos);
  EXPECT_NE(why(gz.substr(0, 5)).find("truncated"), std::string::npos);
  EXPECT_NE(why("").find("empty"), std::string::npos);
  EXPECT_NE(why("{\"plain\": true}").find("not gzip"), std::string::npos);
  std::string flipped = gz;
  flipped[gz.size() / 2] = static_cast<char>(flipped[gz.size() / 2] ^ 0x55);
  const std::string corrupt = why(flipped);
  EXPECT_FALSE(corrupt.empty());
  EXPECT_NE(corrupt.find("bad.gz"), std::string::npos) << corrupt;
}

}  // namespace
