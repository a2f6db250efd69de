// sdk/src/summary.cpp: execution summary, mergeable across splits.
#include <gtest/gtest.h>

#include "dashflow/summary.hpp"
#include "dashflow/testing/builders.hpp"

namespace {

using namespace dashflow;
using dashflow::testing::TraceBuilder;

std::vector<ExecutionTrace> traces() {
  return {
      TraceBuilder().node("a", 100, 10).build(),                                              // success
      TraceBuilder().node("a", 300, 30).error("a", "boom", true).completed(true).build(),     // completed, with error
      TraceBuilder().node("a", 200, 20).completed(false).build(),                             // not completed
      TraceBuilder().node("a", 400, 40).error("a", "x", true).error("a", "y", false).build(), // 1 retry
  };
}

TEST(Summary, Empty) {
  const auto s = SummaryAccumulator().summary();
  EXPECT_EQ(s.total_executions, 0u);
  EXPECT_EQ(s.success_rate, 0.0);
  EXPECT_EQ(s.avg_duration_ms, 0.0);
}

TEST(Summary, Counts) {
  SummaryAccumulator acc;
  for (const auto& t : traces()) acc.add(t);
  const auto s = acc.summary();
  EXPECT_EQ(acc.traces(), 4u);
  EXPECT_EQ(s.total_executions, 4u);
  EXPECT_EQ(s.successful_executions, 1u);
  EXPECT_EQ(s.failed_executions, 3u);
  EXPECT_DOUBLE_EQ(s.success_rate, 0.25);
  EXPECT_DOUBLE_EQ(s.avg_duration_ms, 250.0);
  EXPECT_EQ(s.total_tokens, 100u);
  EXPECT_DOUBLE_EQ(s.avg_tokens, 25.0);
  EXPECT_DOUBLE_EQ(s.retry_rate, 0.5);  // 2 retried errors / 4 traces
  EXPECT_FALSE(s.vs_previous.has_value());
}

TEST(Summary, MergeEqualsSinglePass) {
  const auto all = traces();
  SummaryAccumulator single, left, right;
  for (size_t i = 0; i < all.size(); ++i) {
    single.add(all[i]);
    (i % 2 ? left : right).add(all[i]);
  }
  SummaryAccumulator merged;
  merged.merge(right);
  merged.merge(left);
  EXPECT_EQ(merged.summary(), single.summary());
}

TEST(Summary, CompareIsCurrentMinusPrevious) {
  ReportExecutionSummary prev{10, 5, 5, 0.5, 300, 0, 0, 0.4, std::nullopt};
  ReportExecutionSummary cur{4, 3, 1, 0.75, 250, 0, 0, 0.1, std::nullopt};
  const auto c = compare(cur, prev);
  EXPECT_EQ(c.execution_delta, -6);  // signed
  EXPECT_DOUBLE_EQ(c.success_rate_delta, 0.25);
  EXPECT_DOUBLE_EQ(c.duration_delta_ms, -50);
  EXPECT_DOUBLE_EQ(c.retry_rate_delta, 0.1 - 0.4);
}

}  // namespace
