// patterns: recurring errors, degradation over time order, flows, token
// outliers, timeouts; thresholds and determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "dashflow/ids.hpp"
#include "patterns.hpp"
#include "trace_builder.hpp"

using namespace dashflow;
using namespace dashflow::analyzers;
using namespace dashflow::testing_analyzers;

namespace {

const DetectedPattern* find_pattern(const std::vector<DetectedPattern>& v, const std::string& key) {
  for (const auto& p : v)
    if (p.key == key) return &p;
  return nullptr;
}

std::vector<DetectedPattern> patterns_of(const std::vector<Input>& inputs, PatternsConfig config = {}) {
  return run(PatternsAnalyzer(config), inputs).patterns;
}

// Traces with the given durations, started one second apart in this order.
std::vector<Input> timeline(const std::vector<uint64_t>& durations) {
  std::vector<Input> v;
  for (size_t i = 0; i < durations.size(); ++i)
    v.push_back(Input{make_trace({{"n", durations[i]}}), origin("z" + std::to_string(i) + ".json", 1000 * int64_t(i + 1))});
  return v;
}

}  // namespace

TEST(Patterns, WorkedExample) {
  const auto p = patterns_of(worked_example());
  ASSERT_EQ(p.size(), 2u);
  // Both occur 4 times: ordered by key.
  EXPECT_EQ(p[0].key, "error:tool 'geocode' not found");
  EXPECT_EQ(p[0].pattern_type, "RecurringError");
  EXPECT_EQ(p[0].description, "Recurring error: tool 'geocode' not found (4 occurrences)");
  EXPECT_EQ(p[0].occurrences, 4u);
  EXPECT_EQ(p[0].affected_nodes, std::vector<std::string>{"tool_executor"});
  EXPECT_DOUBLE_EQ(p[0].confidence, 0.5 + 0.3 * 0.4 + 0.2 * 0.5);
  EXPECT_EQ(p[0].suggestion, "Investigate root cause in nodes: tool_executor");
  EXPECT_EQ(p[0].source, "patterns");
  ASSERT_EQ(p[0].evidence.size(), 4u);  // the aggregate and three traces
  EXPECT_EQ(p[0].evidence[1].id, "trace-7f3c2a90");

  EXPECT_EQ(p[1].key, "flow_dominant:" + fingerprint_of("planner -> tool_executor"));
  EXPECT_EQ(p[1].pattern_type, "ExecutionFlow");
  EXPECT_EQ(p[1].description, "Dominant execution flow (100.0% of traces): planner -> tool_executor");
  EXPECT_EQ(p[1].confidence, 1.0);
  EXPECT_EQ(p[1].affected_nodes, (std::vector<std::string>{"planner", "tool_executor"}));
}

TEST(Patterns, EmptyInput) {
  EXPECT_TRUE(patterns_of({}).empty());
  EXPECT_TRUE(patterns_of({Input{make_trace({}), origin("e.json", 0)}}).empty());
}

TEST(Patterns, DegradationFollowsTimeNotInputOrder) {
  auto inputs = timeline({100, 100, 100, 200, 200, 200});
  std::reverse(inputs.begin(), inputs.end());  // input order says "getting faster"
  const auto p = patterns_of(inputs);
  const auto* d = find_pattern(p, "degradation:overall");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pattern_type, "PerformanceDegradation");
  EXPECT_DOUBLE_EQ(d->confidence, 0.4 + 0.4 * 1.0 + 0.2 * 6.0 / 50.0);
  EXPECT_EQ(d->occurrences, 6u);
  EXPECT_NE(d->description.find("rose 100.0%"), std::string::npos);

  // Getting faster over time: no degradation, whatever the input order.
  auto faster = timeline({200, 200, 200, 100, 100, 100});
  EXPECT_EQ(find_pattern(patterns_of(faster), "degradation:overall"), nullptr);
}

