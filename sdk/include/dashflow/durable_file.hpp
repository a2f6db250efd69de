// Durable file primitives shared by the host (audit log, archives, cache)
// and plugins (fs storage, alert-sink spools): atomic replace, fsynced
// append, durable remove, directory fsync, flock with a timeout. Every
// failure is a FileError whose message names the path and the system error;
// callers add what the user should do about it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "dashflow/errors.hpp"

namespace dashflow {

class FileError : public StorageError {
 public:
  using StorageError::StorageError;
};

// How write_file_atomic treats a crash of the machine (power loss). Durable:
// fsync before the rename and of the directory after it, so the new content
// survives. AtomicOnly: no fsync; readers still never see a partial file,
// but after a power loss the file may hold anything. Only for data that is
// checked when read and can be made again (the analysis cache: magic,
// length and CRC, and a bad entry is read from the traces again).
enum class FileSync { Durable, AtomicOnly };

// Writes content to target through a temp file in the same directory and a
// rename: a reader sees the old file or the whole new one.
void write_file_atomic(const std::filesystem::path& target, std::string_view content, unsigned mode = 0644,
                       FileSync sync = FileSync::Durable);

// Temp files of write_file_atomic are "<name>.tmp.<pid>.<random>" (older
// sink versions added a leading dot; both match). Other names with ".tmp."
// in them are not temp files.
bool is_temp_file_name(std::string_view file_name);
// True when the pid in a temp file's name still runs: a write in progress,
// not a crash's leftover. False for names without a pid.
bool temp_file_writer_alive(std::string_view file_name);

// Appends content with one O_APPEND write sequence and fsyncs the file (and
// its directory when the file was created).
void append_file_durable(const std::filesystem::path& file, std::string_view content);

// The whole file, or nullopt when it does not exist.
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

void fsync_dir(const std::filesystem::path& dir);

// unlink + directory fsync; false when the file did not exist.
bool remove_file_durable(const std::filesystem::path& file);

// mkdir -p, with a message naming the directory on failure.
void create_dirs(const std::filesystem::path& dir);

// Exclusive flock(2) on a lock file, waited for up to timeout_ms.
class FileLock {
 public:
  FileLock(const std::filesystem::path& lock_file, int64_t timeout_ms);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace dashflow
