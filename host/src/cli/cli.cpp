#include <spdlog/spdlog.h>

#include <iostream>
#include <map>
#include <set>

#include "cli/command.hpp"

#include "plugin/crash_guard.hpp"
#include "cli/output.hpp"
#include "dashflow/abi.h"
#include "plugin/manifest.hpp"
#include "util/logging.hpp"

namespace dashflow::host {
namespace {

const std::map<std::string, std::string> kGroupSummaries = {
    {"self-improve", "Analyze traces, manage improvement plans, run the daemon, generate tests"},
    {"introspect", "Inspect the installation (health)"},
    {"plugins", "List, inspect, check and test plugins"},
    {"config", "Validate configuration files"},
};

po::options_description global_options() {
  po::options_description g("Global options");
  g.add_options()
      ("help,h", "Show help for this command")
      ("version,V", "Print the version and SDK ABI, then exit")
      ("config", po::value<std::string>(), "Config file (default: .dashflow/dashflow.json when present)")
      ("plugin-dir", po::value<std::vector<std::string>>()->composing(), "Extra plugin directory (repeatable)")
      ("no-builtin-plugins", po::bool_switch(), "Do not search the built-in plugin directory")
      ("log-level", po::value<std::string>(), "trace|debug|info|warn|error|off (default warn; DASHFLOW_DEBUG=1 means debug)")
      ("log-format", po::value<std::string>()->default_value("text"), "Log line format on stderr: text|json");
  return g;
}

const std::set<std::string> kGlobalValueOptions = {"--config", "--plugin-dir", "--log-level", "--log-format",
                                                   "--format"};

std::string join(const std::vector<std::string>& parts, const std::string& sep = " ") {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

void print_group_help(const std::vector<Command>& commands, const std::vector<std::string>& prefix) {
  std::cout << "Usage: dashflow " << (prefix.empty() ? "" : join(prefix) + " ") << "<command> [options]\n\n";
  if (prefix.empty()) {
    std::cout << "dashflow " DASHFLOW_VERSION " - turns agent/LLM execution traces into analysis reports,\n"
                 "improvement plans, alerts and regression tests, through plugins.\n\n";
  }
  std::cout << "Commands:\n";
  std::set<std::string> shown;
  for (const auto& c : commands) {
    if (c.path.size() <= prefix.size() || !std::equal(prefix.begin(), prefix.end(), c.path.begin())) continue;
    const std::string next = c.path[prefix.size()];
    if (c.path.size() == prefix.size() + 1) {
      std::cout << "  " << next << std::string(next.size() < 18 ? 18 - next.size() : 1, ' ') << c.summary << "\n";
      shown.insert(next);
    } else if (!shown.count(next)) {
      bool has_leaf = false;
      for (const auto& o : commands)
        if (o.path.size() == prefix.size() + 1 && o.path[prefix.size()] == next) has_leaf = true;
      if (!has_leaf) {
        auto s = kGroupSummaries.find(next);
        std::cout << "  " << next << std::string(next.size() < 18 ? 18 - next.size() : 1, ' ')
                  << (s != kGroupSummaries.end() ? s->second : "") << "\n";
        shown.insert(next);
      }
    }
  }
  std::cout << "\n" << global_options() << "\nRun 'dashflow " << (prefix.empty() ? "" : join(prefix) + " ")
            << "<command> --help' for details.\n";
}

void add_format_option(po::options_description& d) {
  d.add_options()("format", po::value<std::string>()->default_value("table"), "Output format: table|json");
}

void print_command_help(const Command& c) {
  po::options_description own("Options");
  po::positional_options_description pos;
  if (c.options) c.options(own, pos);
  if (c.reading) add_format_option(own);
  std::cout << "Usage: dashflow " << join(c.path) << (c.usage.empty() ? " [options]" : " " + c.usage) << "\n\n"
            << c.summary << "\n";
  if (!c.description.empty()) std::cout << "\n" << c.description << "\n";
  std::cout << "\n" << own << "\n" << global_options();
}

void print_version() {
  std::cout << "dashflow " DASHFLOW_VERSION " (plugin SDK ABI " << host_abi_string() << ")\n";
}

}  // namespace

int run_cli(int argc, char** argv) {
  install_crash_handlers();
  std::vector<Command> commands;
  register_plugin_commands(commands);
  register_config_commands(commands);
  register_testgen_commands(commands);
  register_self_improve_commands(commands);
  register_introspect_commands(commands);
  register_audit_commands(commands);
  register_archive_commands(commands);
  register_retention_commands(commands);
  register_daemon_commands(commands);

  std::vector<std::string> args(argv + 1, argv + argc);
  CliContext ctx;
  // Pre-scan --format so that even usage errors come out as JSON when asked.
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "--format" && i + 1 < args.size() && args[i + 1] == "json") || args[i] == "--format=json")
      ctx.format = OutputFormat::Json;
  }

  // Words before options that match the command tree form the command path.
  std::vector<std::string> words;
  std::vector<size_t> word_positions;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("-", 0) == 0) {
      if (kGlobalValueOptions.count(a)) ++i;  // skip its value
      continue;
    }
    words.push_back(a);
    word_positions.push_back(i);
  }
  const Command* match = nullptr;
  size_t matched = 0;
  for (const auto& c : commands) {
    if (c.path.size() > words.size() || c.path.size() <= matched) continue;
    if (std::equal(c.path.begin(), c.path.end(), words.begin())) match = &c, matched = c.path.size();
  }
  // The longest prefix of words that names a group (for help and errors).
  std::vector<std::string> group;
  for (size_t n = words.size(); n > 0 && group.empty(); --n) {
    std::vector<std::string> prefix(words.begin(), words.begin() + static_cast<long>(n));
    for (const auto& c : commands)
      if (c.path.size() > n && std::equal(prefix.begin(), prefix.end(), c.path.begin())) group = prefix;
  }

  try {
    if (!match) {
      po::options_description g = global_options();
      add_format_option(g);
      po::variables_map vm;
      try {
        // Only global options are allowed without a command; unknown ones are usage errors.
        po::store(po::command_line_parser(args).options(g).allow_unregistered().run(), vm);
        auto parsed = po::command_line_parser(args).options(g).allow_unregistered().run();
        for (const auto& option : po::collect_unrecognized(parsed.options, po::exclude_positional))
          throw UsageError("unknown option '" + option + "'", join(group));
      } catch (const po::error& e) {
        throw UsageError(e.what(), join(group));
      }
      if (vm.count("version") && words.empty()) {
        print_version();
        return 0;
      }
      if (words.size() > group.size()) {
        const std::string unknown = words[group.size()];
        throw UsageError("unknown command '" + (group.empty() ? "" : join(group) + " ") + unknown + "'",
                         join(group));
      }
      if (vm.count("help")) {
        print_group_help(commands, group);
        return 0;
      }
      if (ctx.format == OutputFormat::Json)
        throw UsageError("missing command after 'dashflow" + (group.empty() ? "" : " " + join(group)) + "'", join(group));
      print_group_help(commands, group);
      return 2;
    }

    // Parse everything except the command words, with global + command options.
    std::vector<std::string> rest;
    for (size_t i = 0; i < args.size(); ++i) {
      bool is_command_word = false;
      for (size_t w = 0; w < matched; ++w)
        if (word_positions[w] == i) is_command_word = true;
      if (!is_command_word) rest.push_back(args[i]);
    }
    po::options_description own("Options");
    po::positional_options_description pos;
    if (match->options) match->options(own, pos);
    if (match->reading) add_format_option(own);
    po::options_description all;
    all.add(own).add(global_options());
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(rest).options(all).positional(pos).run(), vm);
      if (vm.count("help")) {
        print_command_help(*match);
        return 0;
      }
      po::notify(vm);
    } catch (const po::error& e) {
      throw UsageError(e.what(), join(match->path));
    }
    if (vm.count("version")) {
      print_version();
      return 0;
    }
    if (match->reading) {
      const std::string f = vm["format"].as<std::string>();
      if (f == "json") ctx.format = OutputFormat::Json;
      else if (f == "table") ctx.format = OutputFormat::Table;
      else throw UsageError("--format must be 'table' or 'json', not '" + f + "'", join(match->path));
    }
    if (vm.count("config")) ctx.global.config_path = vm["config"].as<std::string>();
    if (vm.count("plugin-dir")) ctx.global.plugin_dirs = vm["plugin-dir"].as<std::vector<std::string>>();
    ctx.global.no_builtin_plugins = vm["no-builtin-plugins"].as<bool>();
    ctx.global.log_format = vm["log-format"].as<std::string>();
    if (vm.count("log-level")) ctx.global.log_level = vm["log-level"].as<std::string>();
    try {
      setup_logging(ctx.global.log_level, ctx.global.log_format);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what(), join(match->path));
    }
    return match->run(ctx, vm);
  } catch (const UsageError& e) {
    return print_error(ctx, "usage", e.what(), {}, 2,
                       "Run 'dashflow " + (e.command.empty() ? "" : e.command + " ") + "--help' for usage.");
  } catch (const ConfigFileError& e) {
    return print_error(ctx, "config", e.what(), e.issues, 1);
  } catch (const CommandError& e) {
    return print_error(ctx, e.kind, e.what(), e.details, 1);
  } catch (const PluginConfigError& e) {
    return print_error(ctx, "plugin-config", e.what(), e.issues, 1);
  } catch (const PluginLoadError& e) {
    return print_error(ctx, "plugin-load", e.what(), {}, 1);
  } catch (const PluginCallError& e) {
    return print_error(ctx, "plugin", e.what(), {}, 1);
  } catch (const std::exception& e) {
    return print_error(ctx, "internal", e.what(), {}, 1);
  }
}

}  // namespace dashflow::host
