#include "cli/context.hpp"

#include "plugin/discovery.hpp"

namespace dashflow::host {

const Config& CliContext::config() {
  if (!config_) config_ = load_config(global.config_path);
  return *config_;
}

std::vector<std::string> CliContext::plugin_dirs() {
  return plugin_search_path(global.plugin_dirs, config().plugin_dirs, !global.no_builtin_plugins);
}

PluginRegistry& CliContext::registry() {
  if (!registry_) registry_ = std::make_unique<PluginRegistry>(discover_plugins(plugin_dirs()));
  return *registry_;
}

}  // namespace dashflow::host
