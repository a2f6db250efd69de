// Configuration of the trace-dir source (validated by the host against the
// manifest schema; read defensively again here).
#pragma once

#include <cstdint>
#include <string>

#include "dashflow/json.hpp"

namespace dashflow::tracedir {

struct TraceDirConfig {
  std::string path = ".dashflow/traces";
  bool recursive = true;
  uint64_t max_file_mb = 512;
  uint64_t max_depth = 128;
  bool follow_symlinks = false;
  bool payloads = true;  // the host turns this off when no analyzer reads payloads

  // Throws ConfigError naming the key and what is expected.
  static TraceDirConfig from_json(const json& config);
};

}  // namespace dashflow::tracedir
