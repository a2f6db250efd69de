// What every command gets: global options, the output format, and lazily
// loaded config and plugin registry.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "plugin/registry.hpp"

namespace dashflow::host {

enum class OutputFormat { Table, Json };

struct GlobalOptions {
  std::string log_level;
  std::string log_format = "text";
  std::vector<std::string> plugin_dirs;  // --plugin-dir, repeatable
  std::optional<std::string> config_path;
  bool no_builtin_plugins = false;
};

// Bad command line: exit code 2.
class UsageError : public std::runtime_error {
 public:
  UsageError(const std::string& message, std::string command = "")
      : std::runtime_error(message), command(std::move(command)) {}
  std::string command;  // for the "Run 'dashflow <command> --help'" hint
};

// A command that failed: exit code 1, with a kind and detail lines.
class CommandError : public std::runtime_error {
 public:
  CommandError(std::string kind, const std::string& message, std::vector<std::string> details = {})
      : std::runtime_error(message), kind(std::move(kind)), details(std::move(details)) {}
  std::string kind;
  std::vector<std::string> details;
};

class CliContext {
 public:
  GlobalOptions global;
  OutputFormat format = OutputFormat::Table;

  const Config& config();
  PluginRegistry& registry();
  // The directories plugins were searched in, in order.
  std::vector<std::string> plugin_dirs();

 private:
  std::optional<Config> config_;
  std::unique_ptr<PluginRegistry> registry_;
};

}  // namespace dashflow::host
