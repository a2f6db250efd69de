// FsStorage: statistics, health (thresholds from config, writable probe) and
// retention cleanup, per dashflow-runtime.md §1.9-§1.10.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "atomic_file.hpp"
#include "dashflow/errors.hpp"
#include "dashflow/time.hpp"
#include "folder_scan.hpp"
#include "fs_storage.hpp"
#include "report_file.hpp"
#include "versioned_json.hpp"

namespace dashflow::fsstore {
namespace {

constexpr int64_t kDayMs = 86400000;

int64_t mtime_ms(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

uint64_t size_of(const fs::path& p) {
  std::error_code ec;
  const auto size = fs::file_size(p, ec);
  return ec ? 0 : static_cast<uint64_t>(size);
}

// When a closed plan was last touched: updated_at, else its completion
// time, else created_at, else the file's mtime.
int64_t plan_time_ms(const fs::path& file) {
  try {
    const std::optional<std::string> text = read_file(file);
    if (text) {
      const ExecutionPlan plan = read_entity<ExecutionPlan>(*text, file);
      if (plan.updated_at)
        if (auto ms = parse_rfc3339_ms(*plan.updated_at)) return *ms;
      if (auto* done = std::get_if<PlanStatus::Implemented>(&plan.status.value))
        if (auto ms = parse_rfc3339_ms(done->completed)) return *ms;
      if (plan.created_at)
        if (auto ms = parse_rfc3339_ms(*plan.created_at)) return *ms;
    }
  } catch (const Error&) {
  }
  return mtime_ms(file);
}

void raise(StorageHealth& h, StorageHealth::Level level) {
  if (static_cast<int>(level) > static_cast<int>(h.level)) h.level = level;
}

struct Doomed {
  fs::path path;
  int64_t time_ms = 0;
};

}  // namespace

StorageStatistics FsStorage::stats_unlocked() const {
  StorageStatistics s;
  s.report_count = files_with_suffix(reports_dir(), ".json").size();
  s.plans_pending = files_with_suffix(plan_dir(PlanFolder::Pending), ".json").size();
  s.plans_approved = files_with_suffix(plan_dir(PlanFolder::Approved), ".json").size();
  s.plans_implemented = files_with_suffix(plan_dir(PlanFolder::Implemented), ".json").size();
  s.plans_failed = files_with_suffix(plan_dir(PlanFolder::Failed), ".json").size();
  s.hypotheses_active = files_with_suffix(hypothesis_dir("active"), ".json").size();
  s.hypotheses_evaluated = files_with_suffix(hypothesis_dir("evaluated"), ".json").size();
  std::error_code ec;
  fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, ec);
  if (ec) return s;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) s.total_size_bytes += size_of(it->path());
  }
  return s;
}

StorageStatistics FsStorage::stats() {
  auto lock = read_lock();
  if (!lock) return {};
  return stats_unlocked();
}

StorageHealth FsStorage::health() {
  StorageHealth h;
  std::error_code ec;
  if (fs::exists(fs::symlink_status(root_, ec)) && !fs::is_directory(root_, ec)) {
    h.writable = false;
    h.level = StorageHealth::Level::Critical;
    h.warnings.push_back("Storage " + root_.string() +
                         " exists but is not a directory; move it away or set the storage 'path' elsewhere");
    return h;
  }
  if (!fs::is_directory(root_, ec)) {
    fs::path parent = fs::absolute(root_, ec).parent_path();
    while (!parent.empty() && !fs::exists(parent, ec) && parent != parent.parent_path()) parent = parent.parent_path();
    h.writable = ::access(parent.c_str(), W_OK) == 0;
    if (!h.writable) {
      h.level = StorageHealth::Level::Critical;
      h.warnings.push_back("Storage " + root_.string() + " does not exist and cannot be created (" + parent.string() +
                           " is not writable); set the storage 'path' to a writable directory");
    } else {
      h.warnings.push_back("Storage " + root_.string() + " does not exist yet; it is created on the first write");
    }
    return h;
  }
  // The probe runs under the shared lock, so a concurrent cleanup (which
  // removes temp files under the exclusive lock) cannot take it for debris.
  auto lock = read_lock();
  const StorageStatistics s = stats_unlocked();
  try {
    const fs::path probe = root_ / (".health_check." + std::to_string(::getpid()));
    write_file_atomic(probe, "ok\n");
    remove_file_durable(probe);
  } catch (const StorageError& e) {
    h.writable = false;
    raise(h, StorageHealth::Level::Critical);
    h.warnings.push_back(std::string("Storage is not writable: ") + e.what());
  }
  const uint64_t mb = s.total_size_bytes / 1048576;
  if (config_.size_critical_mb > 0 && mb >= config_.size_critical_mb) {
    raise(h, StorageHealth::Level::Critical);
    h.warnings.push_back("Storage size critical: " + std::to_string(mb) + " MB (threshold: " +
                         std::to_string(config_.size_critical_mb) + " MB)");
  } else if (config_.size_warning_mb > 0 && mb >= config_.size_warning_mb) {
    raise(h, StorageHealth::Level::Warning);
    h.warnings.push_back("Storage size warning: " + std::to_string(mb) + " MB (threshold: " +
                         std::to_string(config_.size_warning_mb) + " MB)");
  }
  if (config_.report_warning_count > 0 && s.report_count >= config_.report_warning_count) {
    raise(h, StorageHealth::Level::Warning);
    h.warnings.push_back("Report count warning: " + std::to_string(s.report_count) + " (threshold: " +
                         std::to_string(config_.report_warning_count) + ")");
  }
  if (config_.plan_warning_count > 0) {
    const uint64_t total = s.plans_pending + s.plans_approved + s.plans_implemented + s.plans_failed;
    const uint64_t total_threshold = 4 * config_.plan_warning_count;
    if (total >= total_threshold) {
      raise(h, StorageHealth::Level::Warning);
      h.warnings.push_back("Total plan count warning: " + std::to_string(total) + " (threshold: " +
                           std::to_string(total_threshold) + ")");
    }
    if (s.plans_implemented >= config_.plan_warning_count) {
      raise(h, StorageHealth::Level::Warning);
      h.warnings.push_back("Implemented plans warning: " + std::to_string(s.plans_implemented) + " (threshold: " +
                           std::to_string(config_.plan_warning_count) + ")");
    }
    if (s.plans_failed >= config_.plan_warning_count) {
      raise(h, StorageHealth::Level::Warning);
      h.warnings.push_back("Failed plans warning: " + std::to_string(s.plans_failed) + " (threshold: " +
                           std::to_string(config_.plan_warning_count) + ")");
    }
  }
  return h;
}

