// A report file found in reports/: ours (<stamp>_<full id>.json) or
// DashFlow's (<stamp>_<id8>.json, whose full id is read from the file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "dashflow/types.hpp"

namespace dashflow::fsstore {

struct ReportFile {
  std::string id;       // full id (for DashFlow names: read from the file)
  std::string name_id;  // the id part of the file name
  Timestamp timestamp;  // RFC 3339 (from the name; from the file for DashFlow names)
  int64_t timestamp_ms = 0;
  int64_t mtime_ns = 0;
  std::filesystem::path json_path;
  bool short_name = false;  // DashFlow's <stamp>_<id8>.json
  bool resolved = false;    // id and timestamp known
};

}  // namespace dashflow::fsstore
