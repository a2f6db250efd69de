// Directory listings of stored "<id>.json" files, ignoring temp files left by
// a crash and anything else that is not ours.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace dashflow::fsstore {

namespace fs = std::filesystem;

struct StoredFile {
  std::string id;     // file stem
  size_t folder = 0;  // index into the folder list passed to scan_folders
  fs::path path;
};

// "<id>.json" files of each folder (missing folders are empty), sorted by
// id then folder index.
std::vector<StoredFile> scan_folders(const std::vector<fs::path>& folders);

// Ids stored in more than one folder (a move interrupted by a crash).
std::map<std::string, std::vector<StoredFile>> duplicated_ids(const std::vector<StoredFile>& files);

// Regular files (not temp files) in `dir` whose name ends with `suffix`.
std::vector<fs::path> files_with_suffix(const fs::path& dir, const std::string& suffix);

// Removes temp files ("*.tmp.<pid>.<random>") left under the storage's own
// folders (reports, plans, hypotheses, meta, state; never e.g. the host's
// audit/ beside them, which has its own lock), skipping those of a process
// that still runs. Call with the exclusive lock held. Returns the removed paths.
std::vector<fs::path> remove_temp_files(const fs::path& root, bool dry_run, uint64_t* bytes = nullptr);

}  // namespace dashflow::fsstore
