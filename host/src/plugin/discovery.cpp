#include "plugin/discovery.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "plugin/crash_guard.hpp"
#include "plugin/permissions.hpp"

namespace fs = std::filesystem;

namespace dashflow::host {

const char* status_name(PluginCandidate::Status status) {
  switch (status) {
    case PluginCandidate::Status::Ok: return "ok";
    case PluginCandidate::Status::Ignored: return "ignored";
    case PluginCandidate::Status::Refused: return "refused";
    case PluginCandidate::Status::Quarantined: return "quarantined";
  }
  return "refused";
}

PluginCandidate inspect_plugin_file(const std::string& path) {
  PluginCandidate c;
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  c.path = ec ? path : canonical.string();
  if (!fs::is_regular_file(c.path, ec)) {
    c.reason = "not a regular file";
    return c;
  }
  if (std::string why = check_plugin_path_permissions(c.path, false); !why.empty()) {
    c.reason = why;
    return c;
  }
  ManifestReadResult read = read_embedded_manifest(c.path);
  switch (read.status) {
    case ManifestReadResult::Status::NotElf:
    case ManifestReadResult::Status::NoManifest:
      c.status = PluginCandidate::Status::Ignored;
      c.reason = read.message;
      return c;
    case ManifestReadResult::Status::Invalid:
      c.reason = "unreadable manifest: " + read.message;
      return c;
    case ManifestReadResult::Status::Ok: break;
  }
  std::string error;
  c.manifest = parse_manifest(read.manifest, error);
  if (!c.manifest) {
    c.reason = error;
    return c;
  }
  if (std::string abi = check_abi(c.manifest->abi); !abi.empty()) {
    c.reason = "incompatible ABI: " + abi;
    return c;
  }
  if (auto record = find_quarantine(c.path)) {
    c.status = PluginCandidate::Status::Quarantined;
    c.reason = describe(*record);
    return c;
  }
  c.status = PluginCandidate::Status::Ok;
  return c;
}

DiscoveryResult discover_plugins(const std::vector<std::string>& directories) {
  DiscoveryResult result;
  std::set<std::pair<dev_t, ino_t>> seen_files;
  std::set<std::string> seen_dirs;
  for (const auto& dir : directories) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(fs::path(dir), ec);
    const std::string d = ec ? dir : canonical.string();
    if (!seen_dirs.insert(d).second) continue;
    if (!fs::is_directory(d, ec)) continue;  // a missing directory is simply empty
    if (std::string why = check_plugin_path_permissions(d, true); !why.empty()) {
      result.problems.push_back("plugin directory refused: " + why);
      continue;
    }
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(d, ec)) {
      if (entry.path().extension() == ".so") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      struct stat st {};
      if (stat(file.c_str(), &st) == 0 && !seen_files.insert({st.st_dev, st.st_ino}).second) continue;
      result.candidates.push_back(inspect_plugin_file(file));
    }
  }
  // Duplicate ids are an error naming both paths; neither file is loaded.
  std::map<std::string, std::vector<size_t>> by_id;
  for (size_t i = 0; i < result.candidates.size(); ++i) {
    const auto& c = result.candidates[i];
    if (c.status == PluginCandidate::Status::Ok) by_id[c.manifest->id].push_back(i);
  }
  for (const auto& [id, indexes] : by_id) {
    if (indexes.size() < 2) continue;
    std::string paths;
    for (size_t i : indexes) paths += (paths.empty() ? "" : " and ") + result.candidates[i].path;
    result.problems.push_back("duplicate plugin id '" + id + "' in " + paths +
                              "; remove or rename one of them");
    for (size_t i : indexes) {
      auto& c = result.candidates[i];
      c.status = PluginCandidate::Status::Refused;
      std::string others;
      for (size_t j : indexes)
        if (j != i) others += (others.empty() ? "" : ", ") + result.candidates[j].path;
      c.reason = "duplicate plugin id '" + id + "', also provided by " + others;
    }
  }
  return result;
}

std::string builtin_plugin_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  return (exe.parent_path().parent_path() / "lib" / "dashflow" / "plugins").string();
}

std::vector<std::string> plugin_search_path(const std::vector<std::string>& cli_dirs,
                                            const std::vector<std::string>& config_dirs, bool include_builtin) {
  std::vector<std::string> dirs = cli_dirs;
  if (const char* env = std::getenv("DASHFLOW_PLUGIN_PATH")) {
    std::string value = env;
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(':', start);
      if (end == std::string::npos) end = value.size();
      if (end > start) dirs.push_back(value.substr(start, end - start));
      start = end + 1;
    }
  }
  dirs.insert(dirs.end(), config_dirs.begin(), config_dirs.end());
  if (include_builtin) {
    std::string builtin = builtin_plugin_dir();
    if (!builtin.empty()) dirs.push_back(builtin);
  }
  return dirs;
}

}  // namespace dashflow::host
