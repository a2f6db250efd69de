// An append-only JSON Lines file: every line is written whole with one
// write() under an exclusive flock, then fdatasync'ed; size-based rotation
// (<path> -> <path>.1 -> ... -> <path>.<max_files>). Safe with several
// processes appending to the same path: each re-opens the file when another
// one rotated it, and a torn last line (crash mid-write) is closed with a
// newline before the next line, so every later line parses.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

namespace dashflow::sinks {

namespace fs = std::filesystem;

struct JsonlOptions {
  fs::path path;
  uint64_t max_bytes = 10485760;  // 0 = never rotate
  uint32_t max_files = 5;
};

class JsonlFile {
 public:
  // `owner` prefixes error messages ("file sink").
  JsonlFile(std::string owner, JsonlOptions options);
  ~JsonlFile();
  JsonlFile(const JsonlFile&) = delete;
  JsonlFile& operator=(const JsonlFile&) = delete;

  // Creates parent directories and opens the file (idempotent). Throws
  // StorageError naming the path and what to do.
  void open();
  // Appends `line` (no newline inside) plus "\n"; durable on return.
  void append(std::string_view line);
  void close();

  const fs::path& path() const { return options_.path; }
  // "<path>.<n>", n >= 1.
  fs::path rotated(uint32_t n) const;

 private:
  void open_locked();
  void rotate_locked();
  void close_locked();

  std::string owner_;
  JsonlOptions options_;
  std::mutex mutex_;
  int fd_ = -1;
};

}  // namespace dashflow::sinks
