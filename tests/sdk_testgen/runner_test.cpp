// SpecRunner: traces go to the specs of their flow; a trace passes when any
// spec of its flow passes, else fails against the nearest one.
#include <gtest/gtest.h>

#include "dashflow/testgen.hpp"
#include "dashflow/testing/builders.hpp"

namespace {

using namespace dashflow;
using namespace dashflow::testgen;
using dashflow::testing::TraceBuilder;

TestSpec spec(std::string name, std::optional<std::string> graph, std::vector<std::string> nodes) {
  TestSpec s;
  s.name = std::move(name);
  s.match.graph_name = std::move(graph);
  if (!s.match.graph_name) s.match.entry_node = nodes.front();
  for (auto& n : nodes) s.steps.push_back({n, {}});
  return s;
}

ExecutionTrace trace(const std::string& graph, std::vector<std::string> nodes) {
  TraceBuilder b;
  if (!graph.empty()) b.graph(graph);
  for (auto& n : nodes) b.node(n, 1);
  return b.build();
}

SpecFile branches() {
  SpecFile f;
  f.tests = {spec("bot_1", "bot", {"a", "validate", "b"}), spec("bot_2", "bot", {"a", "b", "c", "d"}),
             spec("other_1", "other", {"x"}), spec("start_1", std::nullopt, {"start", "end"})};
  return f;
}

TEST(Runner, EachBranchPassesItsOwnSpec) {
  SpecRunner r(branches());
  r.add(trace("bot", {"a", "validate", "b"}), "t1");
  r.add(trace("bot", {"a", "b", "c", "d"}), "t2");
  r.add(trace("", {"start", "end"}), "t3");
  const RunResult res = r.result();
  EXPECT_EQ(res.find("bot_1")->status, TestStatus::Passed);
  EXPECT_EQ(res.find("bot_2")->status, TestStatus::Passed);
  EXPECT_EQ(res.find("start_1")->status, TestStatus::Passed);
  EXPECT_EQ(res.find("other_1")->status, TestStatus::NotRun);
  EXPECT_EQ(res.find("other_1")->summary(), "no trace of graph 'other'");
  EXPECT_EQ(res.find("bot_1")->summary(), "1 trace passed");
  EXPECT_EQ(res.find("bot_1")->flow_traces, 2u);
  EXPECT_TRUE(res.passed());
  EXPECT_FALSE(res.passed(/*require_all=*/true));
  EXPECT_EQ(res.traces, 3u);
}

TEST(Runner, FailureGoesToTheNearestSpecWithItsReason) {
  SpecRunner r(branches());
  r.add(trace("bot", {"a", "b"}), "/traces/t9.json");  // nearer to bot_1 (1 edit) than bot_2 (2)
  const RunResult res = r.result();
  const SpecResult* s = res.find("bot_1");
  ASSERT_EQ(s->status, TestStatus::Failed);
  ASSERT_EQ(s->failures.size(), 1u);
  EXPECT_EQ(s->failures[0].location, "/traces/t9.json");
  EXPECT_EQ(s->failures[0].reasons.at(0), "node 'validate' skipped: expected sequence [a, validate, b], got [a, b]");
  EXPECT_EQ(res.find("bot_2")->status, TestStatus::NotRun);
  EXPECT_EQ(res.find("bot_2")->summary(), "no trace took this path (1 trace of graph 'bot' matched other tests)");
  EXPECT_FALSE(res.passed());
  EXPECT_EQ(s->summary(), "1 of 1 trace failed");
  const std::string report = s->report();
  EXPECT_NE(report.find("/traces/t9.json"), std::string::npos) << report;
  EXPECT_NE(report.find("- node 'validate' skipped"), std::string::npos) << report;
}

TEST(Runner, UnmatchedTracesAreCountedByFlow) {
  SpecRunner r(branches());
  r.add(trace("new_graph", {"a"}), "t1");
  r.add(trace("new_graph", {"a"}), "t2");
  r.add(trace("", {"elsewhere"}), "t3");
  const RunResult res = r.result();
  EXPECT_EQ(res.unmatched, 3u);
  EXPECT_EQ(res.unmatched_flows.at("graph 'new_graph'"), 2u);
  EXPECT_EQ(res.unmatched_flows.at("unnamed graph starting at node 'elsewhere'"), 1u);
  EXPECT_FALSE(res.passed()) << "nothing checked is not a pass";
}

TEST(Runner, FailuresListedAreCappedButCounted) {
  SpecRunner r(branches());
  for (int i = 0; i < 30; ++i) r.add(trace("other", {"y"}), "t" + std::to_string(i));
  const RunResult res = r.result();
  const SpecResult* s = res.find("other_1");
  EXPECT_EQ(s->traces_failed, 30u);
  EXPECT_EQ(s->failures.size(), kMaxListedFailures);
  EXPECT_NE(s->report().find("... and 10 more failing traces"), std::string::npos);
}

TEST(Runner, SkippedInputsAreKept) {
  SpecRunner r(branches());
  r.skipped("bad.json", "invalid JSON");
  const RunResult res = r.result();
  EXPECT_EQ(res.skipped_count, 1u);
  EXPECT_EQ(res.skipped.at(0), "bad.json: invalid JSON");
}

TEST(Runner, EmptySpecFilePasses) {
  SpecRunner r(SpecFile{});
  r.add(trace("bot", {"a"}), "t");
  EXPECT_TRUE(r.result().passed());
  EXPECT_STREQ(status_name(TestStatus::NotRun), "not_run");
}

}  // namespace