TEST(Patterns, DegradationTiesOnStartedAtUseFileName) {
  // No started_at anywhere: file name order decides the halves (the input
  // order would read as "getting faster").
  std::vector<Input> inputs;
  const std::vector<std::pair<std::string, uint64_t>> files = {{"e.json", 300}, {"d.json", 300}, {"f.json", 300},
                                                                {"b.json", 100}, {"a.json", 100}, {"c.json", 100}};
  for (const auto& [name, ms] : files) inputs.push_back(Input{make_trace({{"n", ms}}), origin(name, 0)});
  EXPECT_NE(find_pattern(patterns_of(inputs), "degradation:overall"), nullptr);
}

TEST(Patterns, FileNameTiesHoldAcrossMergedAndReloadedStates) {
  // 200 traces without started_at (more names than one restart interval of
  // the front-coded names), read in reverse, split over three states that
  // are saved, loaded and merged: the file names still order the halves.
  // The names differ only at the end, so only their full comparison does.
  const PatternsAnalyzer analyzer(PatternsConfig{});
  std::vector<Input> inputs;
  for (int i = 0; i < 200; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "/srv/agent/traces/2026-12-05/run-%05d.json", i);
    inputs.push_back(Input{make_trace({{"n", i < 100 ? 100u : 300u}}), origin(name, 0)});
  }
  std::reverse(inputs.begin(), inputs.end());
  std::vector<std::unique_ptr<AnalyzerState>> parts;
  for (size_t begin : {0u, 70u, 131u}) {
    auto state = analyzer.make_state();
    const size_t end = begin == 0 ? 70 : begin == 70 ? 131 : 200;
    for (size_t i = begin; i < end; ++i) analyzer.consume(*state, inputs[i].trace, inputs[i].origin);
    parts.push_back(analyzer.load_state(analyzer.save_state(*state)));
  }
  analyzer.merge(*parts[2], *parts[0]);
  analyzer.merge(*parts[2], *parts[1]);
  const auto reloaded = analyzer.load_state(analyzer.save_state(*parts[2]));
  const auto out = analyzer.finish(*reloaded, AnalysisContext{});
  const auto* d = find_pattern(out.patterns, "degradation:overall");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->description.find("mean 100.0ms in the earlier 100 traces, 300.0ms in the later 100"), std::string::npos)
      << d->description;
}

TEST(Patterns, DegradationThresholds) {
  PatternsConfig all;
  all.min_confidence = 0;  // look at the rule, not the confidence filter
  auto degraded = [&](const std::vector<uint64_t>& durations) {
    const auto found = patterns_of(timeline(durations), all);
    return find_pattern(found, "degradation:overall") != nullptr;
  };
  EXPECT_FALSE(degraded({100, 100, 200, 200, 200}));       // fewer than 6 traces
  EXPECT_TRUE(degraded({100, 100, 100, 200, 200, 200}));
  EXPECT_FALSE(degraded({100, 100, 100, 120, 120, 120}));  // 120 is not > 1.2 * 100 (strict)
  EXPECT_TRUE(degraded({100, 100, 100, 121, 121, 121}));
  EXPECT_FALSE(degraded({0, 0, 0, 50, 50, 50}));           // first half mean 0: never
  // +21 % has confidence 0.4 + 0.084 + 0.024 = 0.508: below the default 0.6.
  EXPECT_EQ(find_pattern(patterns_of(timeline({100, 100, 100, 121, 121, 121})), "degradation:overall"), nullptr);
}

TEST(Patterns, DominantFlowIsStrict) {
  std::vector<Input> inputs;
  for (int i = 0; i < 3; ++i) inputs.push_back(Input{make_trace({{"a", 1}, {"b", 1}}), origin("x" + std::to_string(i), i)});
  for (int i = 3; i < 6; ++i) inputs.push_back(Input{make_trace({{"a", 1}, {"c", 1}}), origin("x" + std::to_string(i), i)});
  for (const auto& p : patterns_of(inputs)) EXPECT_NE(p.pattern_type, "ExecutionFlow");  // 0.5 each, not > 0.5
}

