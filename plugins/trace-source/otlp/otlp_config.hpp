// Configuration of the otlp trace source (validated by the host against the
// manifest schema; read defensively again here).
#pragma once

#include <cstdint>
#include <string>

#include "dashflow/json.hpp"
#include "trace_dir_config.hpp"

namespace dashflow::otlp {

struct OtlpConfig {
  std::string path = ".dashflow/otlp";
  bool recursive = true;
  uint64_t max_file_mb = 512;
  uint64_t max_depth = 128;
  bool follow_symlinks = false;
  bool keep_attributes = true;
  bool keep_content = false;

  // Throws ConfigError naming the key and what is expected.
  static OtlpConfig from_json(const json& config);
  // The file listing settings, shared with the trace-dir source.
  tracedir::TraceDirConfig listing() const;
};

}  // namespace dashflow::otlp
