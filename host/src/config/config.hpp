// The dashflow config file (JSON; default .dashflow/dashflow.json): plugin
// dirs, the storage backend, and named pipelines. Validated against the
// host's own schema (unknown keys are errors naming the key) before use.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dashflow::host {

class ConfigFileError : public std::runtime_error {
 public:
  ConfigFileError(const std::string& message, std::vector<std::string> issues = {})
      : std::runtime_error(message), issues(std::move(issues)) {}
  std::vector<std::string> issues;
};

struct PluginRef {
  std::string plugin;              // plugin id
  nlohmann::json config = nlohmann::json::object();
  bool enabled = true;
  std::string where;               // "pipelines.default.analyzers[1]" for messages
};

struct PipelineConfig {
  std::string name;
  std::vector<PluginRef> trace_sources;
  std::vector<PluginRef> analyzers;
  std::vector<PluginRef> planners;
  std::vector<PluginRef> reviewers;
  std::vector<PluginRef> alert_sinks;
  std::vector<std::string> known_nodes;
  std::vector<std::string> known_tools;
  std::optional<std::string> graph_manifest;  // JSON file listing nodes and tools
  bool all_analyzers = false;                 // default pipeline: every analyzer found
  int min_reviews = 2;
  double consensus_threshold = 0.6;
};

struct Config {
  std::string source;  // file path, or "(built-in default)"
  bool from_file = false;
  std::vector<std::string> plugin_dirs;
  PluginRef storage;
  std::map<std::string, PipelineConfig> pipelines;
  std::string default_pipeline = "default";
  nlohmann::json raw = nlohmann::json::object();  // the whole file, for sections owned by other parts

  const PipelineConfig& pipeline(const std::string& name) const;
};

// The JSON Schema of the config file (documentation and validation).
const nlohmann::json& config_schema();

// The built-in default: trace-dir, every analyzer found, default-planner,
// fs storage, console alerts.
Config default_config();

// Loads and validates `path`. Relative plugin dirs are resolved against the
// file's directory. Throws ConfigFileError listing every problem.
Config load_config_file(const std::string& path);

// --config FILE, else .dashflow/dashflow.json when it exists, else the default.
Config load_config(const std::optional<std::string>& explicit_path);

}  // namespace dashflow::host
