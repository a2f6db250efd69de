#include "jsonl_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "dashflow/errors.hpp"
#include "dashflow_sinks/durable_io.hpp"

namespace dashflow::sinks {
namespace {

// Releases the flock on whatever file `fd` refers to when the scope ends
// (rotation swaps the descriptor while the lock is held).
class UnlockAtEnd {
 public:
  explicit UnlockAtEnd(const int& fd) : fd_(fd) {}
  ~UnlockAtEnd() {
    if (fd_ >= 0) ::flock(fd_, LOCK_UN);
  }
  UnlockAtEnd(const UnlockAtEnd&) = delete;
  UnlockAtEnd& operator=(const UnlockAtEnd&) = delete;

 private:
  const int& fd_;
};

bool same_file(int fd, const fs::path& path) {
  struct stat open_st {}, path_st {};
  if (::fstat(fd, &open_st) != 0 || ::stat(path.c_str(), &path_st) != 0) return false;
  return open_st.st_dev == path_st.st_dev && open_st.st_ino == path_st.st_ino;
}

}  // namespace

JsonlFile::JsonlFile(std::string owner, JsonlOptions options) : owner_(std::move(owner)), options_(std::move(options)) {}

JsonlFile::~JsonlFile() { close_locked(); }

fs::path JsonlFile::rotated(uint32_t n) const { return fs::path(options_.path.string() + "." + std::to_string(n)); }

void JsonlFile::open() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ < 0) open_locked();
}

void JsonlFile::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  close_locked();
}

void JsonlFile::close_locked() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void JsonlFile::open_locked() {
  const fs::path dir = options_.path.parent_path().empty() ? fs::path(".") : options_.path.parent_path();
  try {
    ensure_directory(dir, "config key 'path'");
  } catch (const StorageError& e) {
    throw StorageError(owner_ + ": " + e.what());
  }
  const bool existed = fs::exists(options_.path);
  int fd = ::open(options_.path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    const int err = errno;
    throw StorageError(owner_ + ": cannot open '" + options_.path.string() + "' for appending: " + errno_text(err) +
                       "; set config key 'path' to a file in a writable directory");
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw StorageError(owner_ + ": '" + options_.path.string() + "' is not a regular file; set config key 'path' to a file");
  }
  fd_ = fd;
  if (!existed) fsync_dir(dir);  // the new name must survive a crash too
}

void JsonlFile::rotate_locked() {
  const fs::path& path = options_.path;
  auto fail = [&](const std::string& what, int err) {
    throw StorageError(owner_ + ": cannot rotate '" + path.string() + "' (" + what + "): " + errno_text(err));
  };
  if (options_.max_files == 0) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail("remove", errno);
  } else {
    if (::unlink(rotated(options_.max_files).c_str()) != 0 && errno != ENOENT) fail("remove oldest", errno);
    for (uint32_t i = options_.max_files - 1; i >= 1; --i)
      if (::rename(rotated(i).c_str(), rotated(i + 1).c_str()) != 0 && errno != ENOENT) fail("shift", errno);
    if (::rename(path.c_str(), rotated(1).c_str()) != 0) fail("rename to .1", errno);
  }
  // Open the fresh file before letting go of the old one: another process
  // waiting on the old file's lock then sees the rename and re-opens.
  const int old_fd = fd_;
  fd_ = -1;
  try {
    open_locked();
  } catch (...) {
    ::close(old_fd);
    throw;
  }
  while (::flock(fd_, LOCK_EX) != 0)
    if (errno != EINTR) fail("lock new file", errno);
  ::close(old_fd);
}

void JsonlFile::append(std::string_view line) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ < 0) open_locked();
  // Lock, then make sure we hold the file currently at `path` (another
  // process may have rotated it while we waited).
  for (int tries = 0;; ++tries) {
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) throw StorageError(owner_ + ": cannot lock '" + options_.path.string() + "': " + errno_text(errno));
    if (same_file(fd_, options_.path)) break;
    close_locked();
    if (tries > 100) throw StorageError(owner_ + ": '" + options_.path.string() + "' keeps being replaced by another process");
    open_locked();
  }
  UnlockAtEnd unlock(fd_);

  auto current_size = [&] {
    struct stat st {};
    if (::fstat(fd_, &st) != 0)
      throw StorageError(owner_ + ": cannot stat '" + options_.path.string() + "': " + errno_text(errno));
    return static_cast<uint64_t>(st.st_size);
  };
  uint64_t size = current_size();
  // After a rotation the size is read again, not assumed 0: another process
  // can open and lock the fresh file before this one gets its lock on it.
  for (int rotations = 0; options_.max_bytes > 0 && size > 0 && size + line.size() + 1 > options_.max_bytes &&
                          rotations < 100;
       ++rotations) {
    rotate_locked();
    size = current_size();
  }
  std::string out;
  out.reserve(line.size() + 2);
  if (size > 0) {
    char last = '\n';
    if (::pread(fd_, &last, 1, static_cast<off_t>(size - 1)) == 1 && last != '\n') out += '\n';
  }
  out.append(line);
  out += '\n';
  const char* p = out.data();
  size_t left = out.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw StorageError(owner_ + ": cannot write to '" + options_.path.string() + "': " + errno_text(errno) +
                         "; check free space and permissions");
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fdatasync(fd_) != 0)
    throw StorageError(owner_ + ": cannot fsync '" + options_.path.string() + "': " + errno_text(errno));
}

}  // namespace dashflow::sinks
