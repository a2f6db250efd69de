// capability-gaps: the worked example of dashflow-core.md §3.5 and the edge
// cases of §8, with our fixes (nearest-rank p95, dedup by key, order).
#include <gtest/gtest.h>

#include "capability_gaps.hpp"
#include "dashflow/errors.hpp"
#include "capability_gaps_findings.hpp"
#include "trace_builder.hpp"

using namespace dashflow;
using namespace dashflow::analyzers;
using namespace dashflow::testing_analyzers;

namespace {

const CapabilityGap* find_gap(const std::vector<CapabilityGap>& gaps, const std::string& key) {
  for (const auto& g : gaps)
    if (g.key == key) return &g;
  return nullptr;
}

std::vector<CapabilityGap> gaps_of(const std::vector<Input>& inputs, CapabilityGapConfig config = {}) {
  return run(CapabilityGapAnalyzer(config), inputs).capability_gaps;
}

Input plain(const ExecutionTrace& t, int i) { return Input{t, origin("t" + std::to_string(100 + i) + ".json", i)}; }

}  // namespace

TEST(CapabilityGaps, WorkedExample) {
  const auto gaps = gaps_of(worked_example());
  ASSERT_EQ(gaps.size(), 4u);
  // Confidence descending: retry 0.84, missing tool 0.8, slow 0.7, error 0.687.
  EXPECT_EQ(gaps[0].key, "retry:tool_executor");
  EXPECT_EQ(gaps[1].key, "missing_tool:geocode");
  EXPECT_EQ(gaps[2].key, "slow:tool_executor");
  EXPECT_EQ(gaps[3].key, "error:tool geocode not found");
  for (const auto& g : gaps) EXPECT_EQ(g.source, "capability-gaps");

  const auto& retry = gaps[0];
  EXPECT_NEAR(retry.confidence, 0.84, 1e-12);
  EXPECT_EQ(retry.description, "High retry rate in node 'tool_executor'");
  const auto& limitation = std::get<GapCategory::InadequateFunctionality>(retry.category.value);
  EXPECT_EQ(limitation.node, "tool_executor");
  EXPECT_EQ(limitation.limitation, "Node has 100.0% retry rate (4 retries in 4 executions)");
  const auto& retries = std::get<GapManifestation::Retries>(retry.manifestation.value);
  EXPECT_EQ(retries.rate, 1.0);
  EXPECT_EQ(retries.affected_nodes, std::vector<std::string>{"tool_executor"});
  EXPECT_EQ(retry.expected_impact.description, "Reduce 100.0% retry rate to improve reliability");
  EXPECT_EQ(retry.expected_impact.error_reduction, 0.4);

  const auto& tool = gaps[1];
  EXPECT_EQ(tool.description, "Missing tool: geocode");
  EXPECT_EQ(tool.confidence, 0.8);
  EXPECT_EQ(std::get<GapCategory::MissingTool>(tool.category.value).tool_description,
            "Tool 'geocode' referenced but not available (4 errors)");
  const auto& tool_errors = std::get<GapManifestation::Errors>(tool.manifestation.value);
  EXPECT_EQ(tool_errors.count, 4u);
  EXPECT_EQ(tool_errors.sample_messages, std::vector<std::string>{"Tool 'geocode' not found or undefined"});
  EXPECT_EQ(tool.proposed_solution, "Implement tool 'geocode' or provide alternative functionality");
  EXPECT_EQ(tool.expected_impact.error_reduction, 0.8);
  EXPECT_EQ(tool.expected_impact.latency_reduction_ms, 400);

  const auto& slow = gaps[2];
  EXPECT_EQ(slow.confidence, 0.7);
  EXPECT_EQ(slow.description, "Performance bottleneck in node 'tool_executor'");
  EXPECT_EQ(std::get<GapCategory::PerformanceGap>(slow.category.value).bottleneck,
            "p95 latency: 1830ms, avg: 1830ms over 4 executions");
  EXPECT_EQ(std::get<GapManifestation::SuboptimalPaths>(slow.manifestation.value).description,
            "Node 'tool_executor' consistently takes >1s (p95: 1830ms)");
  EXPECT_EQ(slow.expected_impact.latency_reduction_ms, 0);
  EXPECT_EQ(slow.expected_impact.error_reduction, 0);
  EXPECT_EQ(slow.expected_impact.description, "Reduce latency from 1830ms p95 to ~1830ms");

  const auto& error = gaps[3];
  EXPECT_NEAR(error.confidence, 0.5 + 0.3 * 0.4 + 0.2 / 3.0, 1e-12);
  EXPECT_EQ(error.description, "Recurring error pattern: tool geocode not found");
  EXPECT_EQ(std::get<GapCategory::MissingTool>(error.category.value).tool_description, "Missing dependency or tool");
  const auto& errors = std::get<GapManifestation::Errors>(error.manifestation.value);
  EXPECT_EQ(errors.count, 4u);
  EXPECT_EQ(errors.sample_messages, std::vector<std::string>(3, "tool 'geocode' not found"));
  EXPECT_EQ(error.proposed_solution, "Address root cause of 'tool geocode not found' errors in nodes: tool_executor");
  EXPECT_EQ(error.expected_impact.description, "Eliminate 4 recurring errors");
  // Real, distinct citations of the three earliest traces (not "trace-error-20").
  ASSERT_EQ(error.evidence.size(), 3u);
  EXPECT_EQ(error.evidence[0].id, "trace-7f3c2a90");
  EXPECT_EQ(error.evidence[1].id, "trace-7f3c2a91");
  EXPECT_EQ(error.evidence[2].id, "trace-7f3c2a92");
  EXPECT_EQ(error.evidence[0].retrieval.value, "thread_id = 'session-40'");
}

