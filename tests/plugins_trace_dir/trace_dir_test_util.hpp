// Shared helpers for the trace-dir tests: reading one file through the source
// (into tests/common's CollectingSink), and field-by-field trace comparison.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "process.hpp"
#include "temp_dir.hpp"
#include "trace_dir_source.hpp"
#include "trace_sink_collector.hpp"
#include "trace_text.hpp"

namespace tdtest {

namespace fs = std::filesystem;

inline std::string good_dir() { return std::string(DASHFLOW_TEST_DATA_DIR) + "/good_traces"; }
inline std::string bad_dir() { return std::string(DASHFLOW_TEST_DATA_DIR) + "/bad_traces"; }

using dashflow::test::CollectedTrace;
using dashflow::test::CollectingSink;
using dashflow::test::read_file;
using dashflow::test::TempDir;

inline dashflow::tracedir::TraceDirSource make_source(const std::string& path, uint64_t max_file_mb = 512,
                                                      uint64_t max_depth = 128) {
  dashflow::tracedir::TraceDirConfig config;
  config.path = path;
  config.max_file_mb = max_file_mb;
  config.max_depth = max_depth;
  return dashflow::tracedir::TraceDirSource(config);
}

// Reads one file through the source's read_unit.
inline CollectingSink read_path(const std::string& path, uint64_t max_file_mb = 512, uint64_t max_depth = 128) {
  auto source = make_source(path, max_file_mb, max_depth);
  CollectingSink sink;
  dashflow::TraceUnit unit;
  unit.locator = path;
  source.read_unit(unit, sink);
  return sink;
}

// RawJson texts hold the same JSON value (key order and spacing aside).
inline ::testing::AssertionResult raw_equal(const dashflow::RawJson& a, const dashflow::RawJson& b) {
  if (a.empty() && b.empty()) return ::testing::AssertionSuccess();
  try {
    const auto ja = a.empty() ? dashflow::json() : dashflow::json::parse(a.text);
    const auto jb = b.empty() ? dashflow::json() : dashflow::json::parse(b.text);
    if (ja == jb) return ::testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "unparsable raw JSON: " << e.what();
  }
  return ::testing::AssertionFailure() << "'" << a.text << "' != '" << b.text << "'";
}

// Every field, with raw payloads compared as JSON values.
inline void expect_same_trace(const dashflow::ExecutionTrace& a, const dashflow::ExecutionTrace& b) {
  EXPECT_EQ(a.thread_id, b.thread_id);
  EXPECT_EQ(a.execution_id, b.execution_id);
  EXPECT_EQ(a.parent_execution_id, b.parent_execution_id);
  EXPECT_EQ(a.root_execution_id, b.root_execution_id);
  EXPECT_EQ(a.depth, b.depth);
  EXPECT_EQ(a.total_duration_ms, b.total_duration_ms);
  EXPECT_EQ(a.total_tokens, b.total_tokens);
  EXPECT_EQ(a.completed, b.completed);
  EXPECT_EQ(a.started_at, b.started_at);
  EXPECT_EQ(a.ended_at, b.ended_at);
  EXPECT_TRUE(raw_equal(a.final_state, b.final_state));
  EXPECT_TRUE(raw_equal(a.metadata, b.metadata));
  EXPECT_TRUE(raw_equal(a.execution_metrics, b.execution_metrics));
  EXPECT_TRUE(raw_equal(a.performance_metrics, b.performance_metrics));
  EXPECT_EQ(a.cost_usd, b.cost_usd);
  ASSERT_EQ(a.nodes_executed.size(), b.nodes_executed.size());
  for (size_t i = 0; i < a.nodes_executed.size(); ++i) {
    SCOPED_TRACE("node " + std::to_string(i));
    const auto& x = a.nodes_executed[i];
    const auto& y = b.nodes_executed[i];
    EXPECT_EQ(x.node, y.node);
    EXPECT_EQ(x.duration_ms, y.duration_ms);
    EXPECT_EQ(x.tokens_used, y.tokens_used);
    EXPECT_TRUE(raw_equal(x.state_before, y.state_before));
    EXPECT_TRUE(raw_equal(x.state_after, y.state_after));
    EXPECT_EQ(x.tools_called, y.tools_called);
    EXPECT_EQ(x.success, y.success);
    EXPECT_EQ(x.error_message, y.error_message);
    EXPECT_EQ(x.index, y.index);
    EXPECT_EQ(x.started_at, y.started_at);
    EXPECT_TRUE(raw_equal(x.metadata, y.metadata));
    EXPECT_EQ(x.span_id, y.span_id);
    EXPECT_EQ(x.parent_span_id, y.parent_span_id);
    EXPECT_EQ(x.token_usage, y.token_usage);
    EXPECT_EQ(x.cost_usd, y.cost_usd);
    EXPECT_EQ(x.model, y.model);
    EXPECT_EQ(x.tool_calls, y.tool_calls);
  }
  ASSERT_EQ(a.errors.size(), b.errors.size());
  for (size_t i = 0; i < a.errors.size(); ++i) {
    SCOPED_TRACE("error " + std::to_string(i));
    const auto& x = a.errors[i];
    const auto& y = b.errors[i];
    EXPECT_EQ(x.node, y.node);
    EXPECT_EQ(x.message, y.message);
    EXPECT_EQ(x.error_type, y.error_type);
    EXPECT_TRUE(raw_equal(x.state_at_error, y.state_at_error));
    EXPECT_EQ(x.timestamp, y.timestamp);
    EXPECT_EQ(x.execution_index, y.execution_index);
    EXPECT_EQ(x.recoverable, y.recoverable);
    EXPECT_EQ(x.retry_attempted, y.retry_attempted);
    EXPECT_EQ(x.context, y.context);
    EXPECT_TRUE(raw_equal(x.metadata, y.metadata));
  }
}

}  // namespace tdtest
