#include "retention/trace_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <set>
#include <utility>

namespace dashflow::host {
namespace {

constexpr int kMaxDirDepth = 64;  // as the trace-dir source
constexpr std::string_view kTempMarker = ".gz.tmp.";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

TraceUnit unit_of(std::string locator, const struct stat& st) {
  TraceUnit unit;
  unit.locator = std::move(locator);
  unit.size = static_cast<uint64_t>(st.st_size);
  unit.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  unit.inode = static_cast<uint64_t>(st.st_ino);
  unit.device = static_cast<uint64_t>(st.st_dev);
  return unit;
}

struct Walker {
  bool recursive;
  TraceScan scan;

  void walk(const std::string& dir, int depth) {
    DIR* handle = ::opendir(dir.c_str());
    if (!handle) {
      if (errno != ENOENT)
        scan.errors.push_back("cannot list " + dir + ": " + std::strerror(errno) + " (check its permissions)");
      return;
    }
    const int fd = ::dirfd(handle);
    std::vector<std::string> subdirs;
    while (const dirent* entry = ::readdir(handle)) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      struct stat st {};
      if (::fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // removed meanwhile
      std::string path = dir == "/" ? "/" + std::string(name) : dir + "/" + std::string(name);
      if (S_ISDIR(st.st_mode)) {
        if (recursive && name.front() != '.' && depth < kMaxDirDepth) subdirs.push_back(std::move(path));
      } else if (S_ISREG(st.st_mode)) {
        if (is_retention_temp_name(name)) {
          scan.temp_files.push_back(unit_of(std::move(path), st));
        } else if (const TraceFileName kind = classify_trace_name(name); kind.is_trace) {
          scan.traces.push_back({unit_of(std::move(path), st), kind.gzip});
        }
      }
    }
    ::closedir(handle);
    for (const std::string& sub : subdirs) walk(sub, depth + 1);
  }
};

}  // namespace

TraceFileName classify_trace_name(std::string_view name) {
  TraceFileName kind;
  if (name.empty() || name.front() == '.' || ends_with(name, ".tmp")) return kind;
  std::string_view base = name;
  if (ends_with(base, ".gz")) {
    kind.gzip = true;
    base.remove_suffix(3);
  }
  kind.is_trace = ends_with(base, ".json") || ends_with(base, ".jsonl") || ends_with(base, ".ndjson");
  return kind;
}

std::string retention_temp_name(std::string_view file_name) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(rng()));
  return "." + std::string(file_name) + std::string(kTempMarker) + std::to_string(::getpid()) + "." + hex;
}

bool is_retention_temp_name(std::string_view name) {
  if (name.size() < 2 || name.front() != '.') return false;
  const size_t marker = name.rfind(kTempMarker);
  if (marker == std::string_view::npos || marker == 0) return false;
  // "<pid>.<hex>" after the marker.
  const std::string_view tail = name.substr(marker + kTempMarker.size());
  const size_t dot = tail.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= tail.size()) return false;
  const auto digits = [](std::string_view s, bool hex) {
    return std::all_of(s.begin(), s.end(), [&](char c) {
      return (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    });
  };
  return digits(tail.substr(0, dot), false) && digits(tail.substr(dot + 1), true);
}

std::string normalize_dir(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

TraceScan scan_traces(const std::string& root, bool recursive) {
  Walker walker{recursive, {}};
  walker.walk(root, 0);
  std::sort(walker.scan.traces.begin(), walker.scan.traces.end(),
            [](const ScannedTrace& a, const ScannedTrace& b) { return a.unit.locator < b.unit.locator; });
  std::sort(walker.scan.temp_files.begin(), walker.scan.temp_files.end(),
            [](const TraceUnit& a, const TraceUnit& b) { return a.locator < b.locator; });
  return std::move(walker.scan);
}

bool stat_unit(const std::string& path, TraceUnit& unit) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  unit = unit_of(path, st);
  return true;
}

}  // namespace dashflow::host
