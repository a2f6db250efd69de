#include "dashflow/durable_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>

namespace dashflow {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path, int err) {
  throw FileError(what + " " + path.string() + ": " + std::strerror(err));
}

void write_all(int fd, std::string_view content, const fs::path& path) {
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

std::string random_suffix() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  uint64_t v = rng();
  std::string out;
  for (int i = 0; i < 12; ++i, v >>= 4) out += hex[v & 0xf];
  return out;
}

fs::path dir_of(const fs::path& file) { return file.parent_path().empty() ? fs::path(".") : file.parent_path(); }

}  // namespace

void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open directory", dir, errno);
  if (::fsync(fd) != 0 && errno != EINVAL) {
    const int err = errno;
    ::close(fd);
    fail("cannot fsync directory", dir, err);
  }
  ::close(fd);
}

void create_dirs(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  fs::create_directories(dir, ec);
  if (ec && !fs::is_directory(dir)) {
    throw FileError("cannot create directory " + dir.string() + ": " + ec.message());
  }
}

void write_file_atomic(const fs::path& target, std::string_view content, unsigned mode, FileSync sync) {
  const fs::path dir = dir_of(target);
  const fs::path temp = dir / (target.filename().string() + ".tmp." + std::to_string(::getpid()) + "." + random_suffix());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) fail("cannot create", temp, errno);
  try {
    write_all(fd, content, temp);
    if (sync == FileSync::Durable && ::fsync(fd) != 0) fail("cannot fsync", temp, errno);
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    fail("cannot close", temp, err);
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    fail("cannot rename a temp file onto", target, err);
  }
  if (sync == FileSync::Durable) fsync_dir(dir);
}

namespace {

// The pid in "<name>.tmp.<pid>.<random>", or 0 when the name is not of that form.
long temp_file_pid(std::string_view file_name) {
  const size_t at = file_name.rfind(".tmp.");
  if (at == std::string_view::npos) return 0;
  const std::string rest(file_name.substr(at + 5));
  char* end = nullptr;
  const long pid = std::strtol(rest.c_str(), &end, 10);
  if (end == rest.c_str() || *end != '.' || end[1] == '\0' || pid <= 0) return 0;
  return pid;
}

}  // namespace

bool is_temp_file_name(std::string_view file_name) { return temp_file_pid(file_name) > 0; }

bool temp_file_writer_alive(std::string_view file_name) {
  const long pid = temp_file_pid(file_name);
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

bool remove_file_durable(const fs::path& file) {
  if (::unlink(file.c_str()) != 0) {
    if (errno == ENOENT) return false;
    fail("cannot remove", file, errno);
  }
  fsync_dir(dir_of(file));
  return true;
}

void append_file_durable(const fs::path& file, std::string_view content) {
  std::error_code ec;
  const bool existed = fs::exists(file, ec);
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot open for appending", file, errno);
  try {
    write_all(fd, content, file);
    if (::fsync(fd) != 0) fail("cannot fsync", file, errno);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) fail("cannot close", file, errno);
  if (!existed) fsync_dir(dir_of(file));
}

std::optional<std::string> read_whole_file(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("cannot read", file, errno);
  }
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      fail("cannot read", file, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

FileLock::FileLock(const fs::path& lock_file, int64_t timeout_ms) {
  fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot open lock file", lock_file, errno);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto pause = std::chrono::milliseconds(1);
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      const int err = errno;
      ::close(fd_);
      fail("cannot lock", lock_file, err);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd_);
      throw FileError(lock_file.string() + " is locked by another process for more than " +
                      std::to_string(timeout_ms / 1000) + " s; wait for it to finish and retry");
    }
    std::this_thread::sleep_for(pause);
    if (pause < std::chrono::milliseconds(20)) pause *= 2;
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

}  // namespace dashflow
