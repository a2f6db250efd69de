// Shared helpers for the otlp trace source tests: a collecting sink, reading
// one fixture file through the source, and short views of traces.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "otlp_source.hpp"
#include "temp_dir.hpp"

namespace otlptest {

namespace fs = std::filesystem;

inline std::string fixture(const std::string& relative) { return std::string(OTLP_FIXTURES_DIR) + "/" + relative; }

struct Read {
  dashflow::ExecutionTrace trace;
  dashflow::TraceOrigin origin;
};

// Thread-safe: read_unit may be called from several threads with one sink.
class CollectingSink : public dashflow::TraceSink {
 public:
  CollectingSink() = default;
  CollectingSink(CollectingSink&& other) noexcept : traces(std::move(other.traces)), skips(std::move(other.skips)) {}
  void on_trace(dashflow::ExecutionTrace&& trace, const dashflow::TraceOrigin& origin) override {
    std::lock_guard<std::mutex> lock(mutex_);
    traces.push_back(Read{std::move(trace), origin});
  }
  void on_skip(const dashflow::SkippedInput& skipped) override {
    std::lock_guard<std::mutex> lock(mutex_);
    skips.push_back(skipped);
  }
  // The trace with this execution id (fails the test when absent).
  const dashflow::ExecutionTrace& by_id(const std::string& id) const {
    for (const auto& r : traces)
      if (r.trace.execution_id == id) return r.trace;
    ADD_FAILURE() << "no trace with execution_id " << id;
    static const dashflow::ExecutionTrace kNone;
    return kNone;
  }
  std::vector<Read> traces;
  std::vector<dashflow::SkippedInput> skips;

 private:
  std::mutex mutex_;
};

using dashflow::test::TempDir;

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline dashflow::otlp::OtlpSource make_source(const std::string& path, bool keep_content = false,
                                              bool keep_attributes = true) {
  dashflow::otlp::OtlpConfig config;
  config.path = path;
  config.keep_content = keep_content;
  config.keep_attributes = keep_attributes;
  return dashflow::otlp::OtlpSource(config);
}

// Reads one file through the source's read_unit.
inline CollectingSink read_path(const std::string& path, bool keep_content = false, bool keep_attributes = true) {
  auto source = make_source(path, keep_content, keep_attributes);
  CollectingSink sink;
  dashflow::TraceUnit unit;
  unit.locator = path;
  source.read_unit(unit, sink);
  return sink;
}

inline std::vector<std::string> node_names(const dashflow::ExecutionTrace& t) {
  std::vector<std::string> out;
  for (const auto& n : t.nodes_executed) out.push_back(n.node);
  return out;
}

inline dashflow::json meta(const dashflow::RawJson& raw) {
  return raw.empty() ? dashflow::json::object() : dashflow::json::parse(raw.text);
}

// Every skip reason joined, for failure messages.
inline std::string reasons(const CollectingSink& sink) {
  std::string out;
  for (const auto& s : sink.skips) out += s.source + ":" + std::to_string(s.line) + ": " + s.reason + "\n";
  return out;
}

}  // namespace otlptest
