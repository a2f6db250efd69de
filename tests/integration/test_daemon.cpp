// The daemon end to end: the real binary, real plugins, real files.
// --once cycles with a persisted cursor (restart = no repeat), alerts to a
// file sink with the real count, new trace files picked up by inotify while
// it runs, SIGTERM finishing cleanly (also in the middle of a cycle), the
// status document read by `introspect health`, and --interval 0 refused.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <mutex>
#include <thread>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "corpus.hpp"
#include "dashflow_cli.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::test::BackgroundProcess;
using dashflow::test::dashflow_json;
using dashflow::test::ProcessResult;
using dashflow::test::run_process;
using dashflow::test::TempDir;
using nlohmann::json;

namespace {

class Daemon : public ::testing::Test {
 protected:
  void SetUp() override {
    // Triggers at 1 s so the planted slow 'summarize' (~2.5 s) fires; the rest as built in.
    json config = {
        {"pipelines",
         {{"default",
           {{"analyzers",
             json::array({{{"plugin", "capability-gaps"}},
                          {{"plugin", "triggers"}, {"config", {{"slow_node_threshold_ms", 1000}, {"retry_threshold", 2}}}}})},
            {"alert_sinks", json::array({{{"plugin", "console"}}})}}}}},
        {"daemon", {{"debounce_ms", 200}}}};
    dashflow::test::write_file(tmp / "dashflow.json", config.dump(2));
  }