TEST(CapabilityGaps, EmptyInput) {
  EXPECT_TRUE(gaps_of({}).empty());
  const auto empty_trace = make_trace({});
  EXPECT_TRUE(gaps_of({plain(empty_trace, 0)}).empty());
}

TEST(CapabilityGaps, EvidenceIsEarliestWhateverTheInputOrder) {
  auto inputs = worked_example();
  std::reverse(inputs.begin(), inputs.end());
  const auto gaps = gaps_of(inputs);
  const auto* error = find_gap(gaps, "error:tool geocode not found");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->evidence[0].id, "trace-7f3c2a90");
  EXPECT_EQ(error->evidence[2].id, "trace-7f3c2a92");
}

TEST(CapabilityGaps, RetryGapsForEveryNodeSurviveDedup) {
  std::vector<Input> inputs;
  for (int i = 0; i < 5; ++i)
    inputs.push_back(plain(make_trace({{"fetch", 10}, {"parse", 10}, {"store", 10}},
                                      {{"fetch", "e1", true}, {"parse", "e2", true}, {"store", "e3", true}}),
                           i));
  const auto gaps = gaps_of(inputs);
  EXPECT_NE(find_gap(gaps, "retry:fetch"), nullptr);
  EXPECT_NE(find_gap(gaps, "retry:parse"), nullptr);
  EXPECT_NE(find_gap(gaps, "retry:store"), nullptr);
  // Equal confidences: ordered by key.
  std::vector<std::string> retry_keys;
  for (const auto& g : gaps)
    if (g.key.rfind("retry:", 0) == 0) retry_keys.push_back(g.key);
  EXPECT_EQ(retry_keys, (std::vector<std::string>{"retry:fetch", "retry:parse", "retry:store"}));
}

TEST(CapabilityGaps, RetryRateThresholdIsInclusive) {
  std::vector<Input> inputs;
  for (int i = 0; i < 10; ++i)
    inputs.push_back(plain(make_trace({{"n", 5}}, i == 0 ? std::vector<ErrorSpec>{{"n", "boom", true}} : std::vector<ErrorSpec>{}), i));
  EXPECT_NE(find_gap(gaps_of(inputs), "retry:n"), nullptr);  // 1/10 = 0.1 >= 0.1
  inputs.push_back(plain(make_trace({{"n", 5}}), 10));
  EXPECT_EQ(find_gap(gaps_of(inputs), "retry:n"), nullptr);  // 1/11 < 0.1
}

