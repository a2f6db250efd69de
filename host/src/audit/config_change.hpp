// Config changes in the audit trail. The config file is edited by hand, so
// the change is noticed where it takes effect: every analyze and daemon start
// compares a digest of the effective config with the one recorded in storage
// (state/config.json) and appends a "config.change" record when it differs
// (also the first time a storage is used: which config produced its data).
#pragma once

#include "config/config.hpp"
#include "dashflow/plugin.hpp"
#include "plugin/registry.hpp"

namespace dashflow::host {

// Returns true when a change was recorded. Throws on an audit or storage
// failure (the caller decides whether that stops it).
bool record_config_change(const Config& config, PluginInstance<StorageBackend>& storage, const std::string& actor);

}  // namespace dashflow::host
