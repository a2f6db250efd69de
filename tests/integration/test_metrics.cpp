// Metrics of a running daemon: served on --metrics-addr in the Prometheus text
// format, accepted by `promtool check metrics`, and scraped by a real
// Prometheus started by the test (Debian package `prometheus`).
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "corpus.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::test::BackgroundProcess;
using dashflow::test::ProcessResult;
using dashflow::test::run_process;
using dashflow::test::TempDir;
using nlohmann::json;

namespace {

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string fetch(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  client.set_read_timeout(10);
  auto res = client.Get(path.c_str());
  return res && res->status == 200 ? res->body : "";
}

class Metrics : public ::testing::Test {
 protected:
  void SetUp() override {
    dashflow::test::PlantedCorpus spec;
    spec.traces = 20;
    dashflow::test::write_planted_corpus(tmp / "traces", spec);
    port = free_port();
    daemon = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{DASHFLOW_EXE, "self-improve", "daemon", "--traces", tmp / "traces", "--storage",
                                 tmp / "store", "--no-console", "--interval", "3600", "--metrics-addr",
                                 "127.0.0.1:" + std::to_string(port), "--format", "json"},
        tmp.path());
    ASSERT_TRUE(daemon->wait_for_output([](const std::string& o) { return o.find("\"cycle\":1") != std::string::npos; }, 120))
        << daemon->out() << daemon->err();
  }
  void TearDown() override {
    if (!daemon) return;
    daemon->signal(SIGTERM);
    auto code = daemon->wait(60);
    EXPECT_TRUE(code && *code == 0) << daemon->err();
  }

  TempDir tmp;
  int port = 0;
  std::unique_ptr<BackgroundProcess> daemon;
};

}  // namespace

TEST_F(Metrics, ExposesEveryRuntimeMetricWithRealValues) {
  const std::string text = fetch(port, "/metrics");
  ASSERT_FALSE(text.empty()) << daemon->err();
  for (const char* family :
       {"dashflow_self_improve_cycles_total", "dashflow_self_improve_cycle_duration_seconds",
        "dashflow_self_improve_triggers_fired_total", "dashflow_self_improve_traces_analyzed_total",
        "dashflow_self_improve_errors_total", "dashflow_self_improve_plans_generated_total",
        "dashflow_self_improve_plans_approved_total", "dashflow_self_improve_plans_implemented_total",
        "dashflow_self_improve_plans_failed_total", "dashflow_self_improve_plans_by_status",
        "dashflow_self_improve_storage_operations_total", "dashflow_self_improve_storage_size_bytes",
        "dashflow_self_improve_storage_items", "dashflow_self_improve_cache_hits_total",
        "dashflow_self_improve_cache_misses_total", "dashflow_self_improve_cache_size",
        "dashflow_self_improve_analysis_duration_seconds", "dashflow_plugin_calls_total",
        "dashflow_plugin_call_duration_seconds", "dashflow_traces_ingested_total"})
    EXPECT_NE(text.find(std::string("# TYPE ") + family + " "), std::string::npos) << family << "\n" << text;
  EXPECT_NE(text.find("dashflow_self_improve_cycles_total 1"), std::string::npos) << text;
  EXPECT_NE(text.find("dashflow_self_improve_traces_analyzed_total 20"), std::string::npos) << text;
  EXPECT_NE(text.find("dashflow_traces_ingested_total 20"), std::string::npos) << text;
  EXPECT_NE(text.find("dashflow_self_improve_plans_by_status{status=\"pending\"}"), std::string::npos) << text;
  EXPECT_NE(text.find("plugin=\"capability-gaps\""), std::string::npos) << text;

  if (!fs::exists("/usr/bin/promtool")) GTEST_SKIP() << "promtool missing: run scripts/install-deps.sh --with-services";
  dashflow::test::write_file(tmp / "metrics.txt", text);
  ProcessResult check = dashflow::test::run_shell("promtool check metrics < metrics.txt", tmp.path());
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_F(Metrics, ARealPrometheusScrapesTheDaemon) {
  if (!fs::exists("/usr/bin/prometheus")) GTEST_SKIP() << "prometheus missing: run scripts/install-deps.sh --with-services";
  const int prom_port = free_port();
  dashflow::test::write_file(tmp / "prometheus.yml",
                             "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: dashflow\n    static_configs:\n"
                             "      - targets: ['127.0.0.1:" + std::to_string(port) + "']\n");
  BackgroundProcess prometheus({"/usr/bin/prometheus", "--config.file=" + (tmp / "prometheus.yml").string(),
                                "--storage.tsdb.path=" + (tmp / "tsdb").string(),
                                "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
                               tmp.path());
  bool scraped = false;
  json last;
  for (int i = 0; i < 240 && !scraped; ++i) {
    const std::string body = fetch(prom_port, "/api/v1/query?query=dashflow_self_improve_traces_analyzed_total");
    if (!body.empty()) {
      last = json::parse(body, nullptr, false);
      if (last.is_object() && last.value("status", "") == "success" && !last["data"]["result"].empty())
        scraped = last["data"]["result"][0]["value"][1] == "20";
    }
    if (!scraped) usleep(250 * 1000);
  }
  EXPECT_TRUE(scraped) << last.dump() << "\n" << prometheus.err();
  prometheus.signal(SIGTERM);
  prometheus.wait(60);
}

// Approvals happen in other processes; the daemon counts them from the audit trail.
TEST_F(Metrics, PlanTransitionsMadeByTheCliAreCounted) {
  ProcessResult plans = run_process({DASHFLOW_EXE, "self-improve", "plans", "--storage", tmp / "store", "--format", "json"},
                                    tmp.path());
  ASSERT_EQ(plans.exit_code, 0) << plans.err;
  const json list = json::parse(plans.out);
  ASSERT_GE(list.size(), 2u);
  ASSERT_EQ(run_process({DASHFLOW_EXE, "self-improve", "approve", list[0]["id"], "--storage", tmp / "store"}, tmp.path())
                .exit_code, 0);
  ASSERT_EQ(run_process({DASHFLOW_EXE, "self-improve", "fail", list[1]["id"], "--reason", "made it worse", "--storage",
                         tmp / "store"}, tmp.path())
                .exit_code, 0);
  // A new trace file wakes a cycle, which reads the audit trail.
  dashflow::test::write_file(tmp / "traces/late.json", dashflow::test::healthy_trace_json(500, 900));
  ASSERT_TRUE(daemon->wait_for_output([](const std::string& o) { return o.find("\"cycle\":2") != std::string::npos; }, 120))
      << daemon->out() << daemon->err();
  const std::string text = fetch(port, "/metrics");
  EXPECT_NE(text.find("dashflow_self_improve_plans_approved_total 1"), std::string::npos) << text;
  EXPECT_NE(text.find("dashflow_self_improve_plans_failed_total 1"), std::string::npos) << text;
}
