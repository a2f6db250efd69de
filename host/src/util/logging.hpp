// spdlog setup: human or JSON lines on stderr, level from --log-level or
// DASHFLOW_DEBUG=1. Every message passes through the redactor first (log
// lines quote trace content: error messages, file names, plugin output).
#pragma once

#include <memory>
#include <string>

#include "dashflow/redaction.hpp"

namespace dashflow::host {

// level: trace|debug|info|warn|error|off (empty = warn, or debug with DASHFLOW_DEBUG=1).
// format: "text" or "json". Throws std::invalid_argument on a bad value.
void setup_logging(const std::string& level, const std::string& format);

// The redactor applied to log messages: the built-in detectors until the
// config is loaded, then the config's "redaction" section.
void set_log_redactor(std::shared_ptr<const Redactor> redactor);

}  // namespace dashflow::host
