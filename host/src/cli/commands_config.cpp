// dashflow config validate: the whole config checked without running anything.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/command.hpp"
#include "cli/output.hpp"

using nlohmann::json;

namespace dashflow::host {
namespace {

void check_ref(PluginRegistry& registry, const PluginRef& ref, PluginKind kind, std::vector<std::string>& issues) {
  try {
    registry.validated_config(ref.plugin, kind, ref.config);
  } catch (const PluginConfigError& e) {
    for (const auto& i : e.issues) issues.push_back(ref.where + " (" + ref.plugin + "): " + i);
  } catch (const std::exception& e) {
    issues.push_back(ref.where + ": " + e.what());
  }
}

int config_validate(CliContext& ctx, const po::variables_map& vm) {
  if (vm.count("file")) ctx.global.config_path = vm["file"].as<std::string>();
  const Config& config = ctx.config();  // schema errors throw with every issue listed
  auto& registry = ctx.registry();
  std::vector<std::string> issues;
  check_ref(registry, config.storage, PluginKind::Storage, issues);
  for (const auto& [name, p] : config.pipelines) {
    for (const auto& r : p.trace_sources) check_ref(registry, r, PluginKind::TraceSource, issues);
    for (const auto& r : p.analyzers) check_ref(registry, r, PluginKind::Analyzer, issues);
    for (const auto& r : p.planners) check_ref(registry, r, PluginKind::Planner, issues);
    for (const auto& r : p.reviewers) check_ref(registry, r, PluginKind::Reviewer, issues);
    for (const auto& r : p.alert_sinks) check_ref(registry, r, PluginKind::AlertSink, issues);
    if (p.graph_manifest && !std::filesystem::exists(*p.graph_manifest))
      issues.push_back("pipelines." + name + ".graph_manifest: file " + *p.graph_manifest + " does not exist");
    if (p.trace_sources.empty()) issues.push_back("pipelines." + name + ": no trace source configured");
  }
  if (ctx.format == OutputFormat::Json) {
    json pipelines = json::array();
    for (const auto& [name, _] : config.pipelines) pipelines.push_back(name);
    print_json({{"config", config.source}, {"valid", issues.empty()}, {"pipelines", pipelines}, {"issues", issues}});
  } else if (issues.empty()) {
    std::cout << "config " << config.source << " is valid (" << config.pipelines.size() << " pipeline"
              << (config.pipelines.size() == 1 ? "" : "s") << ", storage '" << config.storage.plugin << "')\n";
  } else {
    std::cout << "config " << config.source << " has " << issues.size() << " problem"
              << (issues.size() == 1 ? "" : "s") << ":\n";
    for (const auto& i : issues) std::cout << "  " << i << "\n";
  }
  return issues.empty() ? 0 : 1;
}

}  // namespace

void register_config_commands(std::vector<Command>& commands) {
  commands.push_back({{"config", "validate"},
                      "Validate a config file: its schema, every plugin's availability and config, without running",
                      "[FILE] [options]", "",
                      [](po::options_description& d, po::positional_options_description& p) {
                        d.add_options()("file", po::value<std::string>(), "Config file (or use --config)");
                        p.add("file", 1);
                      },
                      config_validate, true});
}

}  // namespace dashflow::host
