// deprecation: known nodes/tools from config and from the context, the
// 10-trace minimum, never-used and rarely used nodes and tools.
#include <gtest/gtest.h>

#include "dashflow/errors.hpp"
#include "deprecation.hpp"
#include "trace_builder.hpp"

using namespace dashflow;
using namespace dashflow::analyzers;
using namespace dashflow::testing_analyzers;

namespace {

const DeprecationRecommendation* find_rec(const std::vector<DeprecationRecommendation>& recs, const std::string& key) {
  for (const auto& r : recs)
    if (r.key == key) return &r;
  return nullptr;
}

// n traces running "main" (calling "search"); the first `rare_every`-th also run "rare" and call "calc".
std::vector<Input> traces(int n, int rare_count = 0) {
  std::vector<Input> v;
  for (int i = 0; i < n; ++i) {
    std::vector<Node> nodes{{"main", 10, 0, {"search", "search"}}};
    if (i < rare_count) nodes.push_back({"rare", 10, 0, {"calc"}});
    v.push_back(Input{make_trace(nodes, {}, "exec-" + std::to_string(1000 + i)),
                      origin("t" + std::to_string(1000 + i) + ".json", 1765794600000 + i * 1000)});
  }
  return v;
}

}  // namespace

TEST(Deprecation, FewerThanMinimumTracesGiveNothing) {
  DeprecationConfig config;
  config.known_nodes = {"main", "unused"};
  EXPECT_TRUE(run(DeprecationAnalyzer(config), traces(9)).deprecations.empty());
  EXPECT_FALSE(run(DeprecationAnalyzer(config), traces(10)).deprecations.empty());  // inclusive
}

TEST(Deprecation, WorkedExampleGivesNothing) {
  DeprecationConfig config;
  config.known_nodes = {"planner", "tool_executor", "never"};
  EXPECT_TRUE(run(DeprecationAnalyzer(config), worked_example()).deprecations.empty());
}

TEST(Deprecation, KnownNodesFromConfig) {
  DeprecationConfig config;
  config.known_nodes = {"main", "unused", "rare"};
  const auto out = run(DeprecationAnalyzer(config), traces(200, 1));
  ASSERT_EQ(out.deprecations.size(), 3u);  // unused, rare and the rarely called tool "calc"

  const auto* unused = find_rec(out.deprecations, "deprecate_node:unused");
  ASSERT_NE(unused, nullptr);
  EXPECT_EQ(unused->source, "deprecation");
  EXPECT_EQ(std::get<DeprecationTarget::Node>(unused->target.value), (DeprecationTarget::Node{"unused", 0}));
  EXPECT_EQ(unused->rationale, "Node 'unused' was never executed in 200 traces");
  EXPECT_EQ(unused->risks, std::vector<std::string>{"Node may be used in untested scenarios"});
  EXPECT_EQ(unused->benefits,
            (std::vector<std::string>{"Remove unused code", "Simplify graph structure", "Reduce maintenance burden"}));
  EXPECT_DOUBLE_EQ(unused->confidence, 1.0);  // 0.7 + min(2.0, 0.3)
  ASSERT_EQ(unused->evidence.size(), 1u);
  EXPECT_EQ(unused->evidence[0].description, "Aggregation: 0 executions of 'unused' in 200 traces");

  const auto* rare = find_rec(out.deprecations, "deprecate_node:rare");
  ASSERT_NE(rare, nullptr);
  EXPECT_EQ(rare->rationale, "Node 'rare' was executed only 1 times (0.50%) in 200 traces");
  EXPECT_EQ(rare->risks, std::vector<std::string>{"Node is used in 0.50% of executions - verify these are not critical"});
  EXPECT_DOUBLE_EQ(rare->confidence, 0.5 + 0.3 * (1 - 0.005) + 0.2);
  ASSERT_EQ(rare->evidence.size(), 2u);  // the aggregate and the one trace that ran it
  EXPECT_EQ(rare->evidence[1].id, "trace-exec-100");

  // Order: confidence descending (1.0, 0.99925, 0.9985).
  EXPECT_EQ(out.deprecations[0].key, "deprecate_node:unused");
  EXPECT_EQ(out.deprecations[1].key, "deprecate_tool:calc");
  EXPECT_EQ(out.deprecations[2].key, "deprecate_node:rare");
}

TEST(Deprecation, KnownNodesFromContextMergedWithConfig) {
  DeprecationConfig config;
  config.known_nodes = {"from_config"};
  AnalysisContext context;
  context.known_nodes = {"from_context", "from_config", "main"};
  const auto out = run(DeprecationAnalyzer(config), traces(20), context);
  ASSERT_EQ(out.deprecations.size(), 2u);
  EXPECT_EQ(out.deprecations[0].key, "deprecate_node:from_config");  // equal confidence: by key
  EXPECT_EQ(out.deprecations[1].key, "deprecate_node:from_context");
  EXPECT_DOUBLE_EQ(out.deprecations[0].confidence, 0.9);  // 0.7 + 20/100
  EXPECT_TRUE(out.warnings.empty());
}

