// Unit test of the sample analyzer with the SDK test kit: no host needed.
#include <dashflow/testing/analyzer_harness.hpp>
#include <dashflow/testing/builders.hpp>
#include <gtest/gtest.h>

#include "expensive_nodes.hpp"

using dashflow::testing::TraceBuilder;

TEST(ExpensiveNodes, FlagsNodesOverBudget) {
  std::vector<dashflow::ExecutionTrace> traces;
  for (int i = 0; i < 5; ++i)
    traces.push_back(TraceBuilder().node("planner", 100, 500).node("writer", 300, 4000).completed(true).build());
  auto out = dashflow::testing::run_analyzer<sample::ExpensiveNodes>(R"({"max_avg_tokens": 1000})", traces);
  ASSERT_EQ(out.capability_gaps.size(), 1u);
  EXPECT_EQ(out.capability_gaps[0].key, "expensive:writer");
}

TEST(ExpensiveNodes, SameAnswerWhateverTheSplit) {
  std::vector<dashflow::ExecutionTrace> traces;
  for (int i = 0; i < 9; ++i) traces.push_back(TraceBuilder().node("writer", 10, 1000u + 500u * i).build());
  auto one = dashflow::testing::run_analyzer<sample::ExpensiveNodes>("{}", traces, {}, 1);
  auto three = dashflow::testing::run_analyzer<sample::ExpensiveNodes>("{}", traces, {}, 3);
  ASSERT_EQ(one.capability_gaps.size(), 1u);
  EXPECT_EQ(one.capability_gaps[0].description, three.capability_gaps[0].description);
}
