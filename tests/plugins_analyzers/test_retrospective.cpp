// retrospective: the worked example of dashflow-core.md §3.5, the summary
// agreeing with SummaryAccumulator, insights and their thresholds.
#include <gtest/gtest.h>

#include "dashflow/summary.hpp"
#include "retrospective.hpp"
#include "retrospective_state.hpp"
#include "trace_builder.hpp"

using namespace dashflow;
using namespace dashflow::analyzers;
using namespace dashflow::testing_analyzers;

namespace {

RetrospectiveAnalysis retro_of(const std::vector<Input>& inputs, RetrospectiveConfig config = {}) {
  const auto out = run(RetrospectiveAnalyzer(config), inputs);
  EXPECT_TRUE(out.retrospective.has_value());
  return out.retrospective.value_or(RetrospectiveAnalysis{});
}

Input plain(const ExecutionTrace& t, int i) { return Input{t, origin("r" + std::to_string(i) + ".json", i)}; }

}  // namespace

TEST(Retrospective, WorkedExample) {
  const auto r = retro_of(worked_example());
  const auto& s = r.actual_execution;
  EXPECT_EQ(s.total_executions, 4u);
  EXPECT_EQ(s.successful_executions, 0u);
  EXPECT_EQ(s.failed_executions, 4u);
  EXPECT_EQ(s.success_rate, 0.0);
  EXPECT_EQ(s.avg_duration_ms, 2310.0);
  EXPECT_EQ(s.total_tokens, 5000u);
  EXPECT_EQ(s.avg_tokens, 1250.0);
  EXPECT_EQ(s.retry_rate, 1.0);
  EXPECT_FALSE(s.vs_previous.has_value());

  ASSERT_EQ(r.counterfactuals.size(), 1u);
  EXPECT_EQ(r.counterfactuals[0], (Counterfactual{"Add retry logic or fallback mechanism for 'tool_executor'",
                                                  "Reduce failures from 4 occurrences in 'tool_executor'",
                                                  "No fallback mechanism was implemented", 0.7}));
  ASSERT_EQ(r.missing_tools.size(), 1u);
  EXPECT_EQ(r.missing_tools[0].tool_name, "geocode");
  EXPECT_EQ(r.missing_tools[0].description, "Tool to handle: tool 'geocode' not found");
  EXPECT_EQ(r.missing_tools[0].benefit, "Would prevent 4 errors");
  EXPECT_EQ(r.missing_tools[0].impact.error_reduction, 0.4);
  EXPECT_EQ(r.missing_tools[0].impact.description, "Eliminate 4 recurring errors");
  EXPECT_EQ(r.application_insights,
            std::vector<std::string>{"Success rate of 0.0% is below target. Focus on error reduction."});
  EXPECT_TRUE(r.task_insights.empty());
  EXPECT_EQ(r.platform_insights,
            std::vector<std::string>{"High retry count (4 retries in 4 executions). Implement better error handling."});
}

TEST(Retrospective, EmptyInputHasZerosAndNoFindings) {
  const auto r = retro_of({});
  EXPECT_EQ(r.actual_execution, ReportExecutionSummary{});
  EXPECT_TRUE(r.counterfactuals.empty());
  EXPECT_TRUE(r.missing_tools.empty());
  EXPECT_TRUE(r.application_insights.empty());  // deliberate: the reference reports "0.0%" here
  EXPECT_TRUE(r.task_insights.empty());
  EXPECT_TRUE(r.platform_insights.empty());
}

TEST(Retrospective, SummaryAgreesWithSdkAccumulator) {
  std::vector<Input> inputs = worked_example();
  inputs.push_back(plain(make_trace({{"a", 700, 30}}), 9));
  inputs.push_back(plain(make_trace({{"a", 300, 10}}, {{"a", "x", true}, {"a", "y", true}}), 10));
  SummaryAccumulator acc;
  for (const auto& in : inputs) acc.add(in.trace);
  EXPECT_EQ(retro_of(inputs).actual_execution, acc.summary());
}

TEST(Retrospective, HottestNodeTieBreaksByName) {
  std::vector<Input> inputs;
  for (int i = 0; i < 2; ++i)
    inputs.push_back(plain(make_trace({{"zulu", 1}, {"alpha", 1}, {"zulu", 1}, {"alpha", 1}}), i));
  const auto r = retro_of(inputs);
  ASSERT_EQ(r.application_insights.size(), 1u);  // no errors: success 100%
  EXPECT_EQ(r.application_insights[0], "Node 'alpha' is heavily used (200% of executions). Consider optimizing.");
}

TEST(Retrospective, HotNodeThresholdIsStrict) {
  // 3 executions in 2 traces = 150%, not > 150.
  std::vector<Input> inputs{plain(make_trace({{"n", 1}, {"n", 1}}), 0), plain(make_trace({{"n", 1}}), 1)};
  EXPECT_TRUE(retro_of(inputs).application_insights.empty());
}

