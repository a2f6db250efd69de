// spdlog setup: human or JSON lines on stderr, level from --log-level or
// DASHFLOW_DEBUG=1.
#pragma once

#include <string>

namespace dashflow::host {

// level: trace|debug|info|warn|error|off (empty = warn, or debug with DASHFLOW_DEBUG=1).
// format: "text" or "json". Throws std::invalid_argument on a bad value.
void setup_logging(const std::string& level, const std::string& format);

}  // namespace dashflow::host