CleanupResult FsStorage::cleanup(const RetentionPolicy& policy) {
  CleanupResult r;
  const bool dry = policy.dry_run;
  // A dry run changes nothing, not even the layout: it takes the shared lock
  // (writers hold the exclusive one while their temp files exist, so a temp
  // file seen under it is still a crash's leftover), and a storage that does
  // not exist yet has nothing to clean.
  std::unique_ptr<DirLock> lock = dry ? read_lock() : write_lock();
  if (!lock) return r;
  const int64_t now_ms = host_.now_unix_ms();

  auto remove = [&](const fs::path& p, uint64_t& counter, bool count) {
    const uint64_t size = size_of(p);
    try {
      if (!dry && !remove_file_durable(p)) return;
      r.removed.push_back(p.string());
      r.bytes_freed += size;
      if (count) ++counter;
    } catch (const StorageError& e) {
      r.errors.push_back(std::string("failed to delete ") + p.string() + ": " + e.what());
    }
  };

  for (const fs::path& p : remove_temp_files(root_, true)) {
    uint64_t unused = 0;
    remove(p, unused, false);
  }

  // 1. Reports by count, oldest report timestamp first, each with its .md.
  if (policy.max_reports > 0) {
    const std::vector<ReportFile> newest_first = reports_newest_first(scan_reports());
    for (size_t i = policy.max_reports; i < newest_first.size(); ++i) {
      const size_t index = newest_first.size() - 1 - (i - policy.max_reports);
      const fs::path json_path = newest_first[index].json_path;
      fs::path md = json_path;
      md.replace_extension(".md");
      remove(json_path, r.reports_deleted, true);
      std::error_code ec;
      if (fs::exists(md, ec)) {
        uint64_t unused = 0;
        remove(md, unused, false);
      }
    }
  }

  // 2. Closed plans (implemented/, failed/): by age, then by count.
  for (PlanFolder folder : {PlanFolder::Implemented, PlanFolder::Failed}) {
    std::vector<Doomed> plans;
    for (const StoredFile& f : scan_folders({plan_dir(folder)})) plans.push_back({f.path, plan_time_ms(f.path)});
    std::sort(plans.begin(), plans.end(), [](const Doomed& a, const Doomed& b) {
      return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.path < b.path;
    });
    std::vector<Doomed> kept;
    for (const Doomed& d : plans) {
      if (policy.plan_archive_age_days > 0 &&
          d.time_ms < now_ms - static_cast<int64_t>(policy.plan_archive_age_days) * kDayMs) {
        remove(d.path, r.plans_deleted, true);
      } else {
        kept.push_back(d);
      }
    }
    if (policy.max_plans_per_status > 0 && kept.size() > policy.max_plans_per_status) {
      const size_t excess = kept.size() - policy.max_plans_per_status;
      for (size_t i = 0; i < excess; ++i) remove(kept[i].path, r.plans_deleted, true);
    }
  }

  // 3. Evaluated hypotheses by age (the file's mtime: when it was evaluated).
  if (policy.hypothesis_archive_age_days > 0) {
    const int64_t cutoff = now_ms - static_cast<int64_t>(policy.hypothesis_archive_age_days) * kDayMs;
    for (const StoredFile& f : scan_folders({hypothesis_dir("evaluated")})) {
      if (mtime_ms(f.path) < cutoff) remove(f.path, r.hypotheses_deleted, true);
    }
  }
  return r;
}

}  // namespace dashflow::fsstore
