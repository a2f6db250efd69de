// Alert sink "console": one line per alert on stderr, coloured by severity
// unless NO_COLOR is set or stderr is not a terminal.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "dashflow/sdk.hpp"

namespace {

class ConsoleSink final : public dashflow::AlertSink {
 public:
  explicit ConsoleSink(const dashflow::PluginContext& ctx) {
    const std::string color = ctx.config().value("color", "auto");
    if (color == "always") {
      color_ = true;
    } else if (color == "never") {
      color_ = false;
    } else {
      color_ = std::getenv("NO_COLOR") == nullptr && isatty(STDERR_FILENO);
    }
  }

  void send(const dashflow::Alert& alert) override {
    const char* tag = "INFO";
    const char* ansi = "\033[36m";
    switch (alert.severity) {
      case dashflow::AlertSeverity::Info: break;
      case dashflow::AlertSeverity::Warning: tag = "WARNING", ansi = "\033[33m"; break;
      case dashflow::AlertSeverity::Error: tag = "ERROR", ansi = "\033[31m"; break;
      case dashflow::AlertSeverity::Critical: tag = "CRITICAL", ansi = "\033[1;31m"; break;
    }
    const char* state = alert.resolved ? "RESOLVED " : "";
    std::lock_guard<std::mutex> lock(mutex_);
    if (color_) {
      std::fprintf(stderr, "%s[%s]\033[0m %s%s: %s\n", ansi, tag, state, alert.title.c_str(), alert.message.c_str());
    } else {
      std::fprintf(stderr, "[%s] %s%s: %s\n", tag, state, alert.title.c_str(), alert.message.c_str());
    }
  }

  void flush() override { std::fflush(stderr); }

 private:
  bool color_ = false;
  std::mutex mutex_;
};

}  // namespace

DASHFLOW_PLUGIN(ConsoleSink, R"json({
  "id": "console",
  "kind": "alert-sink",
  "version": "1.0.0",
  "description": "Prints alerts to stderr, coloured by severity (respects NO_COLOR and non-terminals)",
  "config_schema": {
    "type": "object",
    "properties": {
      "color": {"type": "string", "enum": ["auto", "always", "never"], "default": "auto",
                "description": "Colour output: auto (terminal and no NO_COLOR), always, never"}
    },
    "additionalProperties": false
  }
})json")
