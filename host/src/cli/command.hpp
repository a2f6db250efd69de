// The command tree. Each command registers its path ("plugins list"), a
// summary, its options and a handler; the dispatcher finds the longest
// matching path, parses options with Boost.Program_options (global options
// accepted everywhere) and prints --help at every level.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/context.hpp"

namespace dashflow::host {

namespace po = boost::program_options;

struct Command {
  std::vector<std::string> path;  // {"self-improve", "analyze"}
  std::string summary;
  std::string usage;              // arguments after the path, e.g. "<plan-id> [options]"
  std::string description;        // longer help text (optional)
  std::function<void(po::options_description&, po::positional_options_description&)> options;
  std::function<int(CliContext&, const po::variables_map&)> run;
  bool reading = false;           // accepts --format table|json
};

// The value of a string option, or nullopt when it was not given.
inline std::optional<std::string> opt(const po::variables_map& vm, const char* key) {
  if (vm.count(key)) return vm[key].as<std::string>();
  return std::nullopt;
}

// Registration, called once from run_cli for each command group.
void register_plugin_commands(std::vector<Command>& commands);
void register_config_commands(std::vector<Command>& commands);
void register_self_improve_commands(std::vector<Command>& commands);
void register_introspect_commands(std::vector<Command>& commands);
void register_testgen_commands(std::vector<Command>& commands);
void register_daemon_commands(std::vector<Command>& commands);
void register_audit_commands(std::vector<Command>& commands);
void register_archive_commands(std::vector<Command>& commands);
void register_retention_commands(std::vector<Command>& commands);

// Entry point used by main(); returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace dashflow::host
