// The "daemon" and "alerts" sections of the config file, with defaults, and
// the command-line flags that override them.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "dashflow/plugin.hpp"
#include "dashflow/json.hpp"

namespace dashflow::host {

struct DaemonSettings {
  std::chrono::seconds interval{60};
  std::chrono::milliseconds debounce{500};
  uint64_t cleanup_interval_cycles = 10;  // 0 = never
  RetentionPolicy retention;              // storage cleanup
  std::chrono::seconds repeat_interval{3600};           // the same alert again only after this
  std::map<std::string, AlertSeverity> min_severity;    // per sink plugin id

  // From config.raw["daemon"] and config.raw["alerts"] (schema-checked by the
  // config loader). Throws ConfigFileError naming the key on a bad value.
  static DaemonSettings from_config(const json& raw);
};

std::optional<AlertSeverity> parse_alert_severity(const std::string& text);

}  // namespace dashflow::host
