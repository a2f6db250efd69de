#include "retention/trace_retention.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include "retention/trace_scan.hpp"

namespace dashflow::host {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr uint64_t kMiB = 1024 * 1024;
constexpr const char* kLockName = ".dashflow-retention.lock";

int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// `days` before now_ms as a nanosecond mtime threshold. Ages beyond 200
// years are capped (older than any file), which keeps the arithmetic in range.
int64_t cutoff_ns(int64_t now_ms, uint64_t days) {
  constexpr uint64_t kMaxDays = 73000;
  const int64_t ms = now_ms - static_cast<int64_t>(std::min(days, kMaxDays)) * kDayMs;
  return ms * 1000000;
}

// flock(2) on <dir>/.dashflow-retention.lock for the whole run: two runs
// (daemon and CLI) never compress the same file, and a run may take every
// temp file it finds for a crash's leftover.
class RetentionLock {
 public:
  RetentionLock(const std::string& dir, int64_t timeout_ms) {
    path_ = (dir == "/" ? "" : dir) + "/" + kLockName;
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) {
      const int err = errno;
      const bool unwritable = err == EACCES || err == EROFS || err == EPERM;
      throw TraceRetentionError("cannot create the retention lock " + path_ + ": " + std::strerror(err) +
                                (unwritable ? " (the traces directory must be writable to apply retention)" : ""));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        const int err = errno;
        ::close(fd_);
        throw TraceRetentionError("cannot lock " + path_ + ": " + std::strerror(err));
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        ::close(fd_);
        throw TraceRetentionError("another retention run holds " + path_ + " (waited " + std::to_string(timeout_ms) +
                                  " ms); try again when it has finished");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~RetentionLock() { ::close(fd_); }  // closing releases the flock
  RetentionLock(const RetentionLock&) = delete;
  RetentionLock& operator=(const RetentionLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

bool unchanged_since_scan(const TraceUnit& unit) {
  TraceUnit now;
  return stat_unit(unit.locator, now) && now.inode == unit.inode && now.size == unit.size &&
         now.mtime_ns == unit.mtime_ns;
}

struct Live {
  ScannedTrace trace;
  bool conflict = false;  // x and x.gz differ: neither is compressed
  bool deleted = false;
};

json unit_json(const TraceUnit& u) {
  return {{"path", u.locator}, {"bytes", u.size}, {"mtime_ns", u.mtime_ns}};
}

class Run {
 public:
  Run(const TraceRetentionPolicy& policy, bool dry_run, TraceRetentionResult& result)
      : policy_(policy), dry_(dry_run), r_(result) {
    now_ms_ = policy.now_unix_ms ? policy.now_unix_ms : system_now_ms();
    settle_ns_ = (now_ms_ - policy.settle_seconds * 1000) * 1000000;
  }

  void execute(const std::string& root) {
    TraceScan scan = scan_traces(root, policy_.recursive);
    r_.errors.insert(r_.errors.end(), scan.errors.begin(), scan.errors.end());
    r_.files_before = scan.traces.size();
    for (const ScannedTrace& t : scan.traces) r_.bytes_before += t.unit.size;

    remove_temp_files(scan.temp_files);
    std::vector<Live> live = settle_duplicates(scan.traces);
    // Oldest first: by mtime, then path.
    std::sort(live.begin(), live.end(), [](const Live& a, const Live& b) {
      return a.trace.unit.mtime_ns != b.trace.unit.mtime_ns ? a.trace.unit.mtime_ns < b.trace.unit.mtime_ns
                                                             : a.trace.unit.locator < b.trace.unit.locator;
    });
    for (const Live& l : live)
      if (recent(l.trace.unit)) ++r_.skipped_recent;

    if (policy_.delete_after_days) {
      const int64_t cutoff = cutoff_ns(now_ms_, *policy_.delete_after_days);
      for (Live& l : live)
        if (!recent(l.trace.unit) && l.trace.unit.mtime_ns < cutoff) remove(l, DeleteReason::Age);
    }
    if (policy_.compress_after_days) {
      const int64_t cutoff = cutoff_ns(now_ms_, *policy_.compress_after_days);
      for (Live& l : live)
        if (!l.deleted && !l.trace.gzip && !l.conflict && !recent(l.trace.unit) && l.trace.unit.mtime_ns < cutoff)
          compress(l);
    }
    if (policy_.max_total_mb) {
      const uint64_t limit = *policy_.max_total_mb > UINT64_MAX / kMiB ? UINT64_MAX : *policy_.max_total_mb * kMiB;
      uint64_t total = 0;
      for (const Live& l : live)
        if (!l.deleted) total += l.trace.unit.size;
      for (Live& l : live) {
        if (total <= limit) break;
        if (l.deleted || recent(l.trace.unit)) continue;
        if (remove(l, DeleteReason::Size)) total -= l.trace.unit.size;
      }
    }
    if (policy_.max_count) {
      uint64_t count = 0;
      for (const Live& l : live)
        if (!l.deleted) ++count;
      for (Live& l : live) {
        if (count <= *policy_.max_count) break;
        if (l.deleted || recent(l.trace.unit)) continue;
        if (remove(l, DeleteReason::Count)) --count;
      }
    }
    for (const Live& l : live) {
      if (l.deleted) continue;
      ++r_.files_after;
      r_.bytes_after += l.trace.unit.size;
    }
    sync_dirs();
  }

 private:
  bool recent(const TraceUnit& u) const { return u.mtime_ns >= settle_ns_; }

  bool unlink_file(const std::string& path) {
    if (dry_) return true;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      const int err = errno;
      r_.errors.push_back("cannot delete " + path + ": " + std::strerror(err) +
                          (err == EACCES || err == EPERM ? " (check the directory's permissions)" : ""));
      return false;
    }
    dirty_dirs_.insert(parent_dir(path));
    return true;
  }

  void remove_temp_files(const std::vector<TraceUnit>& temps) {
    for (const TraceUnit& t : temps) {
      if (!unlink_file(t.locator)) continue;
      spdlog::info("trace retention: {}removed {} (temp file of an interrupted compression)", dry_ ? "would have " : "",
                   t.locator);
      r_.repaired.push_back({t.locator, "", "temp file of an interrupted compression", t.size});
    }
  }

  // A trace present as both x and x.gz: a compression crashed between its
  // rename and its unlink (or the .gz is somebody else's).
  std::vector<Live> settle_duplicates(const std::vector<ScannedTrace>& traces) {
    std::map<std::string, size_t> by_locator;
    for (size_t i = 0; i < traces.size(); ++i) by_locator[traces[i].unit.locator] = i;
    std::vector<bool> gone(traces.size(), false), conflict(traces.size(), false);
    for (size_t i = 0; i < traces.size(); ++i) {
      if (traces[i].gzip) continue;
      auto it = by_locator.find(traces[i].unit.locator + ".gz");
      if (it == by_locator.end()) continue;
      const ScannedTrace& plain = traces[i];
      const ScannedTrace& gz = traces[it->second];
      conflict[i] = true;  // never compress x over an existing x.gz
      if (recent(plain.unit) || recent(gz.unit)) continue;  // being written: next run
      DuplicateCheck check;
      try {
        check = check_duplicate(plain.unit.locator, gz.unit.locator);
      } catch (const TraceRetentionError& e) {
        r_.errors.push_back(std::string("cannot compare ") + plain.unit.locator + " with its .gz: " + e.what());
        continue;
      }
      if (check.verdict == DuplicateVerdict::SameTrace) {
        if (!unchanged_since_scan(plain.unit) && !dry_) continue;  // rewritten meanwhile: next run decides
        if (!unlink_file(plain.unit.locator)) continue;
        gone[i] = true;
        r_.repaired.push_back({plain.unit.locator, gz.unit.locator,
                               "an interrupted compression left both files; the .gz holds exactly the same bytes",
                               plain.unit.size});
        if (!dry_) r_.renamed.push_back({plain.unit, gz.unit});
        spdlog::info("trace retention: {}removed {} (its verified copy {} exists)", dry_ ? "would have " : "",
                     plain.unit.locator, gz.unit.locator);
      } else if (check.verdict == DuplicateVerdict::CompressedCorrupt) {
        if (!unlink_file(gz.unit.locator)) continue;
        gone[it->second] = true;
        conflict[i] = false;  // x may be compressed again in this run
        r_.repaired.push_back({gz.unit.locator, plain.unit.locator,
                               "incomplete or corrupt compressed copy (" + check.detail + "); the original is kept",
                               gz.unit.size});
        spdlog::warn("trace retention: {}removed {}: {}", dry_ ? "would have " : "", gz.unit.locator, check.detail);
      } else {
        r_.errors.push_back("both " + plain.unit.locator + " and " + gz.unit.locator +
                            " exist and hold different data (" + check.detail +
                            "); both are kept: rename or remove one of them");
      }
    }
    std::vector<Live> live;
    for (size_t i = 0; i < traces.size(); ++i)
      if (!gone[i]) live.push_back({traces[i], conflict[i], false});
    return live;
  }

  bool remove(Live& l, DeleteReason reason) {
    const TraceUnit& u = l.trace.unit;
    // A dry run's predicted .gz does not exist yet; otherwise the file must
    // be the one that was listed (not rewritten meanwhile).
    if (!dry_ && !unchanged_since_scan(u)) {
      r_.errors.push_back(u.locator + " changed since it was listed; not deleted");
      return false;
    }
    if (!unlink_file(u.locator)) return false;
    l.deleted = true;
    r_.deleted.push_back({u, reason});
    spdlog::info("trace retention: {}deleted {} ({} bytes, {})", dry_ ? "would have " : "", u.locator, u.size,
                 to_string(reason));
    return true;
  }

  void compress(Live& l) {
    try {
      CompressOutcome out = compress_trace(l.trace.unit, dry_, policy_.step_hook);
      r_.compressed.push_back({l.trace.unit, out.compressed});
      if (!dry_) r_.renamed.push_back({l.trace.unit, out.compressed});
      if (!out.warning.empty()) r_.errors.push_back(out.warning);
      spdlog::info("trace retention: {}compressed {} ({} -> {} bytes)", dry_ ? "would have " : "",
                   l.trace.unit.locator, l.trace.unit.size, out.compressed.size);
      l.trace.unit = out.compressed;
      l.trace.gzip = true;
    } catch (const TraceRetentionError& e) {
      r_.errors.push_back(std::string("cannot compress ") + l.trace.unit.locator + ": " + e.what());
    }
  }

  void sync_dirs() {
    for (const std::string& d : dirty_dirs_) {
      try {
        fsync_directory(d);
      } catch (const TraceRetentionError& e) {
        r_.errors.push_back(e.what());
      }
    }
  }

  const TraceRetentionPolicy& policy_;
  bool dry_;
  TraceRetentionResult& r_;
  int64_t now_ms_ = 0;
  int64_t settle_ns_ = 0;
  std::set<std::string> dirty_dirs_;
};

}  // namespace

const char* to_string(DeleteReason reason) {
  switch (reason) {
    case DeleteReason::Age: return "age";
    case DeleteReason::Size: return "size";
    case DeleteReason::Count: return "count";
  }
  return "age";
}

json TraceRetentionPolicy::to_json() const {
  auto opt = [](const std::optional<uint64_t>& v) { return v ? json(*v) : json(nullptr); };
  return {{"compress_after_days", opt(compress_after_days)},
          {"delete_after_days", opt(delete_after_days)},
          {"max_total_mb", opt(max_total_mb)},
          {"max_count", opt(max_count)},
          {"recursive", recursive},
          {"settle_seconds", settle_seconds}};
}

uint64_t TraceRetentionResult::deleted_count(DeleteReason reason) const {
  return static_cast<uint64_t>(
      std::count_if(deleted.begin(), deleted.end(), [&](const DeletedTrace& d) { return d.reason == reason; }));
}

uint64_t TraceRetentionResult::freed_bytes() const {
  uint64_t bytes = 0;
  for (const DeletedTrace& d : deleted) bytes += d.unit.size;
  for (const RepairedTrace& rep : repaired) bytes += rep.bytes;
  return bytes;
}

uint64_t TraceRetentionResult::compression_saved_bytes() const {
  uint64_t bytes = 0;
  for (const TraceRename& c : compressed)
    if (c.from.size > c.to.size) bytes += c.from.size - c.to.size;
  return bytes;
}

json TraceRetentionResult::to_json() const {
  json compressed_json = json::array();
  for (const TraceRename& c : compressed)
    compressed_json.push_back({{"from", c.from.locator}, {"to", c.to.locator}, {"bytes_before", c.from.size},
                               {"bytes_after", c.to.size}, {"mtime_ns", c.from.mtime_ns}});
  json deleted_json = json::array();
  for (const DeletedTrace& d : deleted) {
    json item = unit_json(d.unit);
    item["reason"] = to_string(d.reason);
    deleted_json.push_back(item);
  }
  json repaired_json = json::array();
  for (const RepairedTrace& rep : repaired)
    repaired_json.push_back({{"removed", rep.removed}, {"kept", rep.kept.empty() ? json(nullptr) : json(rep.kept)},
                             {"why", rep.why}, {"bytes", rep.bytes}});
  json renamed_json = json::array();
  for (const TraceRename& rn : renamed) renamed_json.push_back({{"from", rn.from.locator}, {"to", rn.to.locator}});
  return {{"dir", dir},
          {"dry_run", dry_run},
          {"exists", dir_exists},
          {"files_before", files_before},
          {"bytes_before", bytes_before},
          {"files_after", files_after},
          {"bytes_after", bytes_after},
          {"compressed_count", compressed.size()},
          {"compression_saved_bytes", compression_saved_bytes()},
          {"deleted_count", deleted.size()},
          {"deleted_for_age", deleted_count(DeleteReason::Age)},
          {"deleted_for_size", deleted_count(DeleteReason::Size)},
          {"deleted_for_count", deleted_count(DeleteReason::Count)},
          {"freed_bytes", freed_bytes()},
          {"skipped_recent", skipped_recent},
          {"compressed", compressed_json},
          {"deleted", deleted_json},
          {"repaired", repaired_json},
          {"renamed", renamed_json},
          {"errors", errors}};
}

TraceRetentionResult apply_trace_retention(const std::string& dir, const TraceRetentionPolicy& policy, bool dry_run) {
  TraceRetentionResult result;
  const std::string root = normalize_dir(dir);
  result.dir = root;
  result.dry_run = dry_run;
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) {
    if (errno == ENOENT) return result;  // no traces yet: nothing to keep in check
    throw TraceRetentionError("cannot access the traces directory " + root + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode))
    throw TraceRetentionError(root + " is not a directory; trace retention applies to a traces directory");
  result.dir_exists = true;

  std::optional<RetentionLock> lock;
  if (!dry_run) {
    // Nothing configured and a read-only directory: there is nothing to do
    // (no limit to apply, and nobody could have left a temp file there).
    if (!policy.any_limit() && ::access(root.c_str(), W_OK) != 0) return result;
    lock.emplace(root, policy.lock_timeout_ms);
  }
  Run(policy, dry_run, result).execute(root);
  spdlog::info("trace retention in {}{}: {} compressed, {} deleted ({} bytes freed), {} repaired, {} errors", root,
               dry_run ? " (dry run)" : "", result.compressed.size(), result.deleted.size(), result.freed_bytes(),
               result.repaired.size(), result.errors.size());
  return result;
}

}  // namespace dashflow::host
