// Finds plugin files in the plugin directories and reads their manifests
// (without loading them), applying the loading policy.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plugin/manifest.hpp"

namespace dashflow::host {

struct PluginCandidate {
  enum class Status { Ok, Ignored, Refused, Quarantined };
  std::string path;
  Status status = Status::Refused;
  std::string reason;  // why ignored or refused
  std::optional<PluginManifest> manifest;
};

const char* status_name(PluginCandidate::Status status);

struct DiscoveryResult {
  std::vector<PluginCandidate> candidates;  // in discovery order (dir order, then file name)
  std::vector<std::string> problems;        // directory-level problems and duplicate ids
};

// Examines one file: permissions, ELF manifest, manifest fields, ABI.
PluginCandidate inspect_plugin_file(const std::string& path);

// Scans each directory (not recursively) for *.so files. A directory that
// fails the permission policy contributes no plugins and one problem. Two
// files with the same plugin id are both refused, each naming the other.
DiscoveryResult discover_plugins(const std::vector<std::string>& directories);

// Plugin directories in priority order: --plugin-dir flags, then
// DASHFLOW_PLUGIN_PATH (colon-separated), then config dirs, then the
// built-in dir next to the executable (../lib/dashflow/plugins).
std::vector<std::string> plugin_search_path(const std::vector<std::string>& cli_dirs,
                                            const std::vector<std::string>& config_dirs, bool include_builtin);

std::string builtin_plugin_dir();

}  // namespace dashflow::host
