#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "dashflow/errors.hpp"

namespace dashflow::fsstore {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

[[noreturn]] void fail(const std::string& what, const fs::path& path, int err) {
  throw StorageError(what + " " + path.string() + ": " + errno_text(err) +
                     "; check that the storage directory exists, is writable and the disk is not full");
}

std::string random_suffix() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  uint64_t v = rng();
  std::string out;
  for (int i = 0; i < 12; ++i) {
    out += hex[v & 0xf];
    v >>= 4;
  }
  return out;
}

void write_all(int fd, std::string_view content, const fs::path& path) {
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

void fsync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open directory", dir, errno);
  if (::fsync(fd) != 0 && errno != EINVAL) {
    int err = errno;
    ::close(fd);
    fail("cannot fsync directory", dir, err);
  }
  ::close(fd);
}

void write_file_atomic(const fs::path& target, std::string_view content) {
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const fs::path temp = dir / (target.filename().string() + ".tmp." + std::to_string(::getpid()) + "." + random_suffix());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", temp, errno);
  try {
    write_all(fd, content, temp);
    if (::fsync(fd) != 0) fail("cannot fsync", temp, errno);
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    fail("cannot close", temp, err);
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    fail("cannot rename temp file onto", target, err);
  }
  fsync_directory(dir);
}

bool remove_file_durable(const fs::path& file) {
  if (::unlink(file.c_str()) != 0) {
    if (errno == ENOENT) return false;
    fail("cannot remove", file, errno);
  }
  fsync_directory(file.parent_path().empty() ? fs::path(".") : file.parent_path());
  return true;
}

std::optional<std::string> read_file(const fs::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw StorageError("cannot read " + file.string() + ": " + errno_text(errno) + "; check its permissions");
  }
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw StorageError("cannot read " + file.string() + ": " + errno_text(err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

bool is_temp_name(std::string_view file_name) { return file_name.find(".tmp.") != std::string_view::npos; }

}  // namespace dashflow::fsstore
