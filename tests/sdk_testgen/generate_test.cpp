// Generation: successful traces only, newest behaviours first, one test per
// behaviour, bounds from the slowest run with tolerance and floor.
#include <gtest/gtest.h>

#include <algorithm>

#include "dashflow/testgen.hpp"
#include "dashflow/testing/builders.hpp"

namespace {

using namespace dashflow;
using namespace dashflow::testgen;
using dashflow::testing::TraceBuilder;

std::string minute(int m) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "2025-12-15T10:%02d:00Z", m);
  return buf;
}

ExecutionTrace path(const std::string& graph, int at, std::vector<std::pair<std::string, uint64_t>> nodes) {
  TraceBuilder b;
  b.metadata_json(json{{"graph_name", graph}}.dump()).started_at(minute(at)).execution("exec-" + std::to_string(at));
  for (auto& [n, ms] : nodes) b.node(n, ms);
  return b.build();
}

void add(SpecGenerator& g, const ExecutionTrace& t, int at) {
  g.add(t, TraceInfo{"/t/" + std::to_string(at) + ".json", trace_time_ms(t, 0)});
}

TEST(Generate, OneTestPerBehaviourNewestFirst) {
  SpecGenerator g({});
  add(g, path("bot", 1, {{"a", 10}, {"b", 20}}), 1);
  add(g, path("bot", 2, {{"a", 10}, {"validate", 5}, {"b", 20}}), 2);
  add(g, path("bot", 3, {{"a", 12}, {"b", 25}}), 3);  // same behaviour as 1, newer
  add(g, path("other", 0, {{"x", 1}}), 0);
  GenerateStats stats;
  auto specs = g.finish(&stats);
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].node_sequence(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(specs[0].source.execution_id, "exec-3");
  EXPECT_EQ(specs[0].source.traces, 2u);
  EXPECT_EQ(specs[0].source.location, "/t/3.json");
  EXPECT_EQ(specs[0].name, "bot_1");
  EXPECT_EQ(specs[1].node_sequence(), (std::vector<std::string>{"a", "validate", "b"}));
  EXPECT_EQ(specs[1].name, "bot_2");
  EXPECT_EQ(specs[2].name, "other_1");
  EXPECT_EQ(specs[2].match, (FlowKey{std::string("other"), ""}));
  for (const auto& s : specs) {
    EXPECT_TRUE(s.expect_success);
    EXPECT_EQ(s.expected_error_count, 0u);
    EXPECT_FALSE(s.timing);
  }
  EXPECT_EQ(stats.traces, 4u);
  EXPECT_EQ(stats.behaviours, 3u);
  EXPECT_EQ(stats.omitted, 0u);
  EXPECT_NE(specs[1].description.find("a -> validate -> b"), std::string::npos) << specs[1].description;
}

TEST(Generate, SkipsUnsuccessfulRuns) {
  SpecGenerator g({});
  add(g, TraceBuilder().started_at(minute(1)).node("a", 1).error("a", "boom").build(), 1);
  add(g, TraceBuilder().started_at(minute(2)).node("a", 1).completed(false).build(), 2);
  add(g, TraceBuilder().started_at(minute(3)).failed_node("a", 1, "bad").completed(true).build(), 3);
  add(g, TraceBuilder().started_at(minute(4)).node("a", 1).tool("search").build(), 4);
  GenerateStats stats;
  auto specs = g.finish(&stats);
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(stats.unsuccessful, 3u);
  EXPECT_EQ(specs[0].match, (FlowKey{std::nullopt, "a"}));
  EXPECT_EQ(specs[0].name, "a_1");
  EXPECT_EQ(specs[0].steps[0].tools, std::vector<std::string>{"search"});
}

TEST(Generate, ToolsDistinguishBehaviours) {
  SpecGenerator g({});
  add(g, TraceBuilder().started_at(minute(1)).node("a", 1).tool("search").build(), 1);
  add(g, TraceBuilder().started_at(minute(2)).node("a", 1).build(), 2);
  EXPECT_EQ(g.finish().size(), 2u);
}

TEST(Generate, LimitKeepsTheNewest) {
  GenerateOptions o;
  o.limit = 2;
  SpecGenerator g(o);
  for (int i = 0; i < 5; ++i) add(g, path("bot", i, {{"n" + std::to_string(i), 1}}), i);
  GenerateStats stats;
  auto specs = g.finish(&stats);
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].steps[0].node, "n4");
  EXPECT_EQ(specs[1].steps[0].node, "n3");
  EXPECT_EQ(stats.omitted, 3u);
}

TEST(Generate, TimingBoundsFromSlowestRunWithToleranceAndFloor) {
  GenerateOptions o;
  o.timing = true;
  o.tolerance = 0.5;
  o.timing_floor_ms = 50;
  SpecGenerator g(o);
  add(g, path("bot", 1, {{"llm", 100}, {"fast", 2}, {"llm", 30}}), 1);
  add(g, path("bot", 2, {{"llm", 160}, {"fast", 3}, {"llm", 30}}), 2);
  auto specs = g.finish();
  ASSERT_EQ(specs.size(), 1u);
  ASSERT_TRUE(specs[0].timing);
  const TimingSpec& t = *specs[0].timing;
  EXPECT_EQ(t.node_max_ms.at("llm"), 240u);  // 160 x 1.5
  EXPECT_EQ(t.node_max_ms.at("fast"), 50u);  // 3 x 1.5 -> floor
  EXPECT_EQ(t.total_max_ms, 290u);           // ceil(193 x 1.5)
  EXPECT_DOUBLE_EQ(t.tolerance, 0.5);
  EXPECT_EQ(t.floor_ms, 50u);
}

TEST(Generate, DeterministicWhateverTheOrder) {
  std::vector<ExecutionTrace> traces;
  for (int i = 0; i < 8; ++i) traces.push_back(path(i % 2 ? "a" : "b", i % 3, {{"n" + std::to_string(i % 4), 10u + i}}));
  auto run = [&](std::vector<size_t> order) {
    GenerateOptions o;
    o.timing = true;
    SpecGenerator g(o);
    for (size_t i : order) add(g, traces[i], static_cast<int>(i));
    return g.finish();
  };
  std::vector<size_t> order(traces.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto first = run(order);
  std::reverse(order.begin(), order.end());
  EXPECT_EQ(run(order), first);
}

TEST(Generate, RejectsUnusableOptions) {
  GenerateOptions o;
  o.limit = 0;
  EXPECT_THROW(SpecGenerator{o}, ConfigError);
  o = {};
  o.tolerance = -0.1;
  EXPECT_THROW(SpecGenerator{o}, ConfigError);
  o.tolerance = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(SpecGenerator{o}, ConfigError);
  o.tolerance = std::numeric_limits<double>::infinity();
  EXPECT_THROW(SpecGenerator{o}, ConfigError);
}

TEST(Generate, TraceTimeFallsBackWhenStartedAtIsMissing) {
  ExecutionTrace t;
  EXPECT_EQ(trace_time_ms(t, 42), 42);
  t.started_at = "garbage";
  EXPECT_EQ(trace_time_ms(t, 42), 42);
  t.started_at = "1970-01-01T00:00:01+00:00";
  EXPECT_EQ(trace_time_ms(t, 42), 1000);
}

}  // namespace
