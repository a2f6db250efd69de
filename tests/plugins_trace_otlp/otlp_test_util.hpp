// Shared helpers for the otlp trace source tests: reading one fixture file
// through the source (into tests/common's CollectingSink), and short views of
// traces.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "otlp_source.hpp"
#include "process.hpp"
#include "temp_dir.hpp"
#include "trace_sink_collector.hpp"

namespace otlptest {

namespace fs = std::filesystem;

inline std::string fixture(const std::string& relative) { return std::string(OTLP_FIXTURES_DIR) + "/" + relative; }

using dashflow::test::CollectingSink;
using dashflow::test::read_file;
using dashflow::test::TempDir;

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

// The trace with this execution id (fails the test when absent).
inline const dashflow::ExecutionTrace& by_id(const CollectingSink& sink, const std::string& id) {
  for (const auto& r : sink.traces)
    if (r.trace.execution_id == id) return r.trace;
  ADD_FAILURE() << "no trace with execution_id " << id;
  static const dashflow::ExecutionTrace kNone;
  return kNone;
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