TEST(Deprecation, UsageThresholdIsStrict) {
  DeprecationConfig config;
  config.known_nodes = {"rare"};
  // 1 execution in 100 traces = 0.01, not < 0.01.
  EXPECT_EQ(find_rec(run(DeprecationAnalyzer(config), traces(100, 1)).deprecations, "deprecate_node:rare"), nullptr);
  EXPECT_NE(find_rec(run(DeprecationAnalyzer(config), traces(101, 1)).deprecations, "deprecate_node:rare"), nullptr);
}

TEST(Deprecation, NeverUsedKnownToolFromConfigAndContext) {
  DeprecationConfig config;
  config.known_tools = {"fax"};
  AnalysisContext context;
  context.known_tools = {"search", "telex"};
  const auto out = run(DeprecationAnalyzer(config), traces(10), context);
  ASSERT_EQ(out.deprecations.size(), 2u);
  const auto* fax = find_rec(out.deprecations, "unused_tool:fax");
  ASSERT_NE(fax, nullptr);
  EXPECT_EQ(std::get<DeprecationTarget::Tool>(fax->target.value), (DeprecationTarget::Tool{"fax", std::nullopt}));
  EXPECT_EQ(fax->rationale, "Tool 'fax' was never called in 10 traces");
  EXPECT_DOUBLE_EQ(fax->confidence, 0.8);
  EXPECT_GE(fax->confidence, config.min_confidence);
  EXPECT_NE(find_rec(out.deprecations, "unused_tool:telex"), nullptr);
  EXPECT_EQ(find_rec(out.deprecations, "unused_tool:search"), nullptr);
}

TEST(Deprecation, RarelyUsedToolIsReachable) {
  // search: 2 calls per trace (400), calc: 1 call -> share 0.0025 < 0.05 and 1 < 0.1 * 200.5.
  const auto out = run(DeprecationAnalyzer(DeprecationConfig{}), traces(200, 1));
  ASSERT_EQ(out.deprecations.size(), 1u);
  const auto& calc = out.deprecations[0];
  EXPECT_EQ(calc.key, "deprecate_tool:calc");
  const auto& target = std::get<DeprecationTarget::Tool>(calc.target.value);
  EXPECT_EQ(target.name, "calc");
  EXPECT_EQ(target.last_used, std::optional<std::string>("2025-12-15T10:30:00Z"));
  EXPECT_EQ(calc.rationale, "Tool 'calc' is rarely used (1 calls, 0.2% of most used tool)");
  EXPECT_EQ(calc.risks, std::vector<std::string>{"Tool is still called 1 times - verify not critical"});
  EXPECT_EQ(calc.benefits, (std::vector<std::string>{"Reduce tool maintenance", "Simplify tool registry"}));
  EXPECT_DOUBLE_EQ(calc.confidence, 0.5 + 0.3 * (1 - 1.0 / 400.0) + 0.2);
  EXPECT_GE(calc.confidence, 0.6);
  // Without known nodes or tools the analyzer says why it cannot find unused ones.
  ASSERT_EQ(out.warnings.size(), 1u);
}

TEST(Deprecation, ToolRuleNeedsBothConditions) {
  // Two tools with equal use: neither is rare.
  std::vector<Input> v;
  for (int i = 0; i < 20; ++i)
    v.push_back(Input{make_trace({{"n", 1, 0, {"a", "b"}}}), origin("x" + std::to_string(i), i)});
  EXPECT_TRUE(run(DeprecationAnalyzer(DeprecationConfig{}), v).deprecations.empty());
}

TEST(Deprecation, ToolCallsExtensionCountsWhenToolsCalledIsEmpty) {
  auto v = traces(200);
  ToolCall call;
  call.name = "ext_tool";
  v[5].trace.nodes_executed[0].tools_called.clear();
  v[5].trace.nodes_executed[0].tool_calls.push_back(call);
  const auto out = run(DeprecationAnalyzer(DeprecationConfig{}), v);
  EXPECT_NE(find_rec(out.deprecations, "deprecate_tool:ext_tool"), nullptr);
}

TEST(Deprecation, MinConfidenceFilters) {
  DeprecationConfig config;
  config.known_nodes = {"unused"};
  config.min_confidence = 0.95;
  EXPECT_TRUE(run(DeprecationAnalyzer(config), traces(10)).deprecations.empty());  // 0.8
  EXPECT_EQ(run(DeprecationAnalyzer(config), traces(30)).deprecations.size(), 1u);  // 1.0
}

TEST(Deprecation, NonAsciiNames) {
  DeprecationConfig config;
  config.known_nodes = {"überprüfung", "main"};
  const auto out = run(DeprecationAnalyzer(config), traces(10));
  ASSERT_EQ(out.deprecations.size(), 1u);
  EXPECT_EQ(out.deprecations[0].key, "deprecate_node:überprüfung");
  EXPECT_EQ(out.deprecations[0].rationale, "Node 'überprüfung' was never executed in 10 traces");
}

TEST(Deprecation, ConfigFromJson) {
  const auto config = DeprecationConfig::from_json(
      json::parse(R"({"known_nodes": ["a", "b"], "known_tools": ["t"], "min_total_executions": 3})"));
  EXPECT_EQ(config.known_nodes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(config.known_tools, std::vector<std::string>{"t"});
  EXPECT_EQ(config.min_total_executions, 3u);
  EXPECT_THROW(DeprecationConfig::from_json(json::parse(R"({"known_nodes": [1]})")), ConfigError);
}
