// `dashflow self-improve generate-tests` and `run-tests`, the real binary and
// the built-in trace-dir source: generated tests pass on the traces they came
// from and fail, with the reason, when a node is skipped, an error appears or
// (with --timing) a node is much slower.
#include <gtest/gtest.h>

#include <filesystem>

#include "dashflow_cli.hpp"
#include "traces.hpp"

namespace {

namespace fs = std::filesystem;
using dashflow::test::ProcessResult;
using dashflow::test::TempDir;
using nlohmann::json;
using namespace testgen_it;

class TestgenCli : public ::testing::Test {
 protected:
  TempDir tmp;
  std::string traces() const { return tmp / "traces"; }

  void SetUp() override { write_baseline(traces()); }

  ProcessResult dashflow(std::vector<std::string> args) {
    return dashflow::test::run_dashflow(std::move(args), tmp.path());
  }
  // stdout must be valid JSON whatever the exit code.
  json dashflow_json(std::vector<std::string> args, int expected_exit) {
    return dashflow::test::dashflow_json(std::move(args), tmp.path(), expected_exit);
  }
  std::string generate(const std::string& file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"self-improve", "generate-tests", "--traces", traces(), "--output", tmp / file};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = dashflow(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return tmp / file;
  }
  // A traces directory with the baseline plus one regression.
  std::string regressed(void (*add)(const std::string&)) {
    const std::string dir = tmp / "regressed";
    write_baseline(dir);
    add(dir);
    return dir;
  }
  json run_tests(const std::string& specs, const std::string& dir, int expected_exit) {
    return dashflow_json({"self-improve", "run-tests", "--tests", specs, "--traces", dir}, expected_exit);
  }
  static std::vector<std::string> reasons_of(const json& result) {
    std::vector<std::string> out;
    for (const auto& t : result["tests"])
      for (const auto& f : t["failures"])
        for (const auto& r : f["reasons"]) out.push_back(r.get<std::string>());
    return out;
  }
};

TEST_F(TestgenCli, GeneratesVersionedSpecsFromSuccessfulTracesOnly) {
  const json specs = dashflow_json({"self-improve", "generate-tests", "--traces", traces()}, 0);
  EXPECT_EQ(specs["_schema_version"], 1);
  EXPECT_EQ(specs["kind"], "dashflow-regression-tests");
  ASSERT_EQ(specs["tests"].size(), 3u) << specs.dump(2);
  // Newest behaviour first: the odd graph (minute 20), the loop (11), the main path (3).
  EXPECT_EQ(specs["tests"][0]["match"]["graph_name"], kOddGraph);
  EXPECT_EQ(specs["tests"][0]["name"], "support_bot_v2_1");
  EXPECT_EQ(specs["tests"][0]["expect"]["steps"][0]["node"], "r\xc3\xa9sum\xc3\xa9 \"node\"\\");
  EXPECT_EQ(specs["tests"][0]["expect"]["steps"][0]["tools"][0], "t\"ool\n");
  EXPECT_EQ(specs["tests"][1]["name"], "checkout_1");
  EXPECT_EQ(specs["tests"][1]["source"]["traces"], 2);
  EXPECT_EQ(specs["tests"][2]["name"], "checkout_2");
  EXPECT_EQ(specs["tests"][2]["source"]["execution_id"], "c3");
  const json& main = specs["tests"][2]["expect"];
  EXPECT_EQ(main["success"], true);
  EXPECT_EQ(main["error_count"], 0);
  EXPECT_EQ(main["steps"].size(), 4u);
  EXPECT_EQ(main["steps"][1], (json{{"node", "validate"}, {"tools", {"schema_check"}}}));
  EXPECT_FALSE(main.contains("timing"));
  for (const auto& t : specs["tests"])
    EXPECT_EQ(t["source"]["location"].get<std::string>().find("failed.json"), std::string::npos);

  const json limited = dashflow_json({"self-improve", "generate-tests", "--traces", traces(), "--limit", "1"}, 0);
  EXPECT_EQ(limited["tests"].size(), 1u);
}

TEST_F(TestgenCli, GeneratedTestsPassOnTheTracesTheyCameFrom) {
  const std::string specs = generate("tests.json", {"--timing"});
  const json result = run_tests(specs, traces(), 1);  // failed.json is a failing run of checkout
  // Only the unsuccessful trace fails; everything generated passes.
  EXPECT_EQ(result["summary"]["failed"], 1) << result.dump(2);
  std::vector<std::string> failing;
  for (const auto& t : result["tests"])
    for (const auto& f : t["failures"]) failing.push_back(f["trace"].get<std::string>());
  EXPECT_EQ(failing, std::vector<std::string>{traces() + "/failed.json"}) << result.dump(2);
  EXPECT_NE(reasons_of(result).back().find("1 error appeared: node 'boom': 'exploded' (Crash)"), std::string::npos)
      << result.dump(2);

  fs::remove(traces() + "/failed.json");
  const json clean = run_tests(specs, traces(), 0);
  EXPECT_EQ(clean["passed"], true) << clean.dump(2);
  EXPECT_EQ(clean["summary"]["passed"], 3);
  EXPECT_EQ(clean["summary"]["failed"], 0);
  EXPECT_EQ(clean["traces_checked"], 7);
  auto table = dashflow({"self-improve", "run-tests", "--tests", specs, "--traces", traces()});
  EXPECT_EQ(table.exit_code, 0) << table.out << table.err;
  EXPECT_NE(table.out.find("PASSED: 3 passed, 0 failed, 0 not run"), std::string::npos) << table.out;
}

TEST_F(TestgenCli, FailsWhenANodeIsSkipped) {
  fs::remove(traces() + "/failed.json");
  const std::string specs = generate("tests.json");
  const std::string dir = regressed(write_skipped_node);
  fs::remove(dir + "/failed.json");
  const json result = run_tests(specs, dir, 1);
  EXPECT_EQ(result["passed"], false);
  EXPECT_EQ(result["tests"][2]["name"], "checkout_2");
  EXPECT_EQ(result["tests"][2]["status"], "failed");
  ASSERT_EQ(reasons_of(result),
            std::vector<std::string>{"node 'validate' skipped: expected sequence [plan, validate, llm, respond], got [plan, llm, respond]"})
      << result.dump(2);
  auto table = dashflow({"self-improve", "run-tests", "--tests", specs, "--traces", dir});
  EXPECT_EQ(table.exit_code, 1);
  EXPECT_NE(table.out.find("FAIL"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("skipped.json (execution 's1'):"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("- node 'validate' skipped"), std::string::npos) << table.out;
}

TEST_F(TestgenCli, FailsWhenAnErrorAppears) {
  fs::remove(traces() + "/failed.json");
  const std::string specs = generate("tests.json");
  const std::string dir = regressed(write_error);
  fs::remove(dir + "/failed.json");
  const json result = run_tests(specs, dir, 1);
  ASSERT_EQ(reasons_of(result),
            std::vector<std::string>{"1 error appeared: node 'llm': 'rate limited \"429\"' (LLMError)"})
      << result.dump(2);
}

TEST_F(TestgenCli, FailsWhenANodeIsMuchSlowerOnlyWithTiming) {
  fs::remove(traces() + "/failed.json");
  const std::string plain = generate("plain.json");
  const std::string timed = generate("timed.json", {"--timing", "--tolerance", "1.0"});
  const std::string dir = regressed(write_slow);
  fs::remove(dir + "/failed.json");
  EXPECT_EQ(run_tests(plain, dir, 0)["passed"], true);
  const json result = run_tests(timed, dir, 1);
  // llm: slowest baseline run 119 ms, bound 119 x 2 = 238; total 292 -> 584.
  EXPECT_EQ(reasons_of(result), (std::vector<std::string>{"node 'llm' took 912 ms > bound 238 ms",
                                                         "total duration 1082 ms > bound 584 ms"}))
      << result.dump(2);
  const json specs = json::parse(dashflow::test::read_file(timed));
  EXPECT_EQ(specs["tests"][2]["expect"]["timing"]["node_max_ms"]["llm"], 238);
  EXPECT_EQ(specs["tests"][2]["expect"]["timing"]["node_max_ms"]["respond"], 60);
  EXPECT_EQ(specs["tests"][2]["expect"]["timing"]["tolerance"], 1.0);
  // The floor keeps tiny nodes from getting flaky bounds.
  const json floored = json::parse(dashflow::test::read_file(generate("floor.json", {"--timing", "--timing-floor-ms", "500"})));
  EXPECT_EQ(floored["tests"][2]["expect"]["timing"]["node_max_ms"]["respond"], 500);
}

TEST_F(TestgenCli, TracesOfOtherGraphsAreNotRunAndRequireAllFails) {
  fs::remove(traces() + "/failed.json");
  const std::string specs = generate("tests.json");
  const std::string dir = tmp / "only-loop";
  fs::create_directories(dir);
  fs::copy_file(traces() + "/loop-0.json", dir + "/loop-0.json");
  dashflow::test::write_file(dir + "/new.json", dashflow::to_json_text(TraceBuilder().graph("brand_new").node("x", 1).build()));
  const json result = run_tests(specs, dir, 0);
  EXPECT_EQ(result["summary"], (json{{"passed", 1}, {"failed", 0}, {"not_run", 2}}));
  EXPECT_EQ(result["traces_unmatched"], 1);
  EXPECT_EQ(result["unmatched_flows"]["graph 'brand_new'"], 1);
  EXPECT_EQ(result["tests"][2]["summary"], "no trace took this path (1 trace of graph 'checkout' matched other tests)");
  const json strict = dashflow_json({"self-improve", "run-tests", "--tests", specs, "--traces", dir, "--require-all"}, 1);
  EXPECT_EQ(strict["passed"], false);

  const std::string unrelated = tmp / "unrelated";
  dashflow::test::write_file(unrelated + "/x.json", dashflow::to_json_text(TraceBuilder().graph("zzz").node("x", 1).build()));
  const json none = run_tests(specs, unrelated, 1);
  EXPECT_EQ(none["passed"], false) << "no test ran: not a pass";
}

TEST_F(TestgenCli, RedactsSourcesButKeepsWhatSpecsMatchOn) {
  const std::string dir = tmp / "pii";
  write(dir + "/t.json", checkout(50, "p1").thread("alice@example.com").node("plan", 10).node("respond", 5).build());
  const std::string specs = tmp / "pii.json";
  auto r = dashflow({"self-improve", "generate-tests", "--traces", dir, "--output", specs});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string text = dashflow::test::read_file(specs);
  EXPECT_EQ(text.find("alice@example.com"), std::string::npos) << text;
  EXPECT_NE(text.find("[REDACTED:email]"), std::string::npos) << text;
  EXPECT_NE(r.err.find("1 values redacted"), std::string::npos) << r.err;
  EXPECT_EQ(run_tests(specs, dir, 0)["passed"], true);
}

TEST_F(TestgenCli, WritesGoogleTestSourceByExtensionOrEmit) {
  const std::string cpp = generate("regression_tests.cpp", {"--timing"});
  const std::string src = dashflow::test::read_file(cpp);
  EXPECT_NE(src.find("TEST(DashflowRegression, checkout_2)"), std::string::npos);
  EXPECT_NE(src.find("#include \"dashflow/testgen.hpp\""), std::string::npos);
  const std::string emitted = generate("specs.txt", {"--emit", "gtest"});
  EXPECT_NE(dashflow::test::read_file(emitted).find("TEST(DashflowRegression, checkout_1)"), std::string::npos);
  auto to_stdout = dashflow({"self-improve", "generate-tests", "--traces", traces(), "--emit", "gtest"});
  EXPECT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_NE(to_stdout.out.find("int main(int argc, char** argv)"), std::string::npos);
  const json summary = dashflow_json({"self-improve", "generate-tests", "--traces", traces(), "--output", tmp / "s.json"}, 0);
  EXPECT_EQ(summary["tests_generated"], 3);
  EXPECT_EQ(summary["emit"], "json");
  EXPECT_EQ(summary["unsuccessful_skipped"], 1);
  // No temporary files left next to the outputs.
  for (const auto& e : fs::directory_iterator(tmp.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
}

TEST_F(TestgenCli, NothingToGenerateLeavesTheOutputUnchanged) {
  const std::string out = tmp / "tests.json";
  dashflow::test::write_file(out, "previous");
  const std::string empty = tmp / "empty";
  fs::create_directories(empty);
  dashflow::test::write_file(empty + "/failed.json",
                             dashflow::to_json_text(TraceBuilder().graph("g").node("a", 1).error("a", "x").build()));
  const json err = dashflow_json({"self-improve", "generate-tests", "--traces", empty, "--output", out}, 1);
  EXPECT_EQ(err["error"]["kind"], "no-tests");
  EXPECT_NE(err["error"]["message"].get<std::string>().find("left unchanged"), std::string::npos);
  EXPECT_EQ(dashflow::test::read_file(out), "previous");
}

TEST_F(TestgenCli, UsageErrorsExitTwoAndJsonStaysValid) {
  EXPECT_EQ(dashflow_json({"self-improve", "run-tests", "--traces", traces()}, 2)["error"]["kind"], "usage");
  EXPECT_EQ(dashflow_json({"self-improve", "generate-tests", "--limit", "0"}, 2)["error"]["kind"], "usage");
  EXPECT_EQ(dashflow_json({"self-improve", "generate-tests", "--tolerance", "0.5"}, 2)["error"]["kind"], "usage");
  EXPECT_EQ(dashflow_json({"self-improve", "generate-tests", "--timing", "--tolerance", "-1"}, 2)["error"]["kind"], "usage");
  EXPECT_EQ(dashflow_json({"self-improve", "generate-tests", "--emit", "rust"}, 2)["error"]["kind"], "usage");
  auto help = dashflow({"self-improve", "generate-tests", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--timing"), std::string::npos);
  EXPECT_NE(help.out.find("DASHFLOW_TRACES_DIR"), std::string::npos);
}

TEST_F(TestgenCli, BadSpecFilesAreReportedWithTheField) {
  dashflow::test::write_file(tmp / "bad.json", R"({"_schema_version": 1, "tests": [{"name": "x y"}]})");
  const json err = dashflow_json({"self-improve", "run-tests", "--tests", tmp / "bad.json", "--traces", traces()}, 1);
  EXPECT_EQ(err["error"]["kind"], "invalid-tests");
  EXPECT_NE(err["error"]["message"].get<std::string>().find("bad.json: tests[0].name: 'x y' is not a valid C++ identifier"),
            std::string::npos)
      << err.dump();
  const json missing = dashflow_json({"self-improve", "run-tests", "--tests", tmp / "nope.json", "--traces", traces()}, 1);
  EXPECT_NE(missing["error"]["message"].get<std::string>().find("nope.json"), std::string::npos);
  const json no_traces = dashflow_json({"self-improve", "run-tests", "--tests", generate("t.json"), "--traces", tmp / "none"}, 1);
  EXPECT_EQ(no_traces["error"]["kind"], "no-traces");
}

}  // namespace
