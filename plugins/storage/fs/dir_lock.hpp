// Advisory lock on a storage directory: flock(2) on "<dir>/.lock", exclusive
// for writers, shared for readers. Works across processes and, because every
// DirLock opens its own file description, across threads of one process.
// The exclusive holder records its pid in the file so a waiter can name it.
#pragma once

#include <cstdint>
#include <filesystem>

namespace dashflow::fsstore {

class DirLock {
 public:
  enum class Mode { Shared, Exclusive };

  // Waits up to timeout_ms, then throws StorageError
  // ("storage <dir> is locked by another process (pid N) for more than 10 s; ...").
  DirLock(const std::filesystem::path& dir, Mode mode, int64_t timeout_ms);
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

  void release();
  Mode mode() const { return mode_; }

 private:
  int fd_ = -1;
  Mode mode_;
};

}  // namespace dashflow::fsstore
