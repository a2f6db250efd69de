#include "trace_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <set>
#include <utility>

#include "dashflow/parallel.hpp"

namespace dashflow::tracedir {
namespace {

// Directory levels below the root that are walked at most.
constexpr int kMaxDirDepth = 64;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The identity fields of a stat result (a struct stat is 144 bytes; 200k of them are worth not keeping).
TraceUnit unit_of(const struct stat& st) {
  TraceUnit unit;
  unit.size = static_cast<uint64_t>(st.st_size);
  unit.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  unit.inode = static_cast<uint64_t>(st.st_ino);
  unit.device = static_cast<uint64_t>(st.st_dev);
  return unit;
}

TraceUnit unit_of(std::string locator, const struct stat& st) {
  TraceUnit unit = unit_of(st);
  unit.locator = std::move(locator);
  return unit;
}

// The identity of a regular file: statx asking only for what the identity
// needs is a little cheaper than fstatat, and listing is one call per file.
// False when it is gone or not a regular file.
bool regular_file_identity(int dir_fd, const char* name, int flags, TraceUnit& unit) {
  constexpr unsigned kWanted = STATX_TYPE | STATX_SIZE | STATX_MTIME | STATX_INO;
  struct statx sx {};
  if (::statx(dir_fd, name, flags, kWanted, &sx) == 0 && (sx.stx_mask & kWanted) == kWanted) {
    if (!S_ISREG(sx.stx_mode)) return false;
    unit.size = sx.stx_size;
    unit.mtime_ns = static_cast<int64_t>(sx.stx_mtime.tv_sec) * 1000000000 + sx.stx_mtime.tv_nsec;
    unit.inode = sx.stx_ino;
    unit.device = static_cast<uint64_t>(makedev(sx.stx_dev_major, sx.stx_dev_minor));
    return true;
  }
  struct stat st {};  // statx unsupported here (old kernel, seccomp filter) or a field missing
  if (::fstatat(dir_fd, name, &st, flags) != 0 || !S_ISREG(st.st_mode)) return false;
  unit = unit_of(st);
  return true;
}

// Listing is most of the work of a re-analysis served by the analysis cache
// (one stat per file, which the cache's file identity needs: path lookup and
// a system call, dear on virtual machines), so all of it runs on a few
// threads: directories are read level by level, several at once, then the
// files are stat'ed in ranges spread over the threads. Each directory's
// names are sorted and directories are taken in path order, so in the usual
// layouts the units come out sorted and the final sort is skipped.
class Lister {
 public:
  explicit Lister(const TraceDirConfig& config)
      : config_(config),
        stat_flags_(config.follow_symlinks ? 0 : AT_SYMLINK_NOFOLLOW),
        threads_(std::min(4u, hardware_threads())) {}

  std::vector<TraceUnit> list(const std::string& root, const struct stat& root_stat) {
    visited_.emplace(static_cast<uint64_t>(root_stat.st_dev), static_cast<uint64_t>(root_stat.st_ino));
    std::vector<size_t> level = {add_dir(root, 0)};
    while (!level.empty()) {
      parallel_for(level.size(), threads_, [&](size_t i) { read_dir(dirs_[level[i]]); });
      level = next_level(level);
    }
    std::sort(dirs_.begin(), dirs_.end(), [](const Dir& a, const Dir& b) { return a.path < b.path; });
    stat_files();
    for (const Dir& d : dirs_)  // links to files (follow_symlinks), already stat'ed
      for (const TraceUnit& u : d.linked) units_.push_back(u);
    return std::move(units_);
  }

 private:
  static constexpr size_t kStatRange = 2048;  // files per stat task

  struct Dir {
    std::string path;
    int depth = 0;
    std::string names;                 // the trace files' names, each NUL-terminated
    std::vector<size_t> name_offsets;  // into names, sorted by name
    std::vector<std::pair<std::string, struct stat>> subdirs;  // (path, stat), before the loop check
    std::vector<TraceUnit> linked;     // links (or unknown types) that are trace files
    size_t first_unit = 0;             // where its files go in units_
  };

  size_t add_dir(std::string path, int depth) {
    dirs_.push_back({std::move(path), depth, {}, {}, {}, {}, 0});
    return dirs_.size() - 1;
  }

