#include "dashflow_sinks/durable_io.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dashflow/durable_file.hpp"
#include "dashflow/errors.hpp"

namespace dashflow::sinks {
namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path, int err) {
  throw StorageError(what + " '" + path.string() + "': " + errno_text(err));
}

int open_lock_file(const fs::path& lock_file) {
  int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) fail("cannot open lock file", lock_file, errno);
  return fd;
}

}  // namespace

std::string errno_text(int err) { return std::strerror(err); }

void ensure_directory(const fs::path& dir, const std::string& what) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw StorageError("cannot create directory '" + dir.string() + "' for " + what + ": " + ec.message() +
                       "; choose a writable location");
  if (!fs::is_directory(dir, ec))
    throw StorageError("'" + dir.string() + "' (" + what + ") exists but is not a directory");
}

std::string read_whole_file(const fs::path& file) {
  std::optional<std::string> text = dashflow::read_whole_file(file);
  if (!text) fail("cannot open", file, ENOENT);
  return std::move(*text);
}

void rename_durable(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) fail("cannot rename '" + from.string() + "' to", to, errno);
  const fs::path a = from.parent_path().empty() ? fs::path(".") : from.parent_path();
  const fs::path b = to.parent_path().empty() ? fs::path(".") : to.parent_path();
  fsync_dir(b);
  if (a != b) fsync_dir(a);
}

// The SDK writes and names the temp files; sink files stay private (0600).
void write_file_atomic(const fs::path& target, std::string_view content) {
  dashflow::write_file_atomic(target, content, 0600);
}

bool is_temp_name(std::string_view name) { return is_temp_file_name(name); }

void remove_stale_temp_files(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_temp_name(name) || temp_file_writer_alive(name)) continue;  // keep writes in progress
    std::error_code rm;
    fs::remove(it->path(), rm);
  }
}

FileLock FileLock::acquire(const fs::path& lock_file) {
  int fd = open_lock_file(lock_file);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    fail("cannot lock", lock_file, err);
  }
  return FileLock(fd);
}

FileLock FileLock::try_acquire(const fs::path& lock_file) {
  int fd = open_lock_file(lock_file);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return FileLock(-1);
    fail("cannot lock", lock_file, err);
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace dashflow::sinks
