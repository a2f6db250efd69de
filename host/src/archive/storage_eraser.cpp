#include "archive/storage_eraser.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "dashflow/durable_file.hpp"

namespace dashflow::host {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kLockTimeoutMs = 30000;

void unlink_durable(const fs::path& file) {
  if (::unlink(file.c_str()) != 0) {
    if (errno == ENOENT) return;
    throw FileError("cannot remove " + file.string() + ": " + std::strerror(errno));
  }
  fsync_dir(file.parent_path());
}

void remove_in_folders(const fs::path& root, const std::vector<std::string>& folders, const std::string& file_name) {
  FileLock lock(root / ".lock", kLockTimeoutMs);
  for (const std::string& folder : folders) unlink_durable(root / folder / file_name);
}

}  // namespace

std::optional<StorageEraser> StorageEraser::for_location(const std::string& location) {
  std::error_code ec;
  const fs::path root(location);
  if (!fs::is_directory(root / "reports", ec) || !fs::is_directory(root / "plans", ec) ||
      !fs::is_directory(root / "hypotheses", ec))
    return std::nullopt;
  return StorageEraser(root);
}

void StorageEraser::remove_report(const std::string& id, const fs::path& keep) const {
  FileLock lock(root_ / ".lock", kLockTimeoutMs);
  fs::path keep_md = keep;
  if (!keep.empty()) keep_md.replace_extension(".md");
  const std::string suffix = "_" + id;
  std::vector<fs::path> doomed;
  std::error_code ec;
  for (fs::directory_iterator it(root_ / "reports", ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path p = it->path();
    const std::string ext = p.extension().string();
    const std::string stem = p.stem().string();
    if (ext != ".json" && ext != ".md") continue;
    // Only files: anything else in the folder is not a report the import wrote.
    std::error_code status_ec;
    if (!fs::is_regular_file(fs::symlink_status(p, status_ec))) continue;
    if (stem.size() <= suffix.size() || stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    if (!keep.empty() && (p == keep || p == keep_md)) continue;
    doomed.push_back(p);
  }
  if (ec) throw FileError("cannot list " + (root_ / "reports").string() + ": " + ec.message());
  // The .json first: a report is listed by its .json, so it disappears whole.
  for (const fs::path& p : doomed)
    if (p.extension() == ".json") unlink_durable(p);
  for (const fs::path& p : doomed)
    if (p.extension() == ".md") unlink_durable(p);
}

void StorageEraser::remove_plan(const std::string& id) const {
  remove_in_folders(root_, {"plans/pending", "plans/approved", "plans/implemented", "plans/failed"}, id + ".json");
}

void StorageEraser::remove_hypothesis(const std::string& id) const {
  remove_in_folders(root_, {"hypotheses/active", "hypotheses/evaluated"}, id + ".json");
}

void StorageEraser::remove_document(const std::string& name) const {
  FileLock lock(root_ / ".lock", kLockTimeoutMs);
  unlink_durable(root_ / name);
}

}  // namespace dashflow::host
