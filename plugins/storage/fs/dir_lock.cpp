#include "dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "dashflow/errors.hpp"

namespace dashflow::fsstore {
namespace {

std::string holder_pid(int fd) {
  char buf[32] = {0};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string text(buf, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char c : text)
    if (c < '0' || c > '9') return {};
  return text;
}

std::string seconds_text(int64_t ms) {
  char buf[32];
  if (ms % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(ms / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  }
  return buf;
}

}  // namespace

DirLock::DirLock(const std::filesystem::path& dir, Mode mode, int64_t timeout_ms) : mode_(mode) {
  const std::filesystem::path lock_path = dir / ".lock";
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0 && mode == Mode::Shared && (errno == EACCES || errno == EROFS)) {
    fd_ = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd_ < 0) {
    throw StorageError("cannot open lock file " + lock_path.string() + ": " + std::strerror(errno) +
                       "; check that the storage directory exists and is writable");
  }
  const int op = (mode == Mode::Exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto pause = std::chrono::milliseconds(1);
  while (::flock(fd_, op) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      int err = errno;
      ::close(fd_);
      fd_ = -1;
      throw StorageError("cannot lock " + lock_path.string() + ": " + std::strerror(err));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string pid = holder_pid(fd_);
      ::close(fd_);
      fd_ = -1;
      throw StorageError("storage " + dir.string() + " is locked by another process" +
                         (pid.empty() ? std::string() : " (pid " + pid + ")") + " for more than " +
                         seconds_text(timeout_ms) +
                         "; wait for it to finish, or raise lock_timeout_ms in the storage config");
    }
    std::this_thread::sleep_for(pause);
    if (pause < std::chrono::milliseconds(20)) pause *= 2;
  }
  if (mode == Mode::Exclusive) {
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
      ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
      (void)written;  // the pid is only a hint for error messages
    }
  }
}

DirLock::~DirLock() { release(); }

void DirLock::release() {
  if (fd_ >= 0) {
    // Forget our pid before unlocking, so a waiter blocked by later (shared)
    // holders is never told a stale pid.
    if (mode_ == Mode::Exclusive && ::ftruncate(fd_, 0) != 0) {
    }
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace dashflow::fsstore
