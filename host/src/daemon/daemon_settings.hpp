// The "daemon" section of the config file, with defaults. Alert dispatching
// ("alerts") is read by alerts/dispatcher.hpp, retention ("retention", and the
// older "daemon.retention") by retention/retention_config.hpp.
#pragma once

#include <chrono>
#include <cstdint>

#include "dashflow/json.hpp"

namespace dashflow::host {

struct DaemonSettings {
  std::chrono::seconds interval{60};
  std::chrono::milliseconds debounce{500};
  uint64_t cleanup_interval_cycles = 10;  // 0 = never

  // From config.raw["daemon"] (schema-checked by the config loader). Throws
  // ConfigFileError naming the key on a bad value.
  static DaemonSettings from_config(const json& raw);
};

}  // namespace dashflow::host