TEST(CapabilityGaps, SlowNodeThresholdIsStrictAndNeedsSamples) {
  auto node_at = [](uint64_t ms, int count) {
    std::vector<Input> v;
    for (int i = 0; i < count; ++i) v.push_back(plain(make_trace({{"llm", ms}}), i));
    return v;
  };
  EXPECT_EQ(find_gap(gaps_of(node_at(1000, 5)), "slow:llm"), nullptr);  // p95 = 1000 is not > 1000
  EXPECT_NE(find_gap(gaps_of(node_at(1001, 5)), "slow:llm"), nullptr);
  EXPECT_EQ(find_gap(gaps_of(node_at(5000, 2)), "slow:llm"), nullptr);  // fewer than 3 samples
  EXPECT_NE(find_gap(gaps_of(node_at(5000, 3)), "slow:llm"), nullptr);

  CapabilityGapConfig config;
  config.threshold_ms = 1500;
  const auto slow = gaps_of(node_at(1501, 3), config);
  const auto* gap = find_gap(slow, "slow:llm");
  ASSERT_NE(gap, nullptr);
  EXPECT_EQ(std::get<GapManifestation::SuboptimalPaths>(gap->manifestation.value).description,
            "Node 'llm' consistently takes >1500ms (p95: 1501ms)");
  EXPECT_EQ(find_gap(gaps_of(node_at(1500, 3), config), "slow:llm"), nullptr);
}

TEST(CapabilityGaps, NearestRankP95DiffersFromReference) {
  // 19 fast executions and one slow one: nearest rank p95 = 900 (not slow);
  // the reference's sorted[ceil(0.95 n)] would pick the 5000 ms outlier.
  std::vector<Input> inputs;
  for (int i = 0; i < 19; ++i) inputs.push_back(plain(make_trace({{"n", 900}}), i));
  inputs.push_back(plain(make_trace({{"n", 5000}}), 19));
  EXPECT_EQ(find_gap(gaps_of(inputs), "slow:n"), nullptr);
}

TEST(CapabilityGaps, OutlierWithAverageAboveP95GivesZeroNotWraparound) {
  std::vector<Input> inputs;
  for (int i = 0; i < 39; ++i) inputs.push_back(plain(make_trace({{"n", 1100}}), i));
  inputs.push_back(plain(make_trace({{"n", 1000000}}), 39));
  const auto gaps = gaps_of(inputs);
  const auto* gap = find_gap(gaps, "slow:n");
  ASSERT_NE(gap, nullptr);
  EXPECT_EQ(std::get<GapCategory::PerformanceGap>(gap->category.value).bottleneck,
            "p95 latency: 1100ms, avg: 26072ms over 40 executions");
  EXPECT_EQ(gap->expected_impact.latency_reduction_ms, 0.0);
  // Citations name the executions above the threshold, earliest first.
  ASSERT_EQ(gap->evidence.size(), 3u);
  EXPECT_EQ(gap->evidence[0].retrieval.value, "t100.json");
}

TEST(CapabilityGaps, ErrorCategories) {
  std::vector<Input> inputs;
  const std::vector<ErrorSpec> errors = {
      {"zeta", "Request timed out after 30s"}, {"alpha", "Request timed out after 31s"},
      {"zeta", "Invalid input: field 7"},      {"beta", "Invalid input: field 8"},
      {"gamma", "Disk full on /dev/sda1"},     {"delta", "Disk full on /dev/sda2"},
  };
  inputs.push_back(plain(make_trace({{"alpha", 1}}, errors), 0));
  const auto gaps = gaps_of(inputs);
  const auto* timeout = find_gap(gaps, "error:request timed out after <n>s");
  ASSERT_NE(timeout, nullptr);
  EXPECT_EQ(std::get<GapCategory::PerformanceGap>(timeout->category.value).bottleneck, "Timeout errors");
  const auto* invalid = find_gap(gaps, "error:invalid input: field <n>");
  ASSERT_NE(invalid, nullptr);
  const auto& v = std::get<GapCategory::InadequateFunctionality>(invalid->category.value);
  EXPECT_EQ(v.node, "beta");  // first affected node, alphabetical
  EXPECT_EQ(v.limitation, "Validation failures");
  const auto* disk = find_gap(gaps, "error:disk full on /dev/sda<n>");
  ASSERT_NE(disk, nullptr);
  const auto& d = std::get<GapCategory::InadequateFunctionality>(disk->category.value);
  EXPECT_EQ(d.node, "delta");
  EXPECT_EQ(d.limitation, "Error pattern: disk full on /dev/sda<n>");
  EXPECT_EQ(disk->proposed_solution, "Address root cause of 'disk full on /dev/sda<n>' errors in nodes: delta, gamma");
}

