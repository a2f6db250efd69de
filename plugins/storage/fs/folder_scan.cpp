#include "folder_scan.hpp"

#include <algorithm>
#include <system_error>

#include "atomic_file.hpp"
#include "dashflow/durable_file.hpp"
#include "dashflow/errors.hpp"

namespace dashflow::fsstore {

std::vector<fs::path> files_with_suffix(const fs::path& dir, const std::string& suffix) {
  std::vector<fs::path> out;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return out;
    throw StorageError("cannot list " + dir.string() + ": " + ec.message() + "; check its permissions");
  }
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (is_temp_name(name) || name.size() <= suffix.size() || name[0] == '.') continue;
    if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec)) continue;
    out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<StoredFile> scan_folders(const std::vector<fs::path>& folders) {
  std::vector<StoredFile> out;
  for (size_t i = 0; i < folders.size(); ++i) {
    for (const fs::path& p : files_with_suffix(folders[i], ".json")) {
      out.push_back({p.stem().string(), i, p});
    }
  }
  std::sort(out.begin(), out.end(), [](const StoredFile& a, const StoredFile& b) {
    return a.id != b.id ? a.id < b.id : a.folder < b.folder;
  });
  return out;
}

std::map<std::string, std::vector<StoredFile>> duplicated_ids(const std::vector<StoredFile>& files) {
  std::map<std::string, std::vector<StoredFile>> out;
  for (size_t i = 0; i + 1 < files.size(); ++i) {
    if (files[i].id != files[i + 1].id) continue;
    auto& group = out[files[i].id];
    if (group.empty() || group.back().path != files[i].path) group.push_back(files[i]);
    group.push_back(files[i + 1]);
  }
  return out;
}

namespace {

// The folders this storage writes; others under the root (the host's audit/
// log, a user's notes) belong to someone else and are never swept.
bool is_own_top_folder(const std::string& name) {
  return name == "reports" || name == "plans" || name == "hypotheses" || name == "meta" || name == "state";
}

}  // namespace

std::vector<fs::path> remove_temp_files(const fs::path& root, bool dry_run, uint64_t* bytes) {
  std::vector<fs::path> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return found;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (it.depth() == 0 && it->is_directory(type_ec) && !is_own_top_folder(name)) {
      it.disable_recursion_pending();
      continue;
    }
    if (!is_temp_name(name) || temp_file_writer_alive(name)) continue;  // a live writer's write in progress
    if (!it->is_regular_file(type_ec)) continue;
    found.push_back(it->path());
  }
  for (const fs::path& p : found) {
    std::error_code size_ec;
    const auto size = fs::file_size(p, size_ec);
    if (bytes && !size_ec) *bytes += size;
    if (!dry_run) remove_file_durable(p);
  }
  return found;
}

}  // namespace dashflow::fsstore
