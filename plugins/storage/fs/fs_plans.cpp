// FsStorage: plans in plans/<pending|approved|implemented|failed>/<id>.json,
// checked transitions, upsert by fingerprint and repair of interrupted moves.
#include <algorithm>

#include "atomic_file.hpp"
#include "dashflow/errors.hpp"
#include "dashflow/ids.hpp"
#include "dashflow/lifecycle.hpp"
#include "dashflow/time.hpp"
#include "folder_scan.hpp"
#include "fs_storage.hpp"
#include "id_match.hpp"
#include "versioned_json.hpp"

namespace dashflow::fsstore {
namespace {

// Position in the lifecycle: a later state wins when a plan is found twice.
int lifecycle_rank(const PlanStatus& status) {
  switch (status.value.index()) {
    case 0: return 0;  // Proposed
    case 1: return 1;  // Validated
    case 2: return 2;  // InProgress
    default: return 3;  // Implemented, Failed, Superseded
  }
}

int64_t time_ms(const std::optional<Timestamp>& ts) {
  if (!ts) return 0;
  return parse_rfc3339_ms(*ts).value_or(0);
}

ExecutionPlan read_plan(const fs::path& file) {
  const std::optional<std::string> text = read_file(file);
  if (!text) throw NotFoundError("plan file " + file.string() + " was removed while reading it; retry");
  return read_entity<ExecutionPlan>(*text, file);
}

std::string relative_to(const fs::path& root, const fs::path& p) { return p.lexically_relative(root).string(); }

}  // namespace

void FsStorage::repair_plans_locked() {
  const std::vector<fs::path> dirs = plan_dirs();
  for (const auto& [id, copies] : duplicated_ids(scan_folders(dirs))) {
    struct Copy {
      StoredFile file;
      ExecutionPlan plan;
    };
    std::vector<Copy> readable;
    for (const StoredFile& f : copies) {
      try {
        readable.push_back({f, read_plan(f.path)});
      } catch (const Error& e) {
        warn_skipped(f.path, e.what());
      }
    }
    if (readable.size() < 2) continue;  // an unreadable copy is never deleted
    auto right_folder = [&](const Copy& c) { return dirs[c.file.folder] == plan_dir(folder_of(c.plan.status)); };
    auto better = [&](const Copy& a, const Copy& b) {
      if (lifecycle_rank(a.plan.status) != lifecycle_rank(b.plan.status))
        return lifecycle_rank(a.plan.status) > lifecycle_rank(b.plan.status);
      if (right_folder(a) != right_folder(b)) return right_folder(a);
      if (time_ms(a.plan.updated_at) != time_ms(b.plan.updated_at))
        return time_ms(a.plan.updated_at) > time_ms(b.plan.updated_at);
      return a.file.folder > b.file.folder;
    };
    const Copy* winner = &readable.front();
    for (const Copy& c : readable)
      if (better(c, *winner)) winner = &c;
    fs::path kept = winner->file.path;
    if (!right_folder(*winner)) {
      kept = plan_dir(folder_of(winner->plan.status)) / (id + ".json");
      write_file_atomic(kept, entity_text(winner->plan));
    }
    std::string removed;
    for (const Copy& c : readable) {
      if (c.file.path == kept) continue;
      remove_file_durable(c.file.path);
      removed += (removed.empty() ? "" : ", ") + relative_to(root_, c.file.path);
    }
    host_.warn("storage fs: plan " + id + " was stored in several folders (a move interrupted by a crash); kept " +
               relative_to(root_, kept) + " (" + status_name(winner->plan.status) + "), removed " + removed);
  }
}

std::string FsStorage::resolve_plan_id(std::string_view id_or_prefix) const {
  std::vector<std::string> ids;
  for (const StoredFile& f : scan_folders(plan_dirs())) ids.push_back(f.id);
  const IdLookup lookup{"plan", plans_dir().string(), "run 'dashflow self-improve plans --status all' to list ids"};
  return resolve_id(ids, id_or_prefix, lookup);
}

fs::path FsStorage::plan_file(const std::string& id) const {
  for (const fs::path& dir : plan_dirs()) {
    const fs::path p = dir / (id + ".json");
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p;
  }
  throw NotFoundError("plan " + id + " not found in " + plans_dir().string() +
                      "; run 'dashflow self-improve plans --status all' to list ids");
}

void FsStorage::write_plan_locked(const ExecutionPlan& plan) {
  const fs::path target = plan_dir(folder_of(plan.status)) / (plan.id + ".json");
  write_file_atomic(target, entity_text(plan));
  // The new copy is durable before any old copy goes away.
  for (const fs::path& dir : plan_dirs()) {
    const fs::path other = dir / (plan.id + ".json");
    if (other != target) remove_file_durable(other);
  }
}

void FsStorage::save_plan(const ExecutionPlan& plan) {
  if (!is_safe_id(plan.id)) {
    throw StorageError("plan id '" + plan.id + "' cannot be used in a file name; plan ids are UUIDs");
  }
  auto lock = write_lock();
  repair_plans_locked();
  write_plan_locked(plan);
}

UpsertResult FsStorage::upsert_plan(const ExecutionPlan& plan) {
  auto lock = write_lock();
  repair_plans_locked();
  const std::string stamp = now();
  if (!plan.fingerprint.empty()) {
    std::optional<ExecutionPlan> open;
    for (const StoredFile& f :
         scan_folders({plan_dir(PlanFolder::Pending), plan_dir(PlanFolder::Approved)})) {
      ExecutionPlan stored;
      try {
        stored = read_plan(f.path);
      } catch (const Error& e) {
        warn_skipped(f.path, e.what());
        continue;
      }
      if (stored.fingerprint != plan.fingerprint || !is_open(stored.status)) continue;
      const bool earlier = !open || time_ms(stored.created_at) < time_ms(open->created_at) ||
                           (time_ms(stored.created_at) == time_ms(open->created_at) && stored.id < open->id);
      if (earlier) open = std::move(stored);
    }
    if (open) {
      ExecutionPlan merged = plan;
      merged.id = open->id;
      merged.status = open->status;
      merged.created_at = open->created_at ? open->created_at : std::optional<Timestamp>(stamp);
      merged.occurrences = open->occurrences + 1;
      merged.updated_at = stamp;
      if (!merged.source_report_id) merged.source_report_id = open->source_report_id;
      if (!merged.review) merged.review = open->review;
      write_plan_locked(merged);
      return {merged.id, false, merged};
    }
  }
  ExecutionPlan created = plan;
  bool id_taken = false;
  if (!created.id.empty()) {
    for (const fs::path& dir : plan_dirs()) {
      std::error_code ec;
      if (fs::exists(dir / (created.id + ".json"), ec)) id_taken = true;
    }
  }
  if (created.id.empty() || id_taken) created.id = new_uuid_v4();
  if (!is_safe_id(created.id)) {
    throw StorageError("plan id '" + created.id + "' cannot be used in a file name; plan ids are UUIDs");
  }
  if (!created.created_at) created.created_at = stamp;
  created.updated_at = stamp;
  if (created.occurrences == 0) created.occurrences = 1;
  write_plan_locked(created);
  return {created.id, true, created};
}

ExecutionPlan FsStorage::load_plan(std::string_view id_or_prefix) {
  auto lock = read_lock_repaired();
  const std::string id = resolve_plan_id(id_or_prefix);
  return read_plan(plan_file(id));
}

std::vector<ExecutionPlan> FsStorage::list_plans(std::optional<PlanFolder> folder) {
  auto lock = read_lock_repaired();
  if (!lock) return {};
  std::vector<fs::path> dirs = folder ? std::vector<fs::path>{plan_dir(*folder)} : plan_dirs();
  std::vector<ExecutionPlan> out;
  for (const StoredFile& f : scan_folders(dirs)) {
    try {
      out.push_back(read_plan(f.path));
    } catch (const Error& e) {
      warn_skipped(f.path, e.what());
    }
  }
  std::sort(out.begin(), out.end(), [](const ExecutionPlan& a, const ExecutionPlan& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    const int64_t ta = time_ms(a.created_at), tb = time_ms(b.created_at);
    if (ta != tb) return ta < tb;
    return a.id < b.id;
  });
  return out;
}

ExecutionPlan FsStorage::transition_plan(std::string_view id_or_prefix, const PlanStatus& to) {
  auto lock = write_lock();
  repair_plans_locked();
  const std::string id = resolve_plan_id(id_or_prefix);
  ExecutionPlan plan = read_plan(plan_file(id));
  plan.id = id;
  check_plan_transition(plan.id, plan.status, to);
  const std::string stamp = now();
  PlanStatus next = to;
  if (auto* s = std::get_if<PlanStatus::InProgress>(&next.value); s && s->started.empty()) s->started = stamp;
  if (auto* s = std::get_if<PlanStatus::Implemented>(&next.value); s && s->completed.empty()) s->completed = stamp;
  plan.status = next;
  plan.updated_at = stamp;
  write_plan_locked(plan);
  return plan;
}

}  // namespace dashflow::fsstore
