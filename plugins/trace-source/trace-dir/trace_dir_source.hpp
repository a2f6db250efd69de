// The trace-dir trace source: trace files (.json, .json.gz, .jsonl,
// .jsonl.gz, .ndjson) under a directory, parsed with simdjson.
#pragma once

#include <string>
#include <vector>

#include "dashflow/plugin.hpp"
#include "trace_dir_config.hpp"

namespace dashflow::tracedir {

class TraceDirSource final : public TraceSource {
 public:
  explicit TraceDirSource(const PluginContext& context);
  explicit TraceDirSource(TraceDirConfig config);

  std::string location() const override { return config_.path; }
  std::vector<TraceUnit> list_units() override;
  // Thread-safe: per-thread buffers and parser, no shared mutable state.
  void read_unit(const TraceUnit& unit, TraceSink& sink) const override;

  const TraceDirConfig& config() const { return config_; }

 private:
  TraceDirConfig config_;
};

}  // namespace dashflow::tracedir