  // Runs on any thread; touches only `dir`.
  void read_dir(Dir& dir) const {
    DIR* handle = ::opendir(dir.path.c_str());
    if (!handle) return;  // vanished or unreadable directory: nothing to list
    const int fd = ::dirfd(handle);
    while (const dirent* entry = ::readdir(handle)) {
      const std::string_view name = entry->d_name;
      if (name.empty() || name.front() == '.') continue;  // hidden, "." and ".."
      if (entry->d_type == DT_REG) {  // the common case: stat'ed later, in bulk
        if (!classify(name).is_trace) continue;
        dir.name_offsets.push_back(dir.names.size());
        dir.names.append(name);
        dir.names.push_back('\0');
        continue;
      }
      if (entry->d_type != DT_DIR && entry->d_type != DT_LNK && entry->d_type != DT_UNKNOWN)
        continue;  // sockets, fifos, devices
      struct stat st {};
      if (::fstatat(fd, entry->d_name, &st, stat_flags_) != 0) continue;  // dangling link, race
      if (S_ISDIR(st.st_mode)) {
        if (config_.recursive && dir.depth < kMaxDirDepth) dir.subdirs.emplace_back(join(dir.path, name), st);
      } else if (S_ISREG(st.st_mode) && classify(name).is_trace) {
        dir.linked.push_back(unit_of(join(dir.path, name), st));
      }
    }
    ::closedir(handle);
    // Name order, not readdir's: which of two links to one directory is
    // walked (the other is a loop) must not depend on the file system's hashing.
    std::sort(dir.subdirs.begin(), dir.subdirs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const char* names = dir.names.data();
    std::sort(dir.name_offsets.begin(), dir.name_offsets.end(),
              [names](size_t a, size_t b) { return std::string_view(names + a) < std::string_view(names + b); });
  }

  // The subdirectories found by a level not seen before (loop check by device and inode).
  std::vector<size_t> next_level(const std::vector<size_t>& level) {
    std::vector<std::pair<std::string, int>> found;
    for (size_t i : level) {
      for (auto& [path, st] : dirs_[i].subdirs)
        if (visited_.emplace(static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)).second)
          found.emplace_back(std::move(path), dirs_[i].depth + 1);
      dirs_[i].subdirs.clear();
    }
    std::vector<size_t> next;
    for (auto& [path, depth] : found) next.push_back(add_dir(std::move(path), depth));
    return next;
  }

  // One stat per trace file, ranges of files spread over the threads; each
  // unit is made in place. Files that vanished or changed kind meanwhile are
  // dropped.
  void stat_files() {
    struct Range {
      size_t dir, begin, end;
    };
    std::vector<Range> ranges;
    size_t total = 0;
    for (size_t d = 0; d < dirs_.size(); ++d) {
      dirs_[d].first_unit = total;
      const size_t n = dirs_[d].name_offsets.size();
      for (size_t b = 0; b < n; b += kStatRange) ranges.push_back({d, b, std::min(n, b + kStatRange)});
      total += n;
    }
    units_.resize(total);
    std::vector<char> regular(total, 0);
    parallel_for(ranges.size(), threads_, [&](size_t r) {
      const Dir& dir = dirs_[ranges[r].dir];
      const int fd = ::open(dir.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) return;  // the directory vanished since it was read
      for (size_t i = ranges[r].begin; i < ranges[r].end; ++i) {
        const char* name = dir.names.data() + dir.name_offsets[i];
        TraceUnit& unit = units_[dir.first_unit + i];
        if (!regular_file_identity(fd, name, stat_flags_, unit)) continue;
        unit.locator = join(dir.path, name);
        regular[dir.first_unit + i] = 1;
      }
      ::close(fd);
    });
    size_t kept = 0;
    for (size_t i = 0; i < total; ++i) {
      if (!regular[i]) continue;
      if (kept != i) units_[kept] = std::move(units_[i]);
      ++kept;
    }
    units_.resize(kept);
  }

  static std::string join(const std::string& dir, std::string_view name) {
    std::string path;
    path.reserve(dir.size() + 1 + name.size());
    path += dir;
    if (dir != "/") path += '/';
    path += name;
    return path;
  }

  const TraceDirConfig& config_;
  const int stat_flags_;
  const unsigned threads_;
  std::set<std::pair<uint64_t, uint64_t>> visited_;  // (device, inode) of directories
  std::vector<Dir> dirs_;
  std::vector<TraceUnit> units_;
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
  std::vector<TraceUnit> units = Lister(config).list(root, st);
  const auto by_locator = [](const TraceUnit& a, const TraceUnit& b) { return a.locator < b.locator; };
  if (!std::is_sorted(units.begin(), units.end(), by_locator)) std::sort(units.begin(), units.end(), by_locator);
  return units;
}

}  // namespace dashflow::tracedir
