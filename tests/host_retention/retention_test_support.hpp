// Helpers for the trace retention tests: trace files with chosen mtimes, a
// pinned clock, gunzip, and a byte-for-byte snapshot of a directory (names,
// contents, modes and mtimes) to prove that a dry run changes nothing.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "archive/gzip.hpp"
#include "process.hpp"
#include "retention/trace_retention.hpp"
#include "retention/trace_scan.hpp"

namespace retention_test {

namespace fs = std::filesystem;
using namespace dashflow::host;
using dashflow::json;
using dashflow::TraceUnit;
using dashflow::test::read_file;
using dashflow::test::TempDir;
using dashflow::test::write_file;

// 2025-12-15T10:30:00Z
inline constexpr int64_t kNow = 1765794600000;
inline constexpr int64_t kDayMs = 86400000;

// mtime in ns since the epoch, with a sub-second part so that precision loss shows.
inline int64_t days_ago_ns(double days) {
  return (kNow - static_cast<int64_t>(days * static_cast<double>(kDayMs))) * 1000000 + 123456789;
}

inline void set_mtime_ns(const std::string& path, int64_t mtime_ns) {
  struct timespec times[2];
  times[0].tv_sec = times[1].tv_sec = mtime_ns / 1000000000;
  times[0].tv_nsec = times[1].tv_nsec = mtime_ns % 1000000000;
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

inline int64_t mtime_ns_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

inline mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

// A trace-like JSON document of about `bytes` bytes (compressible, but not
// trivially: the index varies).
inline std::string trace_text(int index, size_t bytes = 2000) {
  std::string nodes;
  for (size_t i = 0; nodes.size() + 200 < bytes; ++i)
    nodes += std::string(nodes.empty() ? "" : ",") + "{\"node\":\"n" + std::to_string((i * 7 + index) % 13) +
             "\",\"duration_ms\":" + std::to_string((i * 31 + index * 17) % 997) + ",\"success\":true}";
  return "{\"thread_id\":\"t" + std::to_string(index) + "\",\"nodes_executed\":[" + nodes + "]}\n";
}

// Hardly compressible text of `bytes` bytes.
inline std::string noise(size_t bytes) {
  std::string out(bytes, 'a');
  uint64_t x = 88172645463325252ull;
  for (char& ch : out) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    ch = static_cast<char>('a' + x % 26);
  }
  return out;
}

// Writes a trace file with content and mtime.
inline void plant(const std::string& path, const std::string& content, int64_t mtime_ns) {
  fs::create_directories(fs::path(path).parent_path());
  write_file(path, content);
  set_mtime_ns(path, mtime_ns);
}

inline std::string gunzip_file(const std::string& path) {
  return gzip_decompress(read_file(path), 1ull << 30);
}

// Names (relative paths) of every entry under root, sorted.
inline std::vector<std::string> names_under(const std::string& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) out.push_back(fs::relative(e.path(), root).string());
  std::sort(out.begin(), out.end());
  return out;
}

struct FileState {
  std::string content;
  int64_t mtime_ns = 0;
  mode_t mode = 0;
  bool operator==(const FileState&) const = default;
};

inline std::map<std::string, FileState> snapshot(const std::string& root) {
  std::map<std::string, FileState> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string p = e.path().string();
    out[fs::relative(e.path(), root).string()] = {e.is_regular_file() ? read_file(p) : "", mtime_ns_of(p), mode_of(p)};
  }
  return out;
}

inline TraceRetentionPolicy pinned_policy() {
  TraceRetentionPolicy p;
  p.now_unix_ms = kNow;
  return p;
}

inline std::vector<std::string> deleted_paths(const TraceRetentionResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.deleted) out.push_back(fs::path(d.unit.locator).filename().string());
  return out;
}

}  // namespace retention_test
