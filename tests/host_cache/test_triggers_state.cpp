// The triggers analyzer's save_state/load_state (what the analysis cache
// stores): saved and loaded states merge into the single-pass alerts, saving
// a loaded state gives the same text, foreign or damaged states are refused.
#include <gtest/gtest.h>

#include "dashflow/json.hpp"
#include "trace_builder.hpp"
#include "triggers.hpp"
#include "triggers_state.hpp"

using namespace dashflow;
using namespace dashflow::analyzers;
using namespace dashflow::testing_analyzers;

namespace {

std::vector<Input> inputs() {
  std::vector<Input> out;
  for (int i = 0; i < 60; ++i) {
    std::vector<Node> nodes = {{"planner", 100u + i, 10}, {"fetch", i % 6 == 0 ? 15000u : 400u, 0, {"search"}}};
    if (i % 9 == 0) nodes.push_back({"summarize", 22000, 900, {"llm"}});
    std::vector<ErrorSpec> errors;
    if (i % 4 == 0) errors.push_back({"fetch", "Timeout after 30s", true, "Timeout"});
    if (i % 10 == 0) errors.push_back({"fetch", "Timeout again", true, "Timeout"});
    out.push_back({make_trace(nodes, errors, i % 7 == 0 ? "" : "exec-" + std::to_string(i)),
                   origin("traces/t" + std::to_string(i) + ".json", 1000 + i)});
  }
  return out;
}

TriggersConfig config() {
  TriggersConfig c;
  c.slow_node_threshold_ms = 10000;
  c.retry_threshold = 3;
  c.unused_min_traces = 10;
  return c;
}

AnalysisContext context() {
  AnalysisContext c;
  c.now_unix_ms = 1765000000000;
  c.known_nodes = {"planner", "fetch", "legacy"};
  c.known_tools = {"search", "fax"};
  return c;
}

json alerts_json(const TriggersAnalyzer& a, const AnalyzerState& s) { return json(a.alerts(s, context())); }

}  // namespace

TEST(TriggersState, SavedAndLoadedPartsGiveTheSinglePassAlerts) {
  const TriggersAnalyzer analyzer(config());
  const auto in = inputs();
  auto single = analyzer.make_state();
  for (const auto& i : in) analyzer.consume(*single, i.trace, i.origin);
  const json expected = alerts_json(analyzer, *single);
  ASSERT_GE(expected.size(), 4u) << "slow fetch, slow summarize, retries, error rate, unused: " << expected.dump(1);

  // Three parts (one of them empty-ish), each saved and loaded, merged in another order.
  std::vector<std::unique_ptr<AnalyzerState>> parts;
  for (int p = 0; p < 3; ++p) parts.push_back(analyzer.make_state());
  for (size_t i = 0; i < in.size(); ++i) analyzer.consume(*parts[i < 50 ? i % 2 : 2], in[i].trace, in[i].origin);
  std::vector<std::unique_ptr<AnalyzerState>> loaded;
  for (const auto& p : parts) {
    const std::string text = analyzer.save_state(*p);
    ASSERT_FALSE(text.empty());
    loaded.push_back(analyzer.load_state(text));
    ASSERT_NE(loaded.back(), nullptr);
    EXPECT_EQ(analyzer.save_state(*loaded.back()), text) << "saving a loaded state gives the same text";
  }
  auto total = analyzer.make_state();
  for (int p : {2, 0, 1}) analyzer.merge(*total, *loaded[static_cast<size_t>(p)]);
  EXPECT_EQ(alerts_json(analyzer, *total), expected);

  // An empty state round-trips too (the cache's support probe).
  auto empty = analyzer.load_state(analyzer.save_state(*analyzer.make_state()));
  ASSERT_NE(empty, nullptr);
  EXPECT_TRUE(analyzer.alerts(*empty, context()).empty());
}

TEST(TriggersState, RefusesForeignAndDamagedStates) {
  const TriggersAnalyzer analyzer(config());
  auto state = analyzer.make_state();
  for (const auto& i : inputs()) analyzer.consume(*state, i.trace, i.origin);
  const std::string text = analyzer.save_state(*state);
  const size_t newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos) << "a JSON head line, then the packed durations";
  const json good = json::parse(text.substr(0, newline));
  const std::string packed = text.substr(newline + 1);
  ASSERT_EQ(good["nodes"]["fetch"]["durations"], 60);
  ASSERT_EQ(packed.size() % 4, 0u);

  EXPECT_THROW(analyzer.load_state("not json"), std::exception);
  EXPECT_THROW(analyzer.load_state("[]\n"), std::exception);
  EXPECT_THROW(analyzer.load_state("{\"analyzer\":\"patterns\",\"state_version\":2}\n"), std::exception);
  EXPECT_THROW(analyzer.load_state("{\"analyzer\":\"triggers\",\"state_version\":1}\n"), std::exception);
  EXPECT_THROW(analyzer.load_state("{\"analyzer\":\"triggers\",\"state_version\":2}\n"), std::exception);
  EXPECT_THROW(analyzer.load_state(good.dump()), std::exception) << "no newline: not a version 2 state";

  auto broken = [&](auto&& edit, const std::string& tail) {
    json j = good;
    edit(j);
    return j.dump() + "\n" + tail;
  };
  auto expect_field = [&](const std::string& bad, const std::string& field) {
    try {
      analyzer.load_state(bad);
      ADD_FAILURE() << "accepted: " << field;
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  auto same = [](json&) {};
  expect_field(broken([](json& j) { j["traces"] = -1; }, packed), "traces");
  expect_field(broken([](json& j) { j["failed"] = j["traces"].get<uint64_t>() + 1; }, packed), "failed");
  expect_field(broken([](json& j) { j["nodes"]["fetch"]["slow"] = 100000; }, packed), "nodes.fetch.slow");
  expect_field(broken([](json& j) { j["nodes"]["planner"].erase("max_ms"); }, packed), "nodes.planner.max_ms");
  expect_field(broken([](json& j) { j["tools_called"] = json::array({1}); }, packed), "tools_called[0]");
  expect_field(broken([](json& j) { j["failed_examples"] = "x"; }, packed), "failed_examples");
  // The packed durations: cut short, announced beyond what is there, or extra bytes.
  expect_field(broken(same, packed.substr(0, packed.size() - 4)), "truncated");
  expect_field(broken([](json& j) { j["nodes"]["summarize"]["durations"] = 1000000; }, packed),
               "nodes.summarize.durations");
  expect_field(broken(same, packed + "xxxx"), "bytes after the last value");
}
