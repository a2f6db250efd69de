// The otlp trace source: OTLP/JSON trace exports (*.json, *.jsonl, *.ndjson,
// and their .gz forms) under a directory, mapped onto ExecutionTraces with
// OpenInference and OTel GenAI semantics (README.md).
#pragma once

#include <string>
#include <vector>

#include "dashflow/plugin.hpp"
#include "otlp_config.hpp"

namespace dashflow::otlp {

class OtlpSource final : public TraceSource {
 public:
  explicit OtlpSource(const PluginContext& context);
  explicit OtlpSource(OtlpConfig config);

  std::string location() const override { return config_.path; }
  // The same file selection as trace-dir: sorted by locator, hidden and
  // *.tmp files left out, symlinks only when configured.
  std::vector<TraceUnit> list_units() override;
  // Thread-safe: per-thread buffers and parser, no shared mutable state.
  // Spans are grouped into traces within the unit only.
  void read_unit(const TraceUnit& unit, TraceSink& sink) const override;

  const OtlpConfig& config() const { return config_; }

 private:
  OtlpConfig config_;
};

}  // namespace dashflow::otlp
