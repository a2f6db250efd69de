// FsStorage: hypotheses in hypotheses/<active|evaluated>/<id>.json.
#include <algorithm>

#include "atomic_file.hpp"
#include "dashflow/errors.hpp"
#include "dashflow/lifecycle.hpp"
#include "dashflow/time.hpp"
#include "folder_scan.hpp"
#include "fs_storage.hpp"
#include "id_match.hpp"
#include "versioned_json.hpp"

namespace dashflow::fsstore {
namespace {

Hypothesis read_hypothesis(const fs::path& file) {
  const std::optional<std::string> text = read_file(file);
  if (!text) throw NotFoundError("hypothesis file " + file.string() + " was removed while reading it; retry");
  return read_entity<Hypothesis>(*text, file);
}

bool is_active(const HypothesisStatus& status) { return std::string(hypothesis_folder(status)) == "active"; }

}  // namespace

void FsStorage::repair_hypotheses_locked() {
  const std::vector<fs::path> dirs = hypothesis_dirs();
  for (const auto& [id, copies] : duplicated_ids(scan_folders(dirs))) {
    struct Copy {
      StoredFile file;
      Hypothesis value;
    };
    std::vector<Copy> readable;
    for (const StoredFile& f : copies) {
      try {
        readable.push_back({f, read_hypothesis(f.path)});
      } catch (const Error& e) {
        warn_skipped(f.path, e.what());
      }
    }
    if (readable.size() < 2) continue;  // an unreadable copy is never deleted
    // Evaluated/superseded is later in the lifecycle than active/pending;
    // ties go to the copy in the later folder.
    auto rank = [](const Copy& c) { return (is_active(c.value.status) ? 0 : 2) + static_cast<int>(c.file.folder); };
    const Copy* winner = &readable.front();
    for (const Copy& c : readable)
      if (rank(c) > rank(*winner)) winner = &c;
    fs::path kept = hypothesis_dir(hypothesis_folder(winner->value.status)) / (id + ".json");
    if (kept != winner->file.path) write_file_atomic(kept, entity_text(winner->value));
    std::string removed;
    for (const Copy& c : readable) {
      if (c.file.path == kept) continue;
      remove_file_durable(c.file.path);
      removed += (removed.empty() ? "" : ", ") + c.file.path.lexically_relative(root_).string();
    }
    host_.warn("storage fs: hypothesis " + id +
               " was stored in several folders (a move interrupted by a crash); kept " +
               kept.lexically_relative(root_).string() + ", removed " + removed);
  }
}

fs::path FsStorage::hypothesis_file(std::string_view id_or_prefix) const {
  const std::vector<StoredFile> files = scan_folders(hypothesis_dirs());
  std::vector<std::string> ids;
  for (const StoredFile& f : files) ids.push_back(f.id);
  const IdLookup lookup{"hypothesis", (root_ / "hypotheses").string(),
                        "list them with 'dashflow self-improve reports show <report-id>' or under hypotheses/"};
  const std::string id = resolve_id(ids, id_or_prefix, lookup);
  for (const StoredFile& f : files)
    if (f.id == id) return f.path;
  throw NotFoundError("hypothesis " + id + " not found in " + (root_ / "hypotheses").string());
}

void FsStorage::save_hypothesis(const Hypothesis& hypothesis) {
  if (!is_safe_id(hypothesis.id)) {
    throw StorageError("hypothesis id '" + hypothesis.id + "' cannot be used in a file name; ids are UUIDs");
  }
  auto lock = write_lock();
  repair_hypotheses_locked();
  const fs::path target = hypothesis_dir(hypothesis_folder(hypothesis.status)) / (hypothesis.id + ".json");
  write_file_atomic(target, entity_text(hypothesis));
  for (const fs::path& dir : hypothesis_dirs()) {
    const fs::path other = dir / (hypothesis.id + ".json");
    if (other != target) remove_file_durable(other);
  }
}

Hypothesis FsStorage::load_hypothesis(std::string_view id_or_prefix) {
  auto lock = read_lock_repaired();
  return read_hypothesis(hypothesis_file(id_or_prefix));
}

std::vector<Hypothesis> FsStorage::list_hypotheses(bool active_only) {
  auto lock = read_lock_repaired();
  if (!lock) return {};
  std::vector<fs::path> dirs = hypothesis_dirs();
  if (active_only) dirs.resize(1);
  std::vector<Hypothesis> out;
  for (const StoredFile& f : scan_folders(dirs)) {
    try {
      out.push_back(read_hypothesis(f.path));
    } catch (const Error& e) {
      warn_skipped(f.path, e.what());
    }
  }
  std::sort(out.begin(), out.end(), [](const Hypothesis& a, const Hypothesis& b) {
    const int64_t ta = parse_rfc3339_ms(a.created_at).value_or(0), tb = parse_rfc3339_ms(b.created_at).value_or(0);
    if (ta != tb) return ta > tb;
    return a.id < b.id;
  });
  return out;
}

}  // namespace dashflow::fsstore
