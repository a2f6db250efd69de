#include "trace_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <optional>
#include <set>
#include <thread>
#include <utility>

namespace dashflow::tracedir {
namespace {

// Directory levels below the root that are walked at most.
constexpr int kMaxDirDepth = 64;

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

// stat() of many names in one directory, split over a few threads: on a
// re-analysis served by the cache, listing is most of the work, and the
// kernel's per-call cost (path lookup, VM exits) is what dominates it.
std::vector<std::optional<struct stat>> stat_all(int dir_fd, const std::vector<std::string>& names, int flags) {
  std::vector<std::optional<struct stat>> out(names.size());
  auto run = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      struct stat st {};
      if (::fstatat(dir_fd, names[i].c_str(), &st, flags) == 0) out[i] = st;  // else dangling link, race
    }
  };
  constexpr size_t kPerThreadMinimum = 2048;
  const size_t threads =
      std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), 4, names.size() / kPerThreadMinimum + 1});
  if (threads <= 1) {
    run(0, names.size());
    return out;
  }
  std::vector<std::thread> pool;
  const size_t step = (names.size() + threads - 1) / threads;
  for (size_t t = 1; t < threads; ++t)
    pool.emplace_back(run, std::min(names.size(), t * step), std::min(names.size(), (t + 1) * step));
  run(0, std::min(names.size(), step));
  for (auto& th : pool) th.join();
  return out;
}

struct Walker {
  const TraceDirConfig& config;
  std::set<std::pair<uint64_t, uint64_t>> visited;  // (device, inode) of directories
  std::vector<TraceUnit> units;

  void walk(const std::string& dir, int depth) {
    DIR* handle = ::opendir(dir.c_str());
    if (!handle) return;  // vanished or unreadable directory: nothing to list
    const int fd = ::dirfd(handle);
    const int stat_flags = config.follow_symlinks ? 0 : AT_SYMLINK_NOFOLLOW;
    // Names first (d_type spares a stat for files that are not traces), then
    // one stat per candidate.
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(handle)) {
      const std::string_view name = entry->d_name;
      if (name.empty() || name.front() == '.') continue;  // hidden, "." and ".."
      if (entry->d_type == DT_REG && !classify(name).is_trace) continue;
      if (entry->d_type != DT_REG && entry->d_type != DT_DIR && entry->d_type != DT_LNK && entry->d_type != DT_UNKNOWN)
        continue;  // sockets, fifos, devices
      names.emplace_back(name);
    }
    const auto stats = stat_all(fd, names, stat_flags);
    ::closedir(handle);
    std::vector<std::string> subdirs;
    for (size_t i = 0; i < names.size(); ++i) {
      if (!stats[i]) continue;
      const struct stat& st = *stats[i];
      std::string path = dir == "/" ? "/" + names[i] : dir + "/" + names[i];
      if (S_ISDIR(st.st_mode)) {
        if (config.recursive && depth < kMaxDirDepth &&
            visited.emplace(static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)).second)
          subdirs.push_back(std::move(path));
      } else if (S_ISREG(st.st_mode) && classify(names[i]).is_trace) {
        units.push_back(unit_of(std::move(path), st));
      }
    }
    for (const std::string& sub : subdirs) walk(sub, depth + 1);
  }
};

}  // namespace

FileKind classify(std::string_view name) {
  FileKind kind;
  if (name.empty() || name.front() == '.' || ends_with(name, ".tmp")) return kind;
  std::string_view base = name;
  if (ends_with(base, ".gz")) {
    kind.gzip = true;
    base.remove_suffix(3);
  }
  if (ends_with(base, ".json")) {
    kind.is_trace = true;
    kind.format = TextFormat::Document;
  } else if (ends_with(base, ".jsonl") || ends_with(base, ".ndjson")) {
    kind.is_trace = true;
    kind.format = TextFormat::Lines;
  }
  return kind;
}

std::vector<TraceUnit> list_trace_files(const TraceDirConfig& config) {
  std::string root = config.path;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) return {};  // missing directory: no units
  if (S_ISREG(st.st_mode)) return {unit_of(root, st)};
  if (!S_ISDIR(st.st_mode)) return {};
  Walker walker{config, {}, {}};
  walker.visited.emplace(static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino));
  walker.walk(root, 0);
  std::sort(walker.units.begin(), walker.units.end(),
            [](const TraceUnit& a, const TraceUnit& b) { return a.locator < b.locator; });
  return std::move(walker.units);
}

}  // namespace dashflow::tracedir
