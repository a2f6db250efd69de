// Split invariance: any split of the traces over 1, 2 or 3 states, merged in
// any order, and states saved/loaded as JSON, give the single-pass output.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <memory>

#include "capability_gaps.hpp"
#include "deprecation.hpp"
#include "patterns.hpp"
#include "retrospective.hpp"
#include "trace_builder.hpp"

using namespace dashflow;
using namespace dashflow::analyzers;
using namespace dashflow::testing_analyzers;

namespace {

// A varied, deterministic data set: errors, retries, tools, slow nodes,
// non-ASCII names, equal start times, JSON Lines origins, a slowdown over
// time and token outliers.
std::vector<Input> mixed_inputs() {
  std::vector<Input> v = worked_example();
  uint64_t seed = 12345;
  auto next = [&seed](uint64_t mod) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % mod;
  };
  const std::vector<std::string> names = {"fetch", "parse", "검색", "store", "llm"};
  const std::vector<std::string> messages = {"Timeout after 30s", "tool 'geocode' not found", "Invalid JSON at 12",
                                             "service `maps` unavailable", "db error 42", "função 'x' undefined"};
  for (int i = 0; i < 60; ++i) {
    std::vector<Node> nodes;
    const uint64_t count = 1 + next(4);
    for (uint64_t k = 0; k < count; ++k) {
      Node n{names[next(names.size())], 50 + next(3000) + (i > 30 ? 2000u : 0u), next(400)};
      if (next(3) == 0) n.tools = {next(2) == 0 ? "search" : "calc"};
      if (i == 17) n.tools = {"rare_tool"};
      nodes.push_back(n);
    }
    if (i % 9 == 0) nodes.push_back({"llm", 100, 50000});
    std::vector<ErrorSpec> errors;
    const uint64_t error_count = next(3);
    for (uint64_t k = 0; k < error_count; ++k)
      errors.push_back({nodes[next(nodes.size())].name, messages[next(messages.size())], next(2) == 0,
                        next(5) == 0 ? "Timeout" : ""});
    ExecutionTrace t = make_trace(nodes, errors, i % 4 == 0 ? "" : "exec-" + std::to_string(i),
                                  i % 3 == 0 ? "" : "thread-" + std::to_string(i % 7));
    if (i % 5 == 0) t.completed = false;
    // Some share a start time (file and line decide), some come from one JSONL file.
    const int64_t started = i % 6 == 0 ? 1765794600000 : 1765794600000 + 1000 * i;
    v.push_back(Input{t, i % 2 == 0 ? origin("batch.jsonl", started, 1 + i) : origin("t" + std::to_string(i) + ".json", started)});
  }
  return v;
}

void expect_same(const AnalysisOutput& a, const AnalysisOutput& b) {
  EXPECT_EQ(a.capability_gaps, b.capability_gaps);
  EXPECT_EQ(a.deprecations, b.deprecations);
  EXPECT_EQ(a.retrospective, b.retrospective);
  EXPECT_EQ(a.patterns, b.patterns);
  EXPECT_EQ(a.warnings, b.warnings);
}

size_t findings(const AnalysisOutput& o) {
  size_t n = o.capability_gaps.size() + o.deprecations.size() + o.patterns.size();
  if (o.retrospective) n += o.retrospective->counterfactuals.size() + o.retrospective->missing_tools.size();
  return n;
}

using Assign = std::function<size_t(size_t index)>;

// Consume inputs (optionally reversed) into `parts` states chosen by `assign`.
std::vector<std::unique_ptr<AnalyzerState>> split(const Analyzer& a, const std::vector<Input>& inputs, size_t parts,
                                                  const Assign& assign, bool reversed) {
  std::vector<std::unique_ptr<AnalyzerState>> states;
  for (size_t i = 0; i < parts; ++i) states.push_back(a.make_state());
  for (size_t k = 0; k < inputs.size(); ++k) {
    const size_t i = reversed ? inputs.size() - 1 - k : k;
    a.consume(*states[assign(i) % parts], inputs[i].trace, inputs[i].origin);
  }
  return states;
}

