// The test kit used exactly as an outside team would: only installed headers
// (<dashflow/...>), a tiny analyzer of their own, run through the harness.
#include <dashflow/sdk.hpp>
#include <dashflow/testing/analyzer_harness.hpp>
#include <dashflow/testing/builders.hpp>
#include <dashflow/testing/fixtures.hpp>
#include <dashflow/testing/gtest.hpp>

#include <algorithm>
#include <map>

namespace {

namespace dt = dashflow::testing;

// "Slow nodes": a gap for every node whose runs exceed threshold_ms at least
// min_slow_runs times. State is per-node counts, so merging is a plain sum.
class SlowNodeAnalyzer final : public dashflow::Analyzer {
 public:
  explicit SlowNodeAnalyzer(const dashflow::PluginContext& ctx)
      : threshold_ms_(ctx.config().value("threshold_ms", 1000u)),
        min_slow_runs_(ctx.config().value("min_slow_runs", 1u)) {}

  struct State : dashflow::AnalyzerState {
    std::map<std::string, std::pair<uint64_t, uint64_t>> runs;  // node -> (runs, slow runs)
  };

  std::unique_ptr<dashflow::AnalyzerState> make_state() const override { return std::make_unique<State>(); }

  void consume(dashflow::AnalyzerState& s, const dashflow::ExecutionTrace& trace, const dashflow::TraceOrigin&) const override {
    auto& st = static_cast<State&>(s);
    for (const auto& n : trace.nodes_executed) {
      auto& [runs, slow] = st.runs[n.node];
      ++runs;
      if (n.duration_ms > threshold_ms_) ++slow;
    }
  }

  void merge(dashflow::AnalyzerState& into, dashflow::AnalyzerState& from) const override {
    for (const auto& [node, counts] : static_cast<State&>(from).runs) {
      auto& target = static_cast<State&>(into).runs[node];
      target.first += counts.first;
      target.second += counts.second;
    }
  }

  dashflow::AnalysisOutput finish(const dashflow::AnalyzerState& s, const dashflow::AnalysisContext&) const override {
    const auto& st = static_cast<const State&>(s);
    std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> slow;
    for (const auto& entry : st.runs)
      if (entry.second.second >= min_slow_runs_) slow.push_back(entry);
    std::sort(slow.begin(), slow.end(), [](const auto& a, const auto& b) {
      return a.second.second != b.second.second ? a.second.second > b.second.second : a.first < b.first;
    });
    dashflow::AnalysisOutput out;
    for (const auto& [node, counts] : slow) {
      out.capability_gaps.push_back(dt::GapBuilder()
                                        .description("Slow node: " + node)
                                        .performance(node, std::to_string(counts.second) + " of " +
                                                               std::to_string(counts.first) + " runs over threshold")
                                        .key("slow:node:" + node)
                                        .source("slow-nodes")
                                        .solution("Cache or parallelize " + node)
                                        .build());
    }
    return out;
  }

  std::string save_state(const dashflow::AnalyzerState& s) const override {
    dashflow::json j = dashflow::json::object();
    for (const auto& [node, counts] : static_cast<const State&>(s).runs) j[node] = {counts.first, counts.second};
    return j.dump();
  }

  std::unique_ptr<dashflow::AnalyzerState> load_state(std::string_view text) const override {
    auto st = std::make_unique<State>();
    const dashflow::json saved = dashflow::json::parse(text);
    for (const auto& [node, counts] : saved.items())
      st->runs[node] = {counts[0].get<uint64_t>(), counts[1].get<uint64_t>()};
    return st;
  }

