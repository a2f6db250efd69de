#include "cli/context.hpp"

#include "plugin/discovery.hpp"
#include "util/logging.hpp"

namespace dashflow::host {

const Config& CliContext::config() {
  if (!config_) {
    config_ = load_config(global.config_path);
    // Log lines from now on follow the config's redaction rules. A bad
    // "redaction" section is reported where it is used (the pipeline); until
    // then the built-in detectors stay in force.
    try {
      const nlohmann::json section = config_->raw.is_object() && config_->raw.contains("redaction")
                                         ? config_->raw["redaction"]
                                         : nlohmann::json::object();
      set_log_redactor(std::make_shared<Redactor>(section));
    } catch (const std::exception&) {
    }
  }
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
