#include "dashflow_sinks/durable_io.hpp"

#include <fcntl.h>
#include <signal.h>
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

// The durable writes are the SDK's (dashflow/durable_file.hpp).
void fsync_directory(const fs::path& dir) { dashflow::fsync_dir(dir); }

void write_file_atomic(const fs::path& target, std::string_view content) { dashflow::write_file_atomic(target, content); }

std::string read_whole_file(const fs::path& file) {
  std::optional<std::string> text = dashflow::read_whole_file(file);
  if (!text) fail("cannot open", file, ENOENT);
  return std::move(*text);
}

bool remove_file_durable(const fs::path& file) { return dashflow::remove_file_durable(file); }

void rename_durable(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) fail("cannot rename '" + from.string() + "' to", to, errno);
  const fs::path a = from.parent_path().empty() ? fs::path(".") : from.parent_path();
  const fs::path b = to.parent_path().empty() ? fs::path(".") : to.parent_path();
  fsync_directory(b);
  if (a != b) fsync_directory(a);
}

bool is_temp_name(std::string_view name) {
  return !name.empty() && name[0] == '.' && name.find(".tmp.") != std::string_view::npos;
}

void remove_stale_temp_files(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_temp_name(name)) continue;
    // ".<name>.tmp.<pid>.<random>": keep files of writers still alive.
    const size_t at = name.rfind(".tmp.");
    const std::string rest = name.substr(at + 5);
    const long pid = std::strtol(rest.c_str(), nullptr, 10);
    if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;
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
