// Alert sink "file": one JSON line per alert (the SDK's Alert record plus
// "_schema_version"), fsynced before send() returns, with size-based
// rotation. See jsonl_file.hpp for the durability rules.
#pragma once

#include <string>

#include "dashflow/plugin.hpp"
#include "jsonl_file.hpp"

namespace dashflow::sinks {

// The line written for an alert (no trailing newline).
std::string file_sink_line(const Alert& alert);

// Reads the config: an existing directory as `path` means <path>/alerts.jsonl.
JsonlOptions file_sink_options(const json& config);

class FileSink final : public AlertSink {
 public:
  explicit FileSink(const PluginContext& ctx);

  // Opens the file now, so a bad path is reported at start, not at the
  // first alert.
  void start() override { file_.open(); }
  void stop() override { file_.close(); }
  void send(const Alert& alert) override { file_.append(file_sink_line(alert)); }
  void flush() override {}  // every line is already fsynced

  const fs::path& path() const { return file_.path(); }

 private:
  JsonlFile file_;
};

}  // namespace dashflow::sinks
