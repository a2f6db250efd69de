// Alert sink "alertmanager": the request body, and delivery to a real
// Prometheus Alertmanager (/usr/bin/prometheus-alertmanager) started on
// 127.0.0.1 for the test, including spooling while it is not up yet and a
// resolved notice.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alertmanager_sink.hpp"
#include "dashflow/errors.hpp"
#include "dashflow/plugin.hpp"
#include "dashflow/time.hpp"
#include "sink_test_support.hpp"

namespace sinktest {
namespace {

using dashflow::Alert;
using dashflow::AlertSeverity;
using dashflow::PluginContext;
using dashflow::sinks::AlertmanagerPayloadOptions;
using dashflow::sinks::AlertmanagerSink;
using dashflow::sinks::alertmanager_body;
using namespace std::chrono_literals;

constexpr int64_t kNow = 1765795200000;  // 2025-12-15T10:40:00Z

// ------------------------------------------------------------------ payload

TEST(AlertmanagerPayload, MapsKindSeverityLabelsAndAnnotations) {
  Alert a = make_alert("planner", 1, AlertSeverity::Critical);
  a.labels["graph.name"] = "g";  // not a valid label name as is
  a.labels["empty"] = "";
  AlertmanagerPayloadOptions o;
  o.extra_labels = {{"env", "prod"}, {"node", "overridden-by-the-alert"}};
  o.generator_url = "https://dashflow.example/alerts";
  const json body = json::parse(alertmanager_body(a, o, kNow));
  ASSERT_TRUE(body.is_array());
  ASSERT_EQ(body.size(), 1u);
  const json& am = body[0];
  EXPECT_EQ(am["labels"], (json{{"alertname", "slow_node"},
                                {"severity", "critical"},
                                {"node", "planner"},
                                {"graph", "checkout"},
                                {"graph_name", "g"},
                                {"seq", "1"},
                                {"env", "prod"}}));
  EXPECT_EQ(am["annotations"]["summary"], a.title);
  EXPECT_EQ(am["annotations"]["description"], a.message);
  EXPECT_EQ(am["annotations"]["runbook"], "https://example.com/runbook");
  EXPECT_EQ(am["startsAt"], "2025-12-15T10:30:00Z");
  EXPECT_FALSE(am.contains("endsAt")) << "a firing alert leaves endsAt to Alertmanager";
  EXPECT_EQ(am["generatorURL"], "https://dashflow.example/alerts");
}

TEST(AlertmanagerPayload, ResolvedAlertsCarryEndsAt) {
  Alert a = make_alert("planner");
  a.resolved = true;
  json am = json::parse(alertmanager_body(a, {}, kNow))[0];
  EXPECT_EQ(am["endsAt"], dashflow::format_rfc3339_ms(kNow)) << "no ends_at: resolved now";
  a.ends_at = "2025-12-15T10:35:00+00:00";
  am = json::parse(alertmanager_body(a, {}, kNow))[0];
  EXPECT_EQ(am["endsAt"], "2025-12-15T10:35:00Z");
  EXPECT_FALSE(am.contains("generatorURL"));
  a.starts_at = "garbage";
  EXPECT_EQ(json::parse(alertmanager_body(a, {}, kNow))[0]["startsAt"], dashflow::format_rfc3339_ms(kNow));
}

TEST(AlertmanagerPayload, LabelNamesAreMadeValid) {
  EXPECT_EQ(dashflow::sinks::label_name("node"), "node");
  EXPECT_EQ(dashflow::sinks::label_name("graph.name"), "graph_name");
  EXPECT_EQ(dashflow::sinks::label_name("9lives"), "_9lives");
  EXPECT_EQ(dashflow::sinks::label_name(""), "_");
  EXPECT_EQ(dashflow::sinks::label_name("n\xC3\xBC"), "n__");
}

TEST(AlertmanagerSink, PostsToApiV2AlertsUnderTheBaseUrl) {
  Receiver receiver;
  TempDir dir;
  AlertmanagerSink sink(PluginContext(nullptr, json{{"url", receiver.url("/am/")},
                                                    {"spool_dir", (dir / "spool").string()},
                                                    {"labels", {{"env", "test"}}}}
                                                   .dump()));
  sink.send(make_alert("x"));
  ASSERT_EQ(receiver.accepted().size(), 1u);
  EXPECT_EQ(receiver.accepted()[0].path, "/am/api/v2/alerts");
  EXPECT_EQ(json::parse(receiver.accepted()[0].body)[0]["labels"]["env"], "test");
}

// ------------------------------------------------------------------ real Alertmanager

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

class AlertmanagerProcess {
 public:
  AlertmanagerProcess(const fs::path& work, int port) : port_(port) {
    fs::create_directories(work / "data");
    std::ofstream(work / "alertmanager.yml") << "route:\n  receiver: 'null'\n  group_wait: 1s\n"
                                                 "receivers:\n  - name: 'null'\n";
    log_ = work / "alertmanager.log";
    const std::vector<std::string> args = {kAlertmanager,
                                           "--config.file=" + (work / "alertmanager.yml").string(),
                                           "--storage.path=" + (work / "data").string(),
                                           "--web.listen-address=127.0.0.1:" + std::to_string(port),
                                           "--cluster.listen-address=",
                                           "--log.level=warn"};
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(kAlertmanager, argv.data());
      ::_exit(127);
    }
  }
  ~AlertmanagerProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(50ms);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  bool exited() {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    return pid_ <= 0;
  }
  bool wait_ready() {
    return wait_until(
        [&] {
          if (exited()) return true;
          httplib::Client c("127.0.0.1", port_);
          c.set_connection_timeout(1);
          auto r = c.Get("/-/ready");
          return r && r->status == 200;
        },
        60s) &&
           !exited();
  }
  json alerts() {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Get("/api/v2/alerts");
    if (!r || r->status != 200) return json::array();
    return json::parse(r->body);
  }
  std::string log() const { return read_text(log_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  pid_t pid_ = -1;
  fs::path log_;
};

json find_alert(const json& alerts, const std::string& node) {
  for (const auto& a : alerts)
    if (a["labels"].value("node", "") == node) return a;
  return nullptr;
}

TEST(AlertmanagerSink, DeliversToARealAlertmanagerIncludingSpooledAndResolvedAlerts) {
  if (::access(kAlertmanager, X_OK) != 0)
    GTEST_SKIP() << kAlertmanager << " is not installed; run scripts/install-deps.sh --with-services";
  bypass_proxies_for_localhost();
  TempDir dir;
  const int port = closed_port();
  TestHost host;
  AlertmanagerSink sink(PluginContext(&host.api, json{{"url", "http://127.0.0.1:" + std::to_string(port)},
                                                      {"spool_dir", (dir / "spool").string()},
                                                      {"timeout_ms", 5000},
                                                      {"max_retries", 1},
                                                      {"backoff", {{"initial_ms", 10}, {"max_ms", 50}}},
                                                      {"circuit_breaker", {{"cooldown_ms", 200}}},
                                                      {"labels", {{"env", "test"}}},
                                                      {"generator_url", "https://dashflow.example/alerts"}}
                                                     .dump()));
  // Alertmanager is not running yet: both alerts wait in the spool.
  Alert slow = make_alert("planner", 1, AlertSeverity::Error);
  Alert retry = make_alert("fetch", 2, AlertSeverity::Warning);
  retry.kind = "repeated_retry";
  sink.send(slow);
  sink.send(retry);
  ASSERT_EQ(sink.poster().spooled(), 2u);

  AlertmanagerProcess am(dir / "am", port);
  ASSERT_TRUE(am.wait_ready()) << "Alertmanager did not become ready:\n" << am.log();

  // Once it is up, flush() delivers the spool.
  ASSERT_TRUE(wait_until([&] {
    sink.flush();
    return sink.poster().spooled() == 0;
  })) << sink.poster().breaker_description();
  json got;
  ASSERT_TRUE(wait_until([&] {
    got = am.alerts();
    return !find_alert(got, "planner").is_null() && !find_alert(got, "fetch").is_null();
  })) << got.dump(2);
  const json planner = find_alert(got, "planner");
  EXPECT_EQ(planner["labels"]["alertname"], "slow_node");
  EXPECT_EQ(planner["labels"]["severity"], "error");
  EXPECT_EQ(planner["labels"]["graph"], "checkout");
  EXPECT_EQ(planner["labels"]["env"], "test");
  EXPECT_EQ(planner["annotations"]["summary"], slow.title);
  EXPECT_EQ(planner["annotations"]["description"], slow.message);
  EXPECT_EQ(planner["generatorURL"], "https://dashflow.example/alerts");
  EXPECT_EQ(dashflow::parse_rfc3339_ms(planner["startsAt"].get<std::string>()),
            dashflow::parse_rfc3339_ms(slow.starts_at));
  EXPECT_EQ(find_alert(got, "fetch")["labels"]["alertname"], "repeated_retry");

  // A new alert goes straight out; a resolved notice ends the planner alert.
  sink.send(make_alert("writer", 3, AlertSeverity::Info));
  Alert resolved = slow;
  resolved.resolved = true;
  resolved.ends_at = dashflow::now_rfc3339();
  sink.send(resolved);
  ASSERT_TRUE(wait_until([&] {
    got = am.alerts();
    return !find_alert(got, "writer").is_null() && find_alert(got, "planner").is_null();
  })) << "the resolved alert must leave Alertmanager's active alerts:\n"
      << got.dump(2);
  EXPECT_EQ(find_alert(got, "writer")["labels"]["severity"], "info");
  EXPECT_FALSE(find_alert(got, "fetch").is_null()) << "other alerts stay active";
  EXPECT_EQ(sink.poster().spooled(), 0u);
}

}  // namespace
}  // namespace sinktest