  std::vector<std::string> base(std::vector<std::string> extra) const {
    std::vector<std::string> args = {DASHFLOW_EXE, "--config", tmp / "dashflow.json", "self-improve", "daemon",
                                     "--traces", traces(), "--storage", store(), "--no-console",
                                     "--alert-file", alerts_file()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  json once() {
    ProcessResult r = run_process(base({"--once", "--format", "json"}), tmp.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    try {
      return json::parse(r.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << r.out << r.err;
      return json::object();
    }
  }
  std::vector<json> alert_lines() const {
    std::vector<json> lines;
    std::ifstream in(alerts_file());
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) lines.push_back(json::parse(line));
    return lines;
  }
  json plans() {
    return dashflow_json({"self-improve", "plans", "--status", "all", "--storage", store()}, tmp.path());
  }

  std::string traces() const { return tmp / "traces"; }
  std::string store() const { return tmp / "store"; }
  std::string alerts_file() const { return tmp / "alerts.jsonl"; }
  TempDir tmp;
};

}  // namespace

TEST_F(Daemon, OnceReportsRealCountsAndARestartRepeatsNothing) {
  dashflow::test::write_planted_corpus(traces());
  json first = once();
  for (const char* key : {"traces_analyzed", "triggers_fired", "plans_generated", "alerts_dispatched", "errors"})
    EXPECT_TRUE(first.contains(key)) << key << " missing in " << first.dump();
  EXPECT_EQ(first["traces_analyzed"], 40);
  EXPECT_GE(first["triggers_fired"].get<int>(), 2);  // slow summarize, retries in fetch
  EXPECT_GE(first["plans_generated"].get<int>(), 1);
  EXPECT_TRUE(first["errors"].empty()) << first.dump();
  const auto lines = alert_lines();
  EXPECT_EQ(first["alerts_dispatched"].get<size_t>(), lines.size()) << "the count must be the deliveries made";
  bool slow = false;
  for (const auto& a : lines) slow = slow || (a.value("kind", "") == "slow_node" && a["labels"].value("node", "") == "summarize");
  EXPECT_TRUE(slow) << json(lines).dump(2);
  const size_t plan_count = plans().size();

  // A restart: nothing new, nothing repeated.
  json second = once();
  EXPECT_EQ(second["traces_analyzed"], 0);
  EXPECT_EQ(second["alerts_dispatched"], 0);
  EXPECT_EQ(second["plans_generated"], 0);
  EXPECT_EQ(alert_lines().size(), lines.size());

  // New traces with the same problems: analyzed once, open plans updated, no duplicate alerts.
  dashflow::test::PlantedCorpus more;
  more.traces = 12;
  more.start_minute = 100;
  fs::create_directories(traces() + "/later");
  dashflow::test::write_planted_corpus(traces() + "/later", more);
  json third = once();
  EXPECT_EQ(third["traces_analyzed"], 12);
  EXPECT_EQ(third["plans_generated"], 0) << third.dump();
  EXPECT_GE(third["plans_updated"].get<int>(), 1) << third.dump();
  EXPECT_EQ(third["alerts_dispatched"], 0) << "same findings within the repeat interval: " << third.dump();
  EXPECT_EQ(plans().size(), plan_count);
}

TEST_F(Daemon, PicksUpNewFilesWhileRunningAndStopsCleanlyOnSigterm) {
  fs::create_directories(traces());
  BackgroundProcess daemon(base({"--interval", "3600", "--format", "json"}), tmp.path());
  // First cycle: nothing there yet.
  ASSERT_TRUE(daemon.wait_for_output([](const std::string& out) { return out.find("\"cycle\":1") != std::string::npos; }, 120))
      << daemon.out() << daemon.err();
  dashflow::test::PlantedCorpus spec;
  spec.traces = 8;
  dashflow::test::write_planted_corpus(traces(), spec);
  // inotify wakes it long before the hour-long interval.
  ASSERT_TRUE(daemon.wait_for_output([](const std::string& out) { return out.find("\"cycle\":2") != std::string::npos; }, 120))
      << daemon.out() << daemon.err();
  std::istringstream lines(daemon.out());
  uint64_t analyzed = 0;
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) analyzed += json::parse(line).value("traces_analyzed", uint64_t{0});
  EXPECT_EQ(analyzed, 8u);

  daemon.signal(SIGTERM);
  auto code = daemon.wait(120);
  ASSERT_TRUE(code.has_value()) << "daemon did not stop on SIGTERM";
  EXPECT_EQ(*code, 0) << daemon.err();

  ProcessResult health = run_process({DASHFLOW_EXE, "introspect", "health", "--storage", store(), "--traces", traces(),
                                      "--format", "json"}, tmp.path());
  json h = json::parse(health.out);
  json daemon_component;
  for (const auto& c : h["components"])
    if (c["name"] == "daemon") daemon_component = c;
  EXPECT_EQ(daemon_component["details"]["state"], "stopped") << h.dump(2);
  EXPECT_EQ(daemon_component["details"]["cycles"], 2) << h.dump(2);
}

TEST_F(Daemon, SigtermInTheMiddleOfACycleLeavesStorageIntact) {
  dashflow::test::PlantedCorpus spec;
  spec.traces = 1500;
  dashflow::test::write_planted_corpus(traces(), spec);
  json warm = once();  // storage with plans in it
  ASSERT_EQ(warm["traces_analyzed"], 1500);
  const size_t plan_count = plans().size();
  // Change every file's identity so the next cycle has all 1500 to read again.
  for (const auto& e : fs::recursive_directory_iterator(traces()))
    if (e.is_regular_file()) fs::last_write_time(e.path(), fs::last_write_time(e.path()) + std::chrono::seconds(10));

  BackgroundProcess daemon(base({"--interval", "3600"}), tmp.path());
  // The banner comes after set-up (signal handlers are in place), right
  // before the first cycle starts reading the 1500 files: signal then.
  for (int i = 0; i < 1200 && daemon.err().find("dashflow daemon: watching") == std::string::npos; ++i)
    usleep(50 * 1000);
  ASSERT_NE(daemon.err().find("dashflow daemon: watching"), std::string::npos) << daemon.err();
  daemon.signal(SIGTERM);
  auto code = daemon.wait(120);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << daemon.out() << daemon.err();
  EXPECT_EQ(plans().size(), plan_count);  // readable, nothing lost or duplicated
  ProcessResult reports = run_process({DASHFLOW_EXE, "self-improve", "reports", "--storage", store(), "--format", "json"},
                                      tmp.path());
  EXPECT_EQ(reports.exit_code, 0) << reports.err;
}

TEST_F(Daemon, IntervalZeroIsAUsageError) {
  ProcessResult r = run_process(base({"--interval", "0", "--format", "json"}), tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  json j = json::parse(r.out);
  EXPECT_NE(j["error"]["message"].get<std::string>().find("--interval"), std::string::npos);
}

// Retention every N cycles really runs: old traces are compressed (and still
// not analyzed twice: the cursor follows them), storage keeps max_reports.
TEST_F(Daemon, RetentionRunsEveryNCyclesAndTheCursorFollowsCompressedTraces) {
  json config = json::parse(dashflow::test::read_file(tmp / "dashflow.json"));
  config["daemon"]["cleanup_interval_cycles"] = 1;
  config["retention"] = {{"compress_after_days", 1}, {"storage", {{"max_reports", 1}}}};
  dashflow::test::write_file(tmp / "dashflow.json", config.dump(2));
  dashflow::test::write_planted_corpus(traces());
  const auto ten_days_ago = fs::file_time_type::clock::now() - std::chrono::hours(24 * 10);
  for (const auto& e : fs::recursive_directory_iterator(traces()))
    if (e.is_regular_file()) fs::last_write_time(e.path(), ten_days_ago);

  json first = once();
  EXPECT_EQ(first["traces_analyzed"], 40);
  ASSERT_TRUE(first.contains("cleanup")) << first.dump(2);
  EXPECT_EQ(first["cleanup"]["traces_compressed"], 40) << first.dump(2);
  size_t gz = 0, plain = 0;
  for (const auto& e : fs::recursive_directory_iterator(traces()))
    if (e.is_regular_file() && e.path().extension() == ".gz") ++gz;
    else if (e.is_regular_file() && e.path().extension() == ".json") ++plain;
  EXPECT_EQ(gz, 40u);
  EXPECT_EQ(plain, 0u);

  json second = once();
  EXPECT_EQ(second["traces_analyzed"], 0) << "compressed traces are the same traces: " << second.dump();

  dashflow::test::PlantedCorpus more;
  more.traces = 12;
  more.start_minute = 100;
  fs::create_directories(traces() + "/later");
  dashflow::test::write_planted_corpus(traces() + "/later", more);
  json third = once();
  EXPECT_EQ(third["traces_analyzed"], 12);
  EXPECT_EQ(third["cleanup"]["traces_compressed"], 0) << "new files are left alone";
  ProcessResult reports = run_process({DASHFLOW_EXE, "self-improve", "reports", "--storage", store(), "--format", "json"},
                                      tmp.path());
  ASSERT_EQ(reports.exit_code, 0) << reports.err;
  EXPECT_EQ(json::parse(reports.out).size(), 1u) << reports.out;
}

// A non-recursive trace source: the daemon reads only the top directory, and
// its retention must not compress (or delete) what lies in subdirectories.
TEST_F(Daemon, RetentionStaysOutOfSubdirectoriesANonRecursiveSourceDoesNotRead) {
  json config = json::parse(dashflow::test::read_file(tmp / "dashflow.json"));
  config["pipelines"]["default"]["trace_sources"] = json::array({{{"plugin", "trace-dir"}, {"config", {{"recursive", false}}}}});
  config["daemon"]["cleanup_interval_cycles"] = 1;
  config["retention"] = {{"compress_after_days", 1}};
  dashflow::test::write_file(tmp / "dashflow.json", config.dump(2));
  dashflow::test::write_planted_corpus(traces());
  dashflow::test::PlantedCorpus kept;
  kept.traces = 5;
  kept.start_minute = 200;
  fs::create_directories(traces() + "/archive");
  dashflow::test::write_planted_corpus(traces() + "/archive", kept);
  const auto ten_days_ago = fs::file_time_type::clock::now() - std::chrono::hours(24 * 10);
  for (const auto& e : fs::recursive_directory_iterator(traces()))
    if (e.is_regular_file()) fs::last_write_time(e.path(), ten_days_ago);

  json first = once();
  EXPECT_EQ(first["traces_analyzed"], 40) << "the source does not read archive/";
  EXPECT_EQ(first["cleanup"]["traces_compressed"], 40) << first.dump(2);
  size_t archive_plain = 0;
  for (const auto& e : fs::directory_iterator(traces() + "/archive"))
    if (e.path().extension() == ".json") ++archive_plain;
  EXPECT_EQ(archive_plain, 5u) << "retention went into a directory the source does not read";
}

// --alert-webhook adds a webhook sink: every alert is POSTed as JSON.
TEST_F(Daemon, AlertWebhookFlagPostsEachAlert) {
  std::mutex mutex;
  std::vector<json> received;
  httplib::Server server;
  server.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex);
    received.push_back(json::parse(req.body, nullptr, false));
    res.status = 200;
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  dashflow::test::write_planted_corpus(traces());
  ProcessResult r = run_process({DASHFLOW_EXE, "--config", tmp / "dashflow.json", "self-improve", "daemon", "--once",
                                 "--no-console", "--traces", traces(), "--storage", store(), "--alert-webhook",
                                 "http://127.0.0.1:" + std::to_string(port) + "/hook", "--format", "json"},
                                tmp.path());
  server.stop();
  thread.join();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json out = json::parse(r.out);
  EXPECT_TRUE(out["errors"].empty()) << out.dump(2);
  ASSERT_GE(out["alerts_dispatched"].get<size_t>(), 2u);
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(received.size(), out["alerts_dispatched"].get<size_t>());
  for (const auto& a : received) {
    ASSERT_TRUE(a.is_object());
    EXPECT_FALSE(a.value("kind", "").empty()) << a.dump();
  }
}