 private:
  uint64_t threshold_ms_;
  uint64_t min_slow_runs_;
};

// A deliberately broken analyzer: its output depends on how traces were split.
class SplitSensitiveAnalyzer final : public dashflow::Analyzer {
 public:
  explicit SplitSensitiveAnalyzer(const dashflow::PluginContext&) {}
  struct State : dashflow::AnalyzerState {
    std::vector<std::string> first_nodes;
  };
  std::unique_ptr<dashflow::AnalyzerState> make_state() const override { return std::make_unique<State>(); }
  void consume(dashflow::AnalyzerState& s, const dashflow::ExecutionTrace& t, const dashflow::TraceOrigin&) const override {
    auto& st = static_cast<State&>(s);
    if (st.first_nodes.empty() && !t.nodes_executed.empty()) st.first_nodes.push_back(t.nodes_executed.back().node);
  }
  void merge(dashflow::AnalyzerState& into, dashflow::AnalyzerState& from) const override {
    auto& a = static_cast<State&>(into).first_nodes;
    auto& b = static_cast<State&>(from).first_nodes;
    a.insert(a.end(), b.begin(), b.end());
  }
  dashflow::AnalysisOutput finish(const dashflow::AnalyzerState& s, const dashflow::AnalysisContext&) const override {
    dashflow::AnalysisOutput out;
    out.warnings = static_cast<const State&>(s).first_nodes;
    return out;
  }
};

TEST(OutsideTeam, FindsTheSlowNode) {
  const auto out = dt::run_analyzer<SlowNodeAnalyzer>(R"({"threshold_ms": 1000})", dt::sample_traces());
  EXPECT_TRUE(dt::HasGapWithKey(out, "slow:node:slow_lookup"));
  EXPECT_TRUE(dt::HasNoGapWithKey(out, "slow:node:planner"));
  ASSERT_EQ(out.capability_gaps.size(), 1u);
  dt::ExpectGapHasSolution(out.capability_gaps[0]);
  dt::ExpectHasGapWithKey(out, "slow:node:slow_lookup");
}

TEST(OutsideTeam, ConfigChangesTheResult) {
  const auto out = dt::run_analyzer<SlowNodeAnalyzer>(R"({"threshold_ms": 250})", dt::sample_traces());
  // search 300 ms, fetch 1000 and 400 ms, slow_lookup 5800 ms: most slow runs first, then by name.
  ASSERT_EQ(out.capability_gaps.size(), 3u);
  EXPECT_EQ(out.capability_gaps[0].key, "slow:node:fetch");
  EXPECT_EQ(out.capability_gaps[1].key, "slow:node:search");
  EXPECT_EQ(out.capability_gaps[2].key, "slow:node:slow_lookup");
}

TEST(OutsideTeam, SplitInvariantAndStatePersistence) {
  std::vector<dashflow::ExecutionTrace> traces;
  for (int i = 0; i < 7; ++i)
    traces.push_back(dt::TraceBuilder().node("a", 100u * static_cast<uint64_t>(i)).node(i % 2 ? "b" : "c", 2000).build());
  dt::ExpectSplitInvariant<SlowNodeAnalyzer>(R"({"threshold_ms": 300})", traces);
  EXPECT_NO_THROW(dt::expect_split_invariant<SlowNodeAnalyzer>("{}", traces));
  const auto a = dt::run_analyzer<SlowNodeAnalyzer>("{}", traces, {}, 1);
  const auto b = dt::run_analyzer<SlowNodeAnalyzer>("{}", traces, {}, 3);
  EXPECT_EQ(dt::output_to_json(a), dt::output_to_json(b));
}

TEST(OutsideTeam, HarnessCatchesSplitDependentAnalyzer) {
  const auto traces = dt::sample_traces();
  const auto verdict = dt::IsSplitInvariant<SplitSensitiveAnalyzer>("{}", traces);
  EXPECT_FALSE(verdict);
  EXPECT_NE(std::string(verdict.message()).find("differs between 1 and 2 splits"), std::string::npos) << verdict.message();
}

TEST(OutsideTeam, FailureMessagesAreReadable) {
  const auto out = dt::run_analyzer<SlowNodeAnalyzer>("{}", dt::sample_traces());
  const auto verdict = dt::HasGapWithKey(out, "slow:node:nope");
  EXPECT_FALSE(verdict);
  EXPECT_STREQ(verdict.message(), "no gap with key 'slow:node:nope'; gaps found: [slow:node:slow_lookup]");
  const auto healthy = dt::ReportIsHealthy(dt::report_with_issues());
  EXPECT_FALSE(healthy);
  EXPECT_NE(std::string(healthy.message()).find("is not healthy"), std::string::npos);
  dt::ExpectReportHealthy(dt::healthy_report());
  dt::ExpectPlanReady(dt::validated_plan());
  dt::ExpectHypothesisEvaluated(dt::rejected_hypothesis());
}

TEST(OutsideTeam, HarnessOriginsAndContext) {
  const auto traces = dt::sample_traces();
  const auto origin = dt::harness_origin(traces[0], 4);
  EXPECT_EQ(origin.source, "trace-4.json");
  EXPECT_EQ(origin.started_at_ms, *dashflow::parse_rfc3339_ms("2025-12-15T10:30:00Z"));
  EXPECT_THROW(dt::run_analyzer<SlowNodeAnalyzer>("{}", traces, {}, 0), std::invalid_argument);
}

}  // namespace