TEST(CapabilityGaps, ErrorCountThresholdIsInclusive) {
  std::vector<Input> inputs{plain(make_trace({{"a", 1}}, {{"a", "boom 1"}}), 0)};
  EXPECT_EQ(find_gap(gaps_of(inputs), "error:boom <n>"), nullptr);
  inputs.push_back(plain(make_trace({{"a", 1}}, {{"a", "boom 2"}}), 1));
  EXPECT_NE(find_gap(gaps_of(inputs), "error:boom <n>"), nullptr);
}

TEST(CapabilityGaps, MissingToolNeedsNameAndCount) {
  std::vector<Input> inputs;
  inputs.push_back(plain(make_trace({{"a", 1}}, {{"a", "function \"lookup\" is undefined"}, {"a", "x not found"}}), 0));
  inputs.push_back(plain(make_trace({{"a", 1}}, {{"a", "function 'lookup' is undefined"}, {"a", "y not found"}}), 1));
  const auto gaps = gaps_of(inputs);
  EXPECT_NE(find_gap(gaps, "missing_tool:lookup"), nullptr);
  for (const auto& g : gaps) EXPECT_NE(g.key, "missing_tool:");
}

TEST(CapabilityGaps, NonAsciiNodeNames) {
  std::vector<Input> inputs;
  for (int i = 0; i < 4; ++i)
    inputs.push_back(Input{make_trace({{"검색", 2000}}, {{"검색", "시간 초과 timeout", true}}, "ßßßßßßßßßß-" + std::to_string(i)),
                           origin("t.json", i, i + 1)});
  const auto gaps = gaps_of(inputs);
  const auto* retry = find_gap(gaps, "retry:검색");
  ASSERT_NE(retry, nullptr);
  EXPECT_EQ(retry->description, "High retry rate in node '검색'");
  EXPECT_EQ(retry->evidence[0].id, "trace-ßßßßßßßß");
  EXPECT_NE(find_gap(gaps, "slow:검색"), nullptr);
  EXPECT_NE(find_gap(gaps, "error:시간 초과 timeout"), nullptr);
}

TEST(CapabilityGaps, MinConfidenceFilters) {
  CapabilityGapConfig config;
  config.min_confidence = 0.75;
  const auto gaps = gaps_of(worked_example(), config);
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(gaps[0].key, "retry:tool_executor");
  EXPECT_EQ(gaps[1].key, "missing_tool:geocode");
}

TEST(CapabilityGaps, SelectDedupsByCategoryAndKey) {
  auto gap = [](std::string key, double confidence, GapCategory category) {
    CapabilityGap g{.description = key, .evidence = {}, .manifestation = GapManifestation{GapManifestation::Errors{}},
                    .proposed_solution = {}, .expected_impact = {}, .confidence = confidence,
                    .category = std::move(category), .key = key, .source = "x"};
    return g;
  };
  const GapCategory perf{GapCategory::PerformanceGap{"p"}};
  const GapCategory tool{GapCategory::MissingTool{"t"}};
  auto out = select_gaps({gap("k", 0.6, perf), gap("k", 0.9, perf), gap("k", 0.7, tool), gap("low", 0.1, perf)}, 0.5);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].confidence, 0.9);
  EXPECT_EQ(out[1].confidence, 0.7);
}

TEST(CapabilityGaps, ConfigFromJson) {
  const auto config = CapabilityGapConfig::from_json(json::parse(R"({"threshold_ms": 250, "min_error_count": 5})"));
  EXPECT_EQ(config.threshold_ms, 250u);
  EXPECT_EQ(config.min_error_count, 5u);
  EXPECT_EQ(config.min_retry_rate, 0.1);
  EXPECT_THROW(CapabilityGapConfig::from_json(json::parse(R"({"min_confidence": 2})")), ConfigError);
}
