// triggers: one alert per node per run (not per execution), texts quoting the
// configured thresholds, strict comparisons, minimum sample sizes, split and
// merge giving the single-state answer.
#include <gtest/gtest.h>

#include "trace_builder.hpp"
#include "triggers.hpp"
#include "triggers_state.hpp"

using namespace dashflow;
using namespace dashflow::analyzers;
using namespace dashflow::testing_analyzers;

namespace {

std::vector<Alert> alerts_of(const TriggersConfig& config, const std::vector<Input>& inputs,
                             AnalysisContext context = {}) {
  TriggersAnalyzer analyzer(config);
  auto state = analyzer.make_state();
  for (const auto& in : inputs) analyzer.consume(*state, in.trace, in.origin);
  EXPECT_TRUE(analyzer.finish(*state, context).capability_gaps.empty());
  return analyzer.alerts(*state, context);
}

const Alert* find(const std::vector<Alert>& alerts, const std::string& kind, const std::string& node = "") {
  for (const auto& a : alerts) {
    auto it = a.labels.find("node");
    const std::string n = it == a.labels.end() ? "" : it->second;
    if (a.kind == kind && n == node) return &a;
  }
  return nullptr;
}

Input trace(int i, std::vector<Node> nodes, std::vector<ErrorSpec> errors = {}) {
  return Input{make_trace(nodes, errors, "exec-" + std::to_string(i)), origin("t" + std::to_string(i) + ".json", i)};
}

}  // namespace

TEST(Triggers, SlowNodeIsOneAlertPerNodeWithConfiguredThreshold) {
  TriggersConfig config;
  config.slow_node_threshold_ms = 500;
  std::vector<Input> in;
  for (int i = 0; i < 10; ++i) in.push_back(trace(i, {{"fetch", i < 3 ? 1200u : 100u}, {"plan", 500}}));
  const auto alerts = alerts_of(config, in);
  ASSERT_EQ(alerts.size(), 1u);  // "plan" at exactly 500 ms is not slow (strict)
  const Alert& a = alerts[0];
  EXPECT_EQ(a.kind, "slow_node");
  EXPECT_EQ(a.labels.at("node"), "fetch");
  EXPECT_EQ(a.labels.at("alertname"), "slow_node");
  EXPECT_EQ(a.labels.at("graph"), "default");
  EXPECT_EQ(a.severity, AlertSeverity::Error);  // 1200 >= 2 x 500
  EXPECT_NE(a.message.find("3 of 10 executions took longer than 500 ms"), std::string::npos) << a.message;
  EXPECT_NE(a.message.find("threshold: 500 ms"), std::string::npos) << a.message;
  EXPECT_EQ(a.annotations.at("example_traces"), "exec-0, exec-1, exec-2");
}

TEST(Triggers, ErrorRateNeedsMinimumSamplesAndIsStrict) {
  TriggersConfig config;
  config.error_rate_threshold = 0.25;
  config.min_traces_for_error_rate = 4;
  std::vector<Input> in;
  for (int i = 0; i < 3; ++i) in.push_back(trace(i, {{"a", 1}}, i == 0 ? std::vector<ErrorSpec>{{"a", "boom"}} : std::vector<ErrorSpec>{}));
  EXPECT_EQ(find(alerts_of(config, in), "high_error_rate"), nullptr);  // 3 < 4 samples
  in.push_back(trace(3, {{"a", 1}}));
  EXPECT_EQ(find(alerts_of(config, in), "high_error_rate"), nullptr);  // 1/4 = 25%, not above 25%
  in.push_back(trace(4, {{"a", 1}}, {{"a", "boom"}}));
  const auto alerts = alerts_of(config, in);  // 2/5 = 40%
  const Alert* a = find(alerts, "high_error_rate");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->message.find("40.0% of 5 runs failed (threshold: 25.0%, samples: 5)"), std::string::npos) << a->message;
  EXPECT_EQ(a->labels.count("node"), 0u);
}

TEST(Triggers, RepeatedRetriesPerNode) {
  TriggersConfig config;
  config.retry_threshold = 2;
  std::vector<Input> in;
  for (int i = 0; i < 3; ++i) in.push_back(trace(i, {{"llm", 10}}, {{"llm", "rate limited", true}}));
  in.push_back(trace(3, {{"tool", 10}}, {{"tool", "rate limited", true}, {"tool", "no retry", false}}));
  const auto alerts = alerts_of(config, in);
  const Alert* a = find(alerts, "repeated_retry", "llm");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->message.find("3 retried errors in this run (threshold: 2)"), std::string::npos) << a->message;
  EXPECT_EQ(find(alerts, "repeated_retry", "tool"), nullptr);
}

TEST(Triggers, UnusedCapabilitiesOnlyWithEnoughRuns) {
  TriggersConfig config;
  config.unused_min_traces = 3;
  config.error_rate_threshold = 1.0;
  AnalysisContext context;
  context.known_nodes = {"a", "legacy"};
  context.known_tools = {"search", "fax"};
  std::vector<Input> in;
  for (int i = 0; i < 2; ++i) in.push_back(trace(i, {{"a", 1, 0, {"search"}}}));
  EXPECT_EQ(find(alerts_of(config, in, context), "unused_capability", "legacy"), nullptr);
  in.push_back(trace(2, {{"a", 1}}));
  const auto alerts = alerts_of(config, in, context);
  ASSERT_NE(find(alerts, "unused_capability", "legacy"), nullptr);
  ASSERT_NE(find(alerts, "unused_capability", "fax"), nullptr);
  EXPECT_EQ(find(alerts, "unused_capability", "a"), nullptr);
  EXPECT_EQ(find(alerts, "unused_capability", "search"), nullptr);
  EXPECT_EQ(find(alerts, "unused_capability", "legacy")->severity, AlertSeverity::Info);
}

TEST(Triggers, EmptyRunRaisesNothing) {
  EXPECT_TRUE(alerts_of(TriggersConfig{}, {}).empty());
}

TEST(Triggers, SplitAndMergeGiveTheSingleStateAnswer) {
  TriggersConfig config;
  config.slow_node_threshold_ms = 100;
  config.retry_threshold = 1;
  std::vector<Input> in;
  for (int i = 0; i < 12; ++i)
    in.push_back(trace(i, {{"n" + std::to_string(i % 3), static_cast<uint64_t>(50 + 20 * i)}},
                       i % 2 ? std::vector<ErrorSpec>{{"n1", "x", true}} : std::vector<ErrorSpec>{}));
  const auto single = alerts_of(config, in);
  TriggersAnalyzer analyzer(config);
  auto a = analyzer.make_state();
  auto b = analyzer.make_state();
  for (size_t i = 0; i < in.size(); ++i) analyzer.consume(i % 3 == 0 ? *a : *b, in[i].trace, in[i].origin);
  analyzer.merge(*b, *a);
  EXPECT_EQ(analyzer.alerts(*b, {}), single);
}

TEST(Triggers, ConfigRejectsBadValues) {
  EXPECT_THROW(TriggersConfig::from_json(json{{"graph", ""}}), std::exception);
  EXPECT_THROW(TriggersConfig::from_json(json{{"error_rate_threshold", 2}}), std::exception);
  EXPECT_EQ(TriggersConfig::from_json(json{{"slow_node_threshold_ms", 42}}).slow_node_threshold_ms, 42u);
}