TEST(Retrospective, SuccessRateUsesErrorFreeTraces) {
  // 9 of 10 without errors = 0.9, not below target, even though one trace is not completed.
  std::vector<Input> inputs;
  for (int i = 0; i < 9; ++i) inputs.push_back(plain(make_trace({{"a", 1}}), i));
  inputs[0].trace.completed = false;
  inputs.push_back(plain(make_trace({{"a", 1}}, {{"a", "boom"}}), 9));
  const auto r = retro_of(inputs);
  EXPECT_TRUE(r.application_insights.empty());
  EXPECT_EQ(r.actual_execution.successful_executions, 8u);
}

TEST(Retrospective, SlowTraceThresholdIsStrict) {
  EXPECT_TRUE(retro_of({plain(make_trace({{"a", 5000}}), 0)}).counterfactuals.empty());
  const auto r = retro_of({plain(make_trace({{"a", 5001}}), 0), plain(make_trace({{"a", 7000}}), 1),
                           plain(make_trace({{"a", 100}}), 2)});
  ASSERT_EQ(r.counterfactuals.size(), 1u);
  EXPECT_EQ(r.counterfactuals[0], (Counterfactual{"Implement caching or parallel execution for slow operations",
                                                  "Reduce average execution time from 6000ms for 2 slow executions",
                                                  "Performance optimization not prioritized", 0.6}));
}

TEST(Retrospective, CounterfactualsOrderedByCountThenNode) {
  std::vector<Input> inputs;
  inputs.push_back(plain(make_trace({{"b", 1}}, {{"b", "e"}, {"b", "e"}, {"a", "e"}, {"a", "e"}, {"c", "e"}, {"c", "e"}, {"c", "e"}, {"d", "e"}}), 0));
  const auto r = retro_of(inputs);
  ASSERT_EQ(r.counterfactuals.size(), 3u);  // d has 1 error (< 2)
  EXPECT_EQ(r.counterfactuals[0].alternative, "Add retry logic or fallback mechanism for 'c'");
  EXPECT_EQ(r.counterfactuals[1].alternative, "Add retry logic or fallback mechanism for 'a'");
  EXPECT_EQ(r.counterfactuals[2].alternative, "Add retry logic or fallback mechanism for 'b'");
}

TEST(Retrospective, TaskInsights) {
  std::vector<Input> inputs{plain(make_trace({{"a", 100, 20000}}), 0), plain(make_trace({{"a", 100, 20000}}), 1),
                            plain(make_trace({{"a", 100, 20000}}), 2), plain(make_trace({{"a", 1000, 20003}}), 3)};
  const auto r = retro_of(inputs);
  // avg 325, 1000 > 975; avg tokens 20000 (integer mean) > 10000.
  EXPECT_EQ(r.task_insights,
            (std::vector<std::string>{"High variance in execution time (100ms - 1000ms). Identify outlier causes.",
                                      "High average token usage (20000 tokens/execution). Consider prompt optimization."}));
}

TEST(Retrospective, PlatformInsightsAndSwitch) {
  std::vector<Input> inputs{
      plain(make_trace({{"a", 1}}, {{"a", "read timeout", false}, {"a", "x", false, "Timeout"}, {"a", "Timeout!", false}}), 0)};
  auto r = retro_of(inputs);
  // "Timeout!" does not contain lowercase "timeout" (case-sensitive, as the reference).
  EXPECT_EQ(r.platform_insights, std::vector<std::string>{
                                     "2 timeout errors detected. Consider increasing timeout limits or optimizing slow nodes."});
  RetrospectiveConfig off;
  off.include_platform_insights = false;
  EXPECT_TRUE(retro_of(inputs, off).platform_insights.empty());
}

TEST(Retrospective, MissingToolsGroupRawMessages) {
  std::vector<Input> inputs{plain(make_trace({{"a", 1}}, {{"a", "service `maps` unavailable"},
                                                            {"a", "service `maps` unavailable"},
                                                            {"a", "Tool X Not Found"},
                                                            {"a", "Tool X Not Found"},
                                                            {"a", "thing 7 not implemented"},
                                                            {"a", "thing 8 not implemented"}}),
                                  0)};
  const auto r = retro_of(inputs);
  ASSERT_EQ(r.missing_tools.size(), 1u);  // case-sensitive match, raw (un-normalized) grouping
  EXPECT_EQ(r.missing_tools[0].tool_name, "maps");
}

TEST(Retrospective, StateRoundTripRebuildsSummary) {
  std::vector<Input> inputs = worked_example();
  inputs.push_back(plain(make_trace({{"a", 1}}, {{"a", "x", true}, {"a", "y", true}, {"a", "z", true}}), 5));
  inputs.push_back(plain(make_trace({{"a", 9, 4}}), 6));
  const RetrospectiveAnalyzer analyzer(RetrospectiveConfig{});
  auto state = analyzer.make_state();
  for (const auto& in : inputs) analyzer.consume(*state, in.trace, in.origin);
  const auto loaded = analyzer.load_state(analyzer.save_state(*state));
  EXPECT_EQ(analyzer.finish(*loaded, {}).retrospective, analyzer.finish(*state, {}).retrospective);
  EXPECT_EQ(dynamic_cast<const RetrospectiveState&>(*loaded).summary.summary(),
            dynamic_cast<const RetrospectiveState&>(*state).summary.summary());
  EXPECT_THROW(analyzer.load_state(R"({"analyzer": "patterns", "state_version": 1})"), std::exception);
}
