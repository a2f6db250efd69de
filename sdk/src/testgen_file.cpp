// Atomic file replacement for generated test files: a reader (or a crash)
// sees the old file or the new one, never half of either.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "dashflow/testgen.hpp"

namespace dashflow::testgen {
namespace {

std::atomic<unsigned> g_counter{0};

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw StorageError(what + " '" + path + "': " + std::strerror(err));
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

void write_file_atomic(const std::string& path, std::string_view content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (target.filename().empty()) throw StorageError("cannot write '" + path + "': not a file name");
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw StorageError("cannot write '" + path + "': directory '" + dir.string() + "' does not exist");
  if (fs::is_directory(target, ec)) throw StorageError("cannot write '" + path + "': it is a directory");

  const fs::path temp = dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                               std::to_string(g_counter.fetch_add(1)));
  // Keep the mode of a file being replaced; new files get 0644 minus umask.
  struct stat old {};
  const bool replacing = ::stat(path.c_str(), &old) == 0;
  {
    Fd out{::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
    if (out.fd < 0) fail("cannot create temporary file", temp.string(), errno);
    if (replacing) (void)::fchmod(out.fd, old.st_mode & 07777);
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
      const ssize_t n = ::write(out.fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::unlink(temp.c_str());
        fail("cannot write", temp.string(), err);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    if (::fsync(out.fd) != 0) {
      const int err = errno;
      ::unlink(temp.c_str());
      fail("cannot fsync", temp.string(), err);
    }
    if (::close(out.fd) != 0) {
      out.fd = -1;
      const int err = errno;
      ::unlink(temp.c_str());
      fail("cannot close", temp.string(), err);
    }
    out.fd = -1;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    fail("cannot rename the temporary file onto", path, err);
  }
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0 && ::fsync(d.fd) != 0 && errno != EINVAL) fail("cannot fsync directory", dir.string(), errno);
}

}  // namespace dashflow::testgen
