// Durable file primitives shared by the sinks: atomic replace (temp file in
// the same directory + fsync + rename + directory fsync), durable removal,
// directory creation with a clear error, and advisory flock() locks. Every
// failure throws StorageError naming the path and the OS reason.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "dashflow/durable_file.hpp"

namespace dashflow::sinks {

namespace fs = std::filesystem;

// Creates `dir` and its parents. `what` names the config key for messages.
void ensure_directory(const fs::path& dir, const std::string& what);

// dashflow::write_file_atomic with mode 0600: alert bodies stay private.
// (fsync_dir and remove_file_durable are the SDK's, dashflow/durable_file.hpp.)
void write_file_atomic(const fs::path& target, std::string_view content);

// Whole file content; throws StorageError when it cannot be read.
std::string read_whole_file(const fs::path& file);

// Renames and fsyncs both directories.
void rename_durable(const fs::path& from, const fs::path& to);

// Temp files of write_file_atomic: "<name>.tmp.<pid>.<random>" (SDK naming).
bool is_temp_name(std::string_view file_name);
// Removes temp files in `dir` whose writing process no longer exists.
void remove_stale_temp_files(const fs::path& dir);

// Exclusive flock() on a lock file, released by the destructor.
class FileLock {
 public:
  // Blocking acquisition.
  static FileLock acquire(const fs::path& lock_file);
  // Non-blocking: held() is false when another process holds it.
  static FileLock try_acquire(const fs::path& lock_file);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();
  bool held() const { return fd_ >= 0; }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

std::string errno_text(int err);

}  // namespace dashflow::sinks
