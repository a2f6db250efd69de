// End to end: the real binary and the built-in plugins on planted corpora.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "corpus.hpp"
#include "dashflow_cli.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::test::dashflow_json;
using dashflow::test::ProcessResult;
using dashflow::test::run_process;
using dashflow::test::TempDir;
using nlohmann::json;

extern char** environ;

namespace {

class AnalyzeE2E : public ::testing::Test {
 protected:
  TempDir tmp;
  std::string traces() const { return tmp / "traces"; }
  std::string store() const { return tmp / "store"; }

  ProcessResult dashflow(std::vector<std::string> args) {
    return dashflow::test::run_dashflow(std::move(args), tmp.path());
  }
  json analyze_json(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"self-improve", "analyze", "--traces", traces(), "--storage", store()};
    args.insert(args.end(), extra.begin(), extra.end());
    return dashflow_json(std::move(args), tmp.path());
  }
  json report(const std::string& id) {
    return dashflow_json({"self-improve", "reports", "show", id, "--storage", store()}, tmp.path());
  }
  json plans(const std::string& status = "all") {
    return dashflow_json({"self-improve", "plans", "--status", status, "--storage", store()}, tmp.path());
  }
  size_t files_in(const std::string& dir) {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(store() + "/" + dir, ec))
      if (e.path().extension() == ".json") ++n;
    return n;
  }
};

std::set<std::string> gap_keys(const json& report) {
  std::set<std::string> keys;
  for (const auto& g : report["capability_gaps"]) keys.insert(g.value("key", ""));
  return keys;
}