TEST(Patterns, RareFlow) {
  std::vector<Input> inputs;
  for (int i = 0; i < 58; ++i) inputs.push_back(Input{make_trace({{"a", 1}}), origin("m" + std::to_string(i), i)});
  for (int i = 58; i < 61; ++i)
    inputs.push_back(Input{make_trace({{"a", 1}, {"fallback", 1}}), origin("m" + std::to_string(i), i)});
  const auto p = patterns_of(inputs);
  const auto* rare = find_pattern(p, "flow_rare:" + fingerprint_of("a -> fallback"));
  ASSERT_NE(rare, nullptr);
  EXPECT_EQ(rare->confidence, 0.6);
  EXPECT_EQ(rare->occurrences, 3u);
  EXPECT_EQ(rare->description, "Rare execution flow (4.9% of traces): a -> fallback");
  EXPECT_NE(find_pattern(p, "flow_dominant:" + fingerprint_of("a")), nullptr);
  EXPECT_EQ(p[0].key, "flow_dominant:" + fingerprint_of("a"));  // 58 occurrences first
}

TEST(Patterns, TokenOutliers) {
  std::vector<Input> inputs;
  for (int i = 0; i < 7; ++i) inputs.push_back(Input{make_trace({{"a", 1, 100}}), origin("k" + std::to_string(i), i)});
  for (int i = 7; i < 10; ++i) inputs.push_back(Input{make_trace({{"a", 1, 1000}}), origin("k" + std::to_string(i), i)});
  const auto found = patterns_of(inputs);
  const auto* p = find_pattern(found, "token_outliers");
  ASSERT_NE(p, nullptr);  // mean 370, 3 traces above 740
  EXPECT_EQ(p->description, "High token usage outliers: 3 executions with >2x average tokens");
  EXPECT_EQ(p->occurrences, 3u);
  EXPECT_EQ(p->confidence, 0.7);
  inputs.pop_back();  // 2 outliers are not enough
  EXPECT_EQ(find_pattern(patterns_of(inputs), "token_outliers"), nullptr);
}

TEST(Patterns, Timeouts) {
  std::vector<Input> inputs;
  inputs.push_back(Input{make_trace({{"llm", 1}}, {{"llm", "Request Timed Out after 30s"}, {"db", "deadline", false, "Timeout"}}),
                         origin("a", 1)});
  inputs.push_back(Input{make_trace({{"llm", 1}}, {{"llm", "socket TIMEOUT"}}), origin("b", 2)});
  const auto p = patterns_of(inputs);
  const auto* t = find_pattern(p, "timeouts");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->pattern_type, "Timeout");
  EXPECT_EQ(t->occurrences, 3u);
  EXPECT_EQ(t->affected_nodes, (std::vector<std::string>{"db", "llm"}));
  EXPECT_EQ(t->description, "Timeout errors: 3 in nodes: db, llm");
  EXPECT_DOUBLE_EQ(t->confidence, 0.5 + 0.3 * 0.3 + 0.2 * 0.5);
  ASSERT_EQ(t->evidence.size(), 2u);
  EXPECT_EQ(t->evidence[0].retrieval.value, "a");
}

TEST(Patterns, RecurringErrorNeedsThreeAndConfidence) {
  std::vector<Input> inputs;
  for (int i = 0; i < 2; ++i) inputs.push_back(Input{make_trace({{"a", 1}}, {{"a", "boom"}}), origin("q" + std::to_string(i), i)});
  EXPECT_EQ(find_pattern(patterns_of(inputs), "error:boom"), nullptr);
  inputs.push_back(Input{make_trace({{"a", 1}}, {{"a", "boom"}}), origin("q2", 2)});
  EXPECT_NE(find_pattern(patterns_of(inputs), "error:boom"), nullptr);
  PatternsConfig strict;
  strict.min_confidence = 0.9;
  EXPECT_EQ(find_pattern(patterns_of(inputs, strict), "error:boom"), nullptr);  // 0.69
}

TEST(Patterns, NonAsciiFlowAndErrors) {
  std::vector<Input> inputs;
  for (int i = 0; i < 3; ++i)
    inputs.push_back(Input{make_trace({{"검색", 1}, {"요약", 1}}, {{"검색", "찾을 수 없음"}}), origin("u" + std::to_string(i), i)});
  const auto p = patterns_of(inputs);
  EXPECT_NE(find_pattern(p, "error:찾을 수 없음"), nullptr);
  const auto* flow = find_pattern(p, "flow_dominant:" + fingerprint_of("검색 -> 요약"));
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->affected_nodes, (std::vector<std::string>{"검색", "요약"}));
}