void check_split_invariance(const Analyzer& analyzer, const AnalysisContext& context) {
  const auto inputs = mixed_inputs();
  auto single = analyzer.make_state();
  for (const auto& in : inputs) analyzer.consume(*single, in.trace, in.origin);
  const AnalysisOutput expected = analyzer.finish(*single, context);
  ASSERT_GT(findings(expected), 0u) << "the data set must exercise the analyzer";

  {  // Reversed input order, one state.
    auto s = split(analyzer, inputs, 1, [](size_t) { return 0; }, true);
    expect_same(analyzer.finish(*s[0], context), expected);
  }
  {  // Two states, alternating.
    auto s = split(analyzer, inputs, 2, [](size_t i) { return i; }, false);
    analyzer.merge(*s[1], *s[0]);
    expect_same(analyzer.finish(*s[1], context), expected);
  }
  {  // Three states, round robin, merged into the last one.
    auto s = split(analyzer, inputs, 3, [](size_t i) { return i; }, true);
    analyzer.merge(*s[2], *s[0]);
    analyzer.merge(*s[2], *s[1]);
    expect_same(analyzer.finish(*s[2], context), expected);
  }
  {  // Three contiguous chunks, merged as (c ∪ a) ∪ b.
    const size_t n = inputs.size();
    auto s = split(analyzer, inputs, 3, [n](size_t i) { return i * 3 / n; }, false);
    analyzer.merge(*s[2], *s[0]);
    analyzer.merge(*s[2], *s[1]);
    expect_same(analyzer.finish(*s[2], context), expected);
  }
  {  // An empty state merged in changes nothing.
    auto s = split(analyzer, inputs, 1, [](size_t) { return 0; }, false);
    auto empty = analyzer.make_state();
    analyzer.merge(*empty, *s[0]);
    expect_same(analyzer.finish(*empty, context), expected);
  }
  {  // Saved and loaded states (per-file cache, other processes) merge the same.
    auto s = split(analyzer, inputs, 3, [](size_t i) { return i * 7 + 1; }, false);
    std::vector<std::unique_ptr<AnalyzerState>> loaded;
    for (const auto& state : s) {
      const std::string text = analyzer.save_state(*state);
      ASSERT_FALSE(text.empty());
      loaded.push_back(analyzer.load_state(text));
      ASSERT_NE(loaded.back(), nullptr);
    }
    analyzer.merge(*loaded[1], *loaded[2]);
    analyzer.merge(*loaded[1], *loaded[0]);
    expect_same(analyzer.finish(*loaded[1], context), expected);
    // A loaded state merged into a live one, too.
    analyzer.merge(*s[0], *analyzer.load_state(analyzer.save_state(*s[1])));
    analyzer.merge(*s[0], *s[2]);
    expect_same(analyzer.finish(*s[0], context), expected);
    // Saving a loaded state gives the same text.
    EXPECT_EQ(analyzer.save_state(*analyzer.load_state(analyzer.save_state(*s[2]))), analyzer.save_state(*s[2]));
  }
}

}  // namespace

TEST(SplitInvariance, CapabilityGaps) { check_split_invariance(CapabilityGapAnalyzer(CapabilityGapConfig{}), {}); }

TEST(SplitInvariance, Deprecation) {
  DeprecationConfig config;
  config.known_nodes = {"fetch", "parse", "never_run", "überprüfung"};
  config.known_tools = {"search", "fax"};
  AnalysisContext context;
  context.known_nodes = {"store", "legacy"};
  context.known_tools = {"telex"};
  check_split_invariance(DeprecationAnalyzer(config), context);
}

TEST(SplitInvariance, Retrospective) { check_split_invariance(RetrospectiveAnalyzer(RetrospectiveConfig{}), {}); }

TEST(SplitInvariance, Patterns) { check_split_invariance(PatternsAnalyzer(PatternsConfig{}), {}); }

TEST(SplitInvariance, MixedDataFindsEveryKindOfPattern) {
  const auto out = run(PatternsAnalyzer(PatternsConfig{}), mixed_inputs());
  std::set<std::string> types;
  for (const auto& p : out.patterns) types.insert(p.pattern_type);
  EXPECT_TRUE(types.count("RecurringError"));
  EXPECT_TRUE(types.count("PerformanceDegradation"));
  EXPECT_TRUE(types.count("ResourceUsage"));
  EXPECT_TRUE(types.count("Timeout"));
}

TEST(LoadState, RejectsForeignOrBrokenStates) {
  const CapabilityGapAnalyzer gaps(CapabilityGapConfig{});
  const PatternsAnalyzer patterns(PatternsConfig{});
  auto state = patterns.make_state();
  EXPECT_THROW(gaps.load_state(patterns.save_state(*state)), std::exception);
  EXPECT_THROW(gaps.load_state("not json"), std::exception);
  EXPECT_THROW(patterns.load_state(R"({"analyzer":"patterns","state_version":1})"), std::exception);
}