bool has_key_with_prefix(const std::set<std::string>& keys, const std::string& prefix) {
  for (const auto& k : keys)
    if (k.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

TEST_F(AnalyzeE2E, FindsPlantedProblemsAndWritesPlans) {
  dashflow::test::write_planted_corpus(traces());
  json out = analyze_json();
  EXPECT_EQ(out["traces_analyzed"], 40);
  EXPECT_EQ(out["inputs_skipped"], 0);
  json r = report(out["report_id"]);
  auto keys = gap_keys(r);
  EXPECT_TRUE(keys.count("retry:fetch")) << r["capability_gaps"].dump(1);
  EXPECT_TRUE(keys.count("slow:summarize"));
  EXPECT_TRUE(keys.count("missing_tool:geocode"));
  EXPECT_TRUE(has_key_with_prefix(keys, "error:")) << "recurring timeout pattern";
  EXPECT_EQ(r["execution_summary"]["total_executions"], 40);
  EXPECT_NEAR(r["execution_summary"]["success_rate"].get<double>(), 0.6, 1e-9);  // 16 of 40 traces have errors
  EXPECT_GT(r["execution_summary"]["avg_duration_ms"].get<double>(), 0);
  EXPECT_GE(out["plans_generated"].get<int>(), 3);
  EXPECT_EQ(files_in("plans/pending"), out["plans_created"].get<size_t>());
  EXPECT_GE(out["hypotheses_tracked"].get<int>(), 1);
  EXPECT_GE(files_in("hypotheses/active"), 1u);
  EXPECT_TRUE(fs::exists(store() + "/meta/patterns.json"));
  EXPECT_TRUE(fs::exists(store() + "/meta/momentum.json"));
  for (const auto& p : plans("pending")) {
    EXPECT_FALSE(p.value("fingerprint", "").empty());
    EXPECT_GT(p["validation_score"].get<double>(), 0.0) << "plans must survive analyze with a score";
    EXPECT_FALSE(p["steps"].empty());
  }
}

TEST_F(AnalyzeE2E, RerunUpdatesPlansInsteadOfDuplicating) {
  dashflow::test::write_planted_corpus(traces());
  json first = analyze_json();
  const size_t pending = files_in("plans/pending");
  ASSERT_GT(pending, 0u);
  json second = analyze_json();
  EXPECT_EQ(files_in("plans/pending"), pending);
  EXPECT_EQ(second["plans_created"], 0);
  EXPECT_EQ(second["plans_updated"], first["plans_created"]);
  for (const auto& p : plans("pending")) EXPECT_EQ(p["occurrences"], 2);
  // Reports chain, with deltas.
  json r2 = report(second["report_id"]);
  EXPECT_EQ(r2["previous_report_id"], first["report_id"]);
  EXPECT_TRUE(r2["execution_summary"]["vs_previous"].is_object());
}

TEST_F(AnalyzeE2E, SameInputSameFindings) {
  dashflow::test::write_planted_corpus(traces());
  json a = report(analyze_json()["report_id"]);
  fs::remove_all(store());
  json b = report(analyze_json()["report_id"]);
  ASSERT_EQ(a["capability_gaps"].size(), b["capability_gaps"].size());
  for (size_t i = 0; i < a["capability_gaps"].size(); ++i) {
    EXPECT_EQ(a["capability_gaps"][i]["key"], b["capability_gaps"][i]["key"]);
    EXPECT_EQ(a["capability_gaps"][i]["description"], b["capability_gaps"][i]["description"]);
  }
}

TEST_F(AnalyzeE2E, ApproveMovesThePlanAndApprovingAgainFails) {
  dashflow::test::write_planted_corpus(traces());
  analyze_json();
  json pending = plans("pending");
  ASSERT_FALSE(pending.empty());
  const std::string id = pending[0]["id"];
  auto ok = dashflow({"self-improve", "approve", id.substr(0, 8), "--assignee", "alice", "--storage", store()});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(fs::exists(store() + "/plans/approved/" + id + ".json"));
  EXPECT_FALSE(fs::exists(store() + "/plans/pending/" + id + ".json"));
  auto again = dashflow({"self-improve", "approve", id, "--storage", store(), "--format", "json"});
  EXPECT_EQ(again.exit_code, 1);
  json err = json::parse(again.out);
  EXPECT_NE(err["error"]["message"].get<std::string>().find("InProgress"), std::string::npos) << again.out;
  auto done = dashflow({"self-improve", "complete", id, "--commit", "abc1234", "--storage", store()});
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_TRUE(fs::exists(store() + "/plans/implemented/" + id + ".json"));
  auto bad = dashflow({"self-improve", "fail", id, "--reason", "x", "--storage", store()});
  EXPECT_EQ(bad.exit_code, 1) << "an implemented plan cannot fail";
}

TEST_F(AnalyzeE2E, ConcurrentApproveExactlyOneWins) {
  dashflow::test::write_planted_corpus(traces());
  analyze_json();
  const std::string id = plans("pending")[0]["id"];
  for (int round = 0; round < 3; ++round) {
    std::vector<pid_t> pids;
    for (int i = 0; i < 2; ++i) {
      pid_t pid = fork();
      if (pid == 0) {
        auto r = run_process({DASHFLOW_EXE, "self-improve", "approve", id, "--storage", store()}, tmp.path());
        dashflow::test::write_file(tmp / ("approve-" + std::to_string(round) + "-" + std::to_string(i) + ".log"),
                                   r.out + r.err);
        _exit(r.exit_code);
      }
      pids.push_back(pid);
    }
    int wins = 0;
    for (pid_t pid : pids) {
      int status = 0;
      waitpid(pid, &status, 0);
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) ++wins;
    }
    EXPECT_EQ(wins, round == 0 ? 1 : 0)
        << "round " << round << "\n" << dashflow::test::read_file(tmp / ("approve-" + std::to_string(round) + "-0.log"))
        << "\n" << dashflow::test::read_file(tmp / ("approve-" + std::to_string(round) + "-1.log"));
  }
  EXPECT_EQ(files_in("plans/approved"), 1u);
}

TEST_F(AnalyzeE2E, KillDuringAnalyzeNeverCorruptsStorage) {
  dashflow::test::PlantedCorpus spec;
  spec.traces = 600;
  dashflow::test::write_planted_corpus(traces(), spec);
  analyze_json();  // storage with plans to be updated
  std::mt19937 rng(42);
  for (int round = 0; round < 8; ++round) {
    std::vector<std::string> args = {DASHFLOW_EXE, "self-improve", "analyze", "--traces", traces(), "--storage", store(), "--format", "json"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    ASSERT_EQ(posix_spawn(&pid, DASHFLOW_EXE, &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    usleep(std::uniform_int_distribution<int>(20000, 600000)(rng));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);

    // Every stored JSON file parses; no plan lives in two folders.
    std::map<std::string, int> seen;
    for (const auto& e : fs::recursive_directory_iterator(store())) {
      if (e.path().extension() != ".json") continue;
      auto text = dashflow::test::read_file(e.path().string());
      EXPECT_TRUE(json::accept(text)) << "half-written file " << e.path();
      if (e.path().string().find("/plans/") != std::string::npos) seen[e.path().filename().string()]++;
    }
    for (const auto& [name, count] : seen) EXPECT_EQ(count, 1) << name << " is in two plan folders";
    json all = plans("all");
    EXPECT_FALSE(all.empty());
  }
  json final_run = analyze_json();
  EXPECT_EQ(final_run["plans_created"], 0) << "after kills, a clean run still finds the same open plans";
}

TEST_F(AnalyzeE2E, BadInputsAreSkippedAndNamed) {
  dashflow::test::write_planted_corpus(traces());
  dashflow::test::write_file(traces() + "/bad/truncated.json", R"({"nodes_executed": [{"node": "a", "durat)");
  dashflow::test::write_file(traces() + "/bad/empty.json", "");
  dashflow::test::write_file(traces() + "/bad/binary.json", std::string("\x7f" "ELF\x00\x01\xff\xfe", 8));
  dashflow::test::write_file(traces() + "/bad/wrong_type.json",
                             R"({"nodes_executed": [], "total_duration_ms": "slow", "total_tokens": 0, "errors": [], "completed": true, "metadata": {}})");
  dashflow::test::write_file(traces() + "/bad/missing_field.json",
                             R"({"nodes_executed": [], "total_duration_ms": 5, "errors": [], "completed": true, "metadata": {}})");
  json out = analyze_json();
  EXPECT_EQ(out["traces_analyzed"], 40);
  EXPECT_EQ(out["inputs_skipped"], 5);
  std::set<std::string> skipped;
  for (const auto& s : out["skipped"]) {
    skipped.insert(fs::path(s["source"].get<std::string>()).filename().string());
    EXPECT_FALSE(s["reason"].get<std::string>().empty());
  }
  EXPECT_EQ(skipped, (std::set<std::string>{"truncated.json", "empty.json", "binary.json", "wrong_type.json", "missing_field.json"}));
  auto table = dashflow({"self-improve", "analyze", "--traces", traces(), "--storage", store()});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("missing_field.json"), std::string::npos) << table.out;
}

TEST_F(AnalyzeE2E, MetricsDepthWritesSummaryOnly) {
  dashflow::test::write_planted_corpus(traces());
  json out = analyze_json({"--depth", "metrics"});
  EXPECT_EQ(out["plans_generated"], 0);
  EXPECT_EQ(out["execution_summary"]["total_executions"], 40);
  EXPECT_EQ(files_in("plans/pending"), 0u);
}

TEST_F(AnalyzeE2E, DeepWithoutReviewersRunsLocalAndSaysWhatToConfigure) {
  dashflow::test::write_planted_corpus(traces());
  json out = analyze_json({"--depth", "deep"});
  EXPECT_GT(out["plans_generated"].get<int>(), 0);
  bool told = false;
  for (const auto& w : out["warnings"]) told = told || w.get<std::string>().find("reviewers") != std::string::npos;
  EXPECT_TRUE(told) << out["warnings"].dump();
}

TEST_F(AnalyzeE2E, ErrorsAreValidJsonAndUsageErrorsExitTwo) {
  dashflow::test::write_file(tmp / "not-a-dir", "x");
  auto r = dashflow({"self-improve", "analyze", "--storage", tmp / "not-a-dir", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1);
  json e = json::parse(r.out);
  EXPECT_TRUE(e["error"]["message"].is_string());
  auto usage = dashflow({"self-improve", "analyze", "--depth", "bogus", "--format", "json"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_TRUE(json::accept(usage.out)) << usage.out;
  auto plans_bad = dashflow({"self-improve", "plans", "--status", "weird"});
  EXPECT_EQ(plans_bad.exit_code, 2);
}
