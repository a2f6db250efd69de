// Configuration of the fs storage plugin (see the manifest in plugin.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "dashflow/json.hpp"

namespace dashflow::fsstore {

struct FsConfig {
  std::string path = ".dashflow/introspection";
  uint64_t size_warning_mb = 100;
  uint64_t size_critical_mb = 500;
  uint64_t report_warning_count = 80;
  uint64_t plan_warning_count = 160;  // per plan folder
  int64_t lock_timeout_ms = 10000;
};

// Reads the plugin config (defaults for absent keys). Throws ConfigError
// naming the key for a wrong type or value.
FsConfig parse_fs_config(const json& config);

}  // namespace dashflow::fsstore
