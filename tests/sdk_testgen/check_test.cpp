// check_trace: each regression shows up with a reason that says what changed.
#include <gtest/gtest.h>

#include "dashflow/testgen.hpp"
#include "dashflow/testing/builders.hpp"

namespace {

using namespace dashflow;
using namespace dashflow::testgen;
using dashflow::testing::TraceBuilder;

TestSpec spec(std::vector<StepSpec> steps, std::optional<TimingSpec> timing = std::nullopt) {
  TestSpec s;
  s.name = "bot_1";
  s.match.graph_name = "bot";
  s.steps = std::move(steps);
  s.timing = std::move(timing);
  return s;
}

TraceBuilder bot() { return std::move(TraceBuilder().graph("bot")); }

const TestSpec kAVB = spec({{"a", {}}, {"validate", {}}, {"b", {}}});

TEST(Check, PassesTheSameBehaviour) {
  auto out = check_trace(kAVB, bot().node("a", 1).node("validate", 1).node("b", 1).build());
  EXPECT_TRUE(out.passed()) << out.reasons.front();
  EXPECT_EQ(out.sequence_distance, 0u);
}

TEST(Check, SkippedNode) {
  auto out = check_trace(kAVB, bot().node("a", 1).node("b", 1).build());
  ASSERT_EQ(out.reasons.size(), 1u);
  EXPECT_EQ(out.reasons[0], "node 'validate' skipped: expected sequence [a, validate, b], got [a, b]");
  EXPECT_EQ(out.sequence_distance, 1u);
}

TEST(Check, UnexpectedAndReorderedNodes) {
  auto extra = check_trace(kAVB, bot().node("a", 1).node("validate", 1).node("retry", 1).node("b", 1).build());
  ASSERT_EQ(extra.reasons.size(), 1u);
  EXPECT_EQ(extra.reasons[0], "unexpected node 'retry' ran: expected sequence [a, validate, b], got [a, validate, retry, b]");

  auto order = check_trace(kAVB, bot().node("a", 1).node("b", 1).node("validate", 1).build());
  ASSERT_EQ(order.reasons.size(), 1u);
  EXPECT_EQ(order.reasons[0], "node order changed: expected sequence [a, validate, b], got [a, b, validate]");

  auto both = check_trace(kAVB, bot().node("a", 1).node("x", 1).node("y", 1).node("b", 1).build());
  ASSERT_EQ(both.reasons.size(), 1u);
  EXPECT_EQ(both.reasons[0],
            "node 'validate' skipped and unexpected nodes 'x', 'y' ran: expected sequence [a, validate, b], got [a, x, y, b]");

  auto loop = check_trace(spec({{"a", {}}, {"step", {}}, {"step", {}}, {"step", {}}}), bot().node("a", 1).node("step", 1).build());
  ASSERT_EQ(loop.reasons.size(), 1u);
  EXPECT_EQ(loop.reasons[0].rfind("node 'step' (2 runs) skipped", 0), 0u) << loop.reasons[0];
}

TEST(Check, ErrorAppeared) {
  auto out = check_trace(kAVB, bot().node("a", 1).node("validate", 1).node("b", 1)
                                   .error("validate", "schema \"v2\" rejected\nline 2", false, "ValidationError")
                                   .completed(true)  // errors were recovered from; the run finished
                                   .build());
  ASSERT_EQ(out.reasons.size(), 1u) << out.reasons[0];
  EXPECT_EQ(out.reasons[0], "1 error appeared: node 'validate': 'schema \"v2\" rejected\\nline 2' (ValidationError)");

  auto many = check_trace(kAVB, bot().node("a", 1).node("validate", 1).node("b", 1)
                                    .error("a", "e1").error("a", "e2").error("b", "e3").error("b", "e4")
                                    .completed(true)
                                    .build());
  ASSERT_FALSE(many.reasons.empty());
  EXPECT_EQ(many.reasons[0], "4 errors appeared: node 'a': 'e1'; node 'a': 'e2'; node 'b': 'e3'; and 1 more");
}

TEST(Check, FailedNodeAndIncompleteRun) {
  auto out = check_trace(kAVB, bot().node("a", 1).failed_node("validate", 1, "bad input").node("b", 1).completed(false).build());
  ASSERT_EQ(out.reasons.size(), 2u);
  EXPECT_EQ(out.reasons[0], "run did not complete (completed is false)");
  EXPECT_EQ(out.reasons[1], "node 'validate' failed: 'bad input'");
}

TEST(Check, ExpectedFailureThatSucceeds) {
  TestSpec s = kAVB;
  s.expect_success = false;
  s.expected_error_count = 1;
  auto out = check_trace(s, bot().node("a", 1).node("validate", 1).node("b", 1).build());
  ASSERT_EQ(out.reasons.size(), 2u);
  EXPECT_EQ(out.reasons[0], "expected the run to fail, but it succeeded");
  EXPECT_EQ(out.reasons[1], "expected 1 errors, got 0");
}

TEST(Check, ToolsOfMatchedSteps) {
  const TestSpec s = spec({{"a", {}}, {"search", {"web_search", "fetch"}}, {"b", {}}});
  auto out = check_trace(s, bot().node("a", 1).node("search", 1).tool("web_search").node("b", 1).build());
  ASSERT_EQ(out.reasons.size(), 1u);
  EXPECT_EQ(out.reasons[0], "node 'search' (step 2) called tools [web_search] instead of [web_search, fetch]");
  // A skipped step does not also report its tools.
  auto skipped = check_trace(s, bot().node("a", 1).node("b", 1).build());
  ASSERT_EQ(skipped.reasons.size(), 1u);
  EXPECT_EQ(skipped.reasons[0].rfind("node 'search' skipped", 0), 0u);
}

TEST(Check, NodeSlowerThanItsBound) {
  TimingSpec t;
  t.node_max_ms = {{"llm", 240}, {"b", 100}};
  t.total_max_ms = 600;
  const TestSpec s = spec({{"llm", {}}, {"b", {}}}, t);
  EXPECT_TRUE(check_trace(s, bot().node("llm", 240).node("b", 100).build()).passed());
  auto out = check_trace(s, bot().node("llm", 912).node("b", 10).build());
  ASSERT_EQ(out.reasons.size(), 2u);
  EXPECT_EQ(out.reasons[0], "node 'llm' took 912 ms > bound 240 ms");
  EXPECT_EQ(out.reasons[1], "total duration 922 ms > bound 600 ms");
  EXPECT_EQ(out.sequence_distance, 0u);
}

TEST(Check, NamesWithSpecialCharactersAreEscapedInReasons) {
  const TestSpec s = spec({{"a\nb", {}}, {"it's", {}}});
  auto out = check_trace(s, bot().node("it's", 1).build());
  ASSERT_EQ(out.reasons.size(), 1u);
  EXPECT_EQ(out.reasons[0], "node 'a\\nb' skipped: expected sequence ['a\\nb', it's], got [it's]");
}

TEST(Check, VeryLongSequencesStillGetAReason) {
  std::vector<StepSpec> steps;
  TraceBuilder b = bot();
  for (int i = 0; i < 3000; ++i) {
    steps.push_back({"n" + std::to_string(i % 7), {}});
    if (i != 1234) b.node("n" + std::to_string(i % 7), 1);
  }
  auto out = check_trace(spec(steps), b.build());
  ASSERT_FALSE(out.passed());
  EXPECT_EQ(out.sequence_distance, 1u);
  EXPECT_NE(out.reasons[0].find("skipped"), std::string::npos);
  EXPECT_LT(out.reasons[0].size(), 600u) << "long sequences are elided";
}

}  // namespace
