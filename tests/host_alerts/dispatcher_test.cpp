// The host's alert dispatcher: fingerprints, dedup and repeat interval,
// resolved notices, per-sink minimum severity, failing sinks, saved state,
// concurrency, and real sink plugins behind PluginInstance.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "alerts/dispatcher.hpp"
#include "config/config.hpp"
#include "dashflow/json.hpp"
#include "plugin/discovery.hpp"
#include "plugin/registry.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using dashflow::Alert;
using dashflow::AlertSeverity;
using dashflow::AlertSink;
using dashflow::host::AlertDispatcher;
using dashflow::host::DispatcherConfig;
using dashflow::host::DispatchResult;
using nlohmann::json;

constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kStart = 1765795200000;  // 2025-12-15T10:40:00Z

// An in-test sink: records alerts, fails on demand.
class FakeSink : public AlertSink {
 public:
  void send(const Alert& a) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_non_std) throw 42;
    if (fail) throw std::runtime_error("receiver down: connection refused");
    got_.push_back(a);
  }
  void flush() override {
    ++flushes;
    if (fail) throw std::runtime_error("cannot drain spool");
  }
  std::vector<Alert> got() {
    std::lock_guard<std::mutex> lock(mutex_);
    return got_;
  }
  std::atomic<bool> fail{false};
  std::atomic<bool> fail_non_std{false};
  std::atomic<int> flushes{0};

 private:
  std::mutex mutex_;
  std::vector<Alert> got_;
};

Alert alert(const std::string& node, AlertSeverity severity = AlertSeverity::Warning, double value = 7.3) {
  Alert a;
  a.kind = "high_error_rate";
  a.severity = severity;
  a.title = "High error rate: " + std::to_string(value) + "%";  // numbers in titles must not matter
  a.message = "Error rate of " + std::to_string(value) + "% over 40 executions";
  a.labels = {{"node", node}, {"graph", "checkout"}};
  a.starts_at = "2025-12-15T10:30:00Z";
  return a;
}

Alert resolved(Alert a) {
  a.resolved = true;
  a.ends_at = "2025-12-15T11:00:00Z";
  return a;
}

struct Fixture {
  int64_t now = kStart;
  DispatcherConfig config;
  std::unique_ptr<AlertDispatcher> dispatcher;
  std::shared_ptr<FakeSink> a = std::make_shared<FakeSink>(), b = std::make_shared<FakeSink>();

  explicit Fixture(int64_t repeat_ms = kHour) {
    config.repeat_interval_ms = repeat_ms;
    dispatcher = std::make_unique<AlertDispatcher>(config, [this] { return now; });
  }
};

// ------------------------------------------------------------------ fingerprint

TEST(AlertFingerprint, DependsOnKindNodeAndGraphOnly) {
  using dashflow::host::alert_fingerprint;
  EXPECT_EQ(alert_fingerprint(alert("fetch", AlertSeverity::Warning, 7.3)),
            alert_fingerprint(alert("fetch", AlertSeverity::Critical, 42.1)));
  EXPECT_NE(alert_fingerprint(alert("fetch")), alert_fingerprint(alert("parse")));
  Alert other_graph = alert("fetch");
  other_graph.labels["graph"] = "billing";
  EXPECT_NE(alert_fingerprint(alert("fetch")), alert_fingerprint(other_graph));
  Alert other_kind = alert("fetch");
  other_kind.kind = "slow_node";
  EXPECT_NE(alert_fingerprint(alert("fetch")), alert_fingerprint(other_kind));
  // No ambiguity from separators inside values.
  Alert x, y;
  x.kind = "a,b";
  x.labels = {{"node", "c"}};
  y.kind = "a";
  y.labels = {{"node", "b,c"}};
  EXPECT_NE(alert_fingerprint(x), alert_fingerprint(y));
  EXPECT_EQ(alert_fingerprint(x).size(), 16u);
}

TEST(AlertDispatcher, FillsTheFingerprintAndKeepsOneTheCallerSet) {
  Fixture f;
  f.dispatcher->add_sink("a", f.a, AlertSeverity::Info);
  f.dispatcher->dispatch(alert("fetch"));
  Alert custom = alert("parse");
  custom.fingerprint = "caller-key";
  f.dispatcher->dispatch(custom);
  ASSERT_EQ(f.a->got().size(), 2u);
  EXPECT_EQ(f.a->got()[0].fingerprint, dashflow::host::alert_fingerprint(alert("fetch")));
  EXPECT_EQ(f.a->got()[1].fingerprint, "caller-key");
}

// ------------------------------------------------------------------ dedup

TEST(AlertDispatcher, SameFindingIsNotResentWithinTheRepeatInterval) {
  Fixture f;
  f.dispatcher->add_sink("a", f.a, AlertSeverity::Info);
  DispatchResult r = f.dispatcher->dispatch(alert("fetch", AlertSeverity::Warning, 7.3));
  EXPECT_EQ(r.delivered, 1u);
  f.now += kHour / 2;
  r = f.dispatcher->dispatch(alert("fetch", AlertSeverity::Warning, 8.9));  // value changed, same finding
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(r.suppressed, 1u);
  r = f.dispatcher->dispatch(alert("parse"));  // another node is another finding
  EXPECT_EQ(r.delivered, 1u);
  f.now += kHour / 2;  // exactly one repeat interval after the first delivery
  r = f.dispatcher->dispatch(alert("fetch"));
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(f.a->got().size(), 3u);
}

TEST(AlertDispatcher, ZeroRepeatIntervalSendsEveryTime) {
  Fixture f(0);
  f.dispatcher->add_sink("a", f.a, AlertSeverity::Info);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.dispatcher->dispatch(alert("fetch")).delivered, 1u);
}

TEST(AlertDispatcher, ResolvedNoticesAndRefiring) {
  Fixture f;
  f.dispatcher->add_sink("a", f.a, AlertSeverity::Info);
  // A resolved notice for something never reported is noise.
  EXPECT_EQ(f.dispatcher->dispatch(resolved(alert("fetch"))).suppressed, 1u);
  EXPECT_EQ(f.dispatcher->dispatch(alert("fetch")).delivered, 1u);
  f.now += 60000;
  EXPECT_EQ(f.dispatcher->dispatch(resolved(alert("fetch"))).delivered, 1u);
  EXPECT_EQ(f.dispatcher->dispatch(resolved(alert("fetch"))).suppressed, 1u) << "resolved once is enough";
  f.now += 60000;
  // It resolved in between, so firing again is news, inside the interval.
  EXPECT_EQ(f.dispatcher->dispatch(alert("fetch")).delivered, 1u);
  const auto got = f.a->got();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_FALSE(got[0].resolved);
  EXPECT_TRUE(got[1].resolved);
  EXPECT_FALSE(got[2].resolved);
}

TEST(AlertDispatcher, RisingSeverityIsSentAtOnce) {
  Fixture f;
  f.dispatcher->add_sink("a", f.a, AlertSeverity::Info);
  EXPECT_EQ(f.dispatcher->dispatch(alert("fetch", AlertSeverity::Error)).delivered, 1u);
  EXPECT_EQ(f.dispatcher->dispatch(alert("fetch", AlertSeverity::Critical)).delivered, 1u);
  EXPECT_EQ(f.dispatcher->dispatch(alert("fetch", AlertSeverity::Error)).suppressed, 1u);
  EXPECT_EQ(f.dispatcher->dispatch(alert("fetch", AlertSeverity::Critical)).suppressed, 1u);
}

TEST(AlertDispatcher, PerSinkMinimumSeverity) {
  Fixture f;
  f.dispatcher->add_sink("pager", f.a, AlertSeverity::Error);
  f.dispatcher->add_sink("log", f.b, AlertSeverity::Info);
  DispatchResult r = f.dispatcher->dispatch(alert("fetch", AlertSeverity::Warning));
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.filtered, 1u);
  EXPECT_TRUE(f.a->got().empty());
  // It gets worse: the pager hears of it now, the log too (severity rose).
  r = f.dispatcher->dispatch(alert("fetch", AlertSeverity::Error));
  EXPECT_EQ(r.delivered, 2u);
  // The resolved notice goes to both, though its severity is below the pager's minimum.
  Alert done = resolved(alert("fetch", AlertSeverity::Info));
  r = f.dispatcher->dispatch(done);
  EXPECT_EQ(r.delivered, 2u);
  EXPECT_EQ(f.a->got().size(), 2u);
  EXPECT_EQ(f.b->got().size(), 3u);
  // A warning that never reached the pager resolves without paging.
  f.dispatcher->dispatch(alert("parse", AlertSeverity::Warning));
  r = f.dispatcher->dispatch(resolved(alert("parse")));
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.suppressed, 1u);
  EXPECT_EQ(f.a->got().size(), 2u);
}

TEST(AlertDispatcher, MinimumSeverityFromTheConfigSection) {
  const DispatcherConfig c = dashflow::host::dispatcher_config_from_json(
      json{{"repeat_interval_ms", 1000}, {"min_severity", "warning"}, {"sink_min_severity", {{"pager", "critical"}}}});
  EXPECT_EQ(c.repeat_interval_ms, 1000);
  EXPECT_EQ(c.min_severity, AlertSeverity::Warning);
  EXPECT_EQ(c.sink_min_severity.at("pager"), AlertSeverity::Critical);
  const DispatcherConfig d = dashflow::host::dispatcher_config_from_json(nullptr);
  EXPECT_EQ(d.repeat_interval_ms, 4 * kHour);
  EXPECT_EQ(d.min_severity, AlertSeverity::Info);
  try {
    dashflow::host::dispatcher_config_from_json(json{{"repeat_intervl_ms", 5}, {"min_severity", "loud"}});
    FAIL();
  } catch (const dashflow::host::ConfigFileError& e) {
    ASSERT_EQ(e.issues.size(), 2u);
    std::string all = e.issues[0] + "\n" + e.issues[1];
    EXPECT_NE(all.find("alerts: unknown key 'repeat_intervl_ms' (did you mean 'repeat_interval_ms'?)"), std::string::npos) << all;
    EXPECT_NE(all.find("alerts.min_severity: value \"loud\" is not one of"), std::string::npos) << all;
  }
  // The schema documents every key with a default.
  for (auto& [key, prop] : dashflow::host::dispatcher_config_schema()["properties"].items()) {
    EXPECT_TRUE(prop.contains("default")) << key;
    EXPECT_TRUE(prop.contains("description")) << key;
  }
}

// ------------------------------------------------------------------ failures

TEST(AlertDispatcher, AFailingSinkNeverStopsTheOthersAndIsRetriedNextTime) {
  Fixture f;
  auto broken = std::make_shared<FakeSink>();
  broken->fail = true;
  auto weird = std::make_shared<FakeSink>();
  weird->fail_non_std = true;
  f.dispatcher->add_sink("broken", broken, AlertSeverity::Info);
  f.dispatcher->add_sink("weird", weird, AlertSeverity::Info);
  f.dispatcher->add_sink("ok", f.a, AlertSeverity::Info);
  DispatchResult r = f.dispatcher->dispatch(alert("fetch"));
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.failed, 2u);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].sink, "broken");
  EXPECT_EQ(r.errors[0].message, "receiver down: connection refused");
  EXPECT_EQ(r.errors[0].fingerprint, dashflow::host::alert_fingerprint(alert("fetch")));
  EXPECT_EQ(r.errors[1].sink, "weird");
  EXPECT_NE(r.errors[1].message.find("unknown exception"), std::string::npos);
  EXPECT_EQ(f.a->got().size(), 1u);

  // Next cycle: the failed sinks get it (not marked), the good one does not again.
  broken->fail = false;
  r = f.dispatcher->dispatch(alert("fetch"));
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.suppressed, 1u);
  EXPECT_EQ(broken->got().size(), 1u);
  EXPECT_EQ(f.a->got().size(), 1u);

  // flush reaches every sink, errors are per sink.
  broken->fail = true;
  const auto errors = f.dispatcher->flush();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].sink, "broken");
  EXPECT_EQ(f.a->flushes, 1);
  EXPECT_EQ(weird->flushes, 1);
}

TEST(AlertDispatcher, DispatchAllCountsRealDeliveries) {
  Fixture f;
  auto broken = std::make_shared<FakeSink>();
  broken->fail = true;
  f.dispatcher->add_sink("ok", f.a, AlertSeverity::Info);
  f.dispatcher->add_sink("broken", broken, AlertSeverity::Info);
  const DispatchResult r =
      f.dispatcher->dispatch_all({alert("a"), alert("b"), alert("a"), alert("c", AlertSeverity::Info)});
  EXPECT_EQ(r.delivered, 3u);  // a, b, c to "ok"; the second "a" is a duplicate
  EXPECT_EQ(r.suppressed, 1u);
  EXPECT_EQ(r.failed, 4u);     // "broken" is retried for the duplicate, it never got it
  EXPECT_EQ(r.errors.size(), 4u);
}

TEST(AlertDispatcher, SinkNamesMustBeUnique) {
  Fixture f;
  f.dispatcher->add_sink("a", f.a, AlertSeverity::Info);
  EXPECT_THROW(f.dispatcher->add_sink("a", f.b, AlertSeverity::Info), std::invalid_argument);
  EXPECT_THROW(f.dispatcher->add_sink("", f.b, AlertSeverity::Info), std::invalid_argument);
  EXPECT_EQ(f.dispatcher->sink_names(), std::vector<std::string>{"a"});
}

TEST(AlertDispatcher, ConcurrentDispatchesOfOneFindingDeliverOnce) {
  Fixture f;
  f.dispatcher->add_sink("a", f.a, AlertSeverity::Info);
  std::vector<std::thread> threads;
  std::atomic<size_t> delivered{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 20; ++k) delivered += f.dispatcher->dispatch(alert("fetch")).delivered;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(delivered.load(), 1u);
  EXPECT_EQ(f.a->got().size(), 1u);
}

// ------------------------------------------------------------------ state

TEST(AlertDispatcher, StateRoundTripsSoARestartDoesNotReAlert) {
  Fixture f;
  f.dispatcher->add_sink("a", f.a, AlertSeverity::Info);
  f.dispatcher->add_sink("b", f.b, AlertSeverity::Error);
  f.dispatcher->dispatch(alert("fetch", AlertSeverity::Error));
  f.dispatcher->dispatch(alert("parse", AlertSeverity::Warning));
  const json saved = json::parse(f.dispatcher->to_json().dump());  // through text, like a file
  EXPECT_EQ(saved["_schema_version"], 1);
  const std::string fp = dashflow::host::alert_fingerprint(alert("fetch"));
  const json& entry = saved["alerts"][fp];
  EXPECT_EQ(entry["kind"], "high_error_rate");
  EXPECT_EQ(entry["node"], "fetch");
  EXPECT_EQ(entry["graph"], "checkout");
  EXPECT_EQ(entry["sinks"]["a"]["last_sent_ms"], kStart);
  EXPECT_EQ(entry["sinks"]["a"]["last_sent_at"], "2025-12-15T10:40:00Z");
  EXPECT_EQ(entry["sinks"]["a"]["severity"], "error");
  EXPECT_EQ(entry["sinks"]["a"]["resolved"], false);
  EXPECT_FALSE(saved["alerts"][dashflow::host::alert_fingerprint(alert("parse"))]["sinks"].contains("b"));

  // "Restart": a new dispatcher with the saved state.
  Fixture g;
  g.now = kStart + 10 * 60000;
  g.dispatcher->add_sink("a", g.a, AlertSeverity::Info);
  g.dispatcher->add_sink("b", g.b, AlertSeverity::Error);
  g.dispatcher->from_json(saved);
  EXPECT_EQ(g.dispatcher->to_json(), saved);
  DispatchResult r = g.dispatcher->dispatch(alert("fetch", AlertSeverity::Error));
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(r.suppressed, 2u);
  r = g.dispatcher->dispatch(resolved(alert("fetch")));
  EXPECT_EQ(r.delivered, 2u) << "the restarted daemon still sends the resolved notice";
}

TEST(AlertDispatcher, BadStateIsRefusedWithThePath) {
  Fixture f;
  auto error_of = [&](const json& state) -> std::string {
    try {
      f.dispatcher->from_json(state);
    } catch (const dashflow::JsonError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of(json::array()).find("expected an object"), std::string::npos);
  EXPECT_NE(error_of({{"_schema_version", 9}, {"alerts", json::object()}}).find("version 9 is not supported"),
            std::string::npos);
  const json bad = {{"_schema_version", 1},
                    {"alerts",
                     {{"abc",
                       {{"kind", "k"},
                        {"node", "n"},
                        {"graph", ""},
                        {"sinks", {{"webhook", {{"last_sent_ms", "soon"}, {"resolved", false}, {"severity", "info"}}}}}}}}}};
  EXPECT_NE(error_of(bad).find("alerts.abc.sinks.webhook.last_sent_ms: expected integer"), std::string::npos)
      << error_of(bad);
  json bad_severity = bad;
  bad_severity["alerts"]["abc"]["sinks"]["webhook"]["last_sent_ms"] = 5;
  bad_severity["alerts"]["abc"]["sinks"]["webhook"]["severity"] = "loud";
  EXPECT_NE(error_of(bad_severity).find("sinks.webhook.severity"), std::string::npos) << error_of(bad_severity);
  EXPECT_EQ(f.dispatcher->tracked(), 0u) << "a refused state leaves the old one";
}

TEST(AlertDispatcher, ForgetsOldMarksButRemembersFiringAlertsForTheirResolution) {
  Fixture f;
  f.config.state_retention_ms = 24 * kHour;
  f.dispatcher = std::make_unique<AlertDispatcher>(f.config, [&f] { return f.now; });
  f.dispatcher->add_sink("a", f.a, AlertSeverity::Info);
  f.dispatcher->dispatch(alert("firing"));
  f.dispatcher->dispatch(alert("done"));
  f.dispatcher->dispatch(resolved(alert("done")));
  EXPECT_EQ(f.dispatcher->tracked(), 2u);
  f.now += 2 * kHour;  // past the repeat interval: the resolved mark goes
  f.dispatcher->dispatch(alert("other"));
  EXPECT_EQ(f.dispatcher->tracked(), 2u);
  f.now += 20 * kHour;  // still firing: its mark is kept for the resolved notice
  EXPECT_EQ(f.dispatcher->dispatch(resolved(alert("firing"))).delivered, 1u);
  f.now += 30 * kHour;  // beyond the retention everything goes
  f.dispatcher->dispatch(alert("new"));
  EXPECT_EQ(f.dispatcher->tracked(), 1u);
}

TEST(AlertDispatcher, AClockThatGoesBackwardsSuppressesForOneIntervalAtMost) {
  Fixture f;
  f.dispatcher->add_sink("a", f.a, AlertSeverity::Info);
  f.dispatcher->dispatch(alert("fetch"));
  f.now -= 10 * kHour;
  EXPECT_EQ(f.dispatcher->dispatch(alert("fetch")).suppressed, 1u);
  f.now += kHour;
  EXPECT_EQ(f.dispatcher->dispatch(alert("fetch")).delivered, 1u);
}

// ------------------------------------------------------------------ real plugins

TEST(AlertDispatcher, DrivesRealSinkPluginsThroughPluginInstance) {
  const std::string file_so = std::string(DASHFLOW_PLUGIN_DIR) + "/dashflow-alert-file.so";
  const std::string webhook_so = std::string(DASHFLOW_PLUGIN_DIR) + "/dashflow-alert-webhook.so";
  if (!fs::exists(file_so) || !fs::exists(webhook_so)) GTEST_SKIP() << "sink plugins not built";
  const dashflow::test::TempDir dir;

  dashflow::host::DiscoveryResult d;
  d.candidates.push_back(dashflow::host::inspect_plugin_file(file_so));
  d.candidates.push_back(dashflow::host::inspect_plugin_file(webhook_so));
  dashflow::host::PluginRegistry registry(d);
  DispatcherConfig config;
  config.sink_min_severity["file"] = AlertSeverity::Warning;
  AlertDispatcher dispatcher(config);
  dispatcher.add_sink("file", registry.create_as<AlertSink>("file", {{"path", (dir / "alerts.jsonl").string()}}));
  // A webhook without url: every send fails, and must not affect the file sink.
  dispatcher.add_sink("webhook", registry.create_as<AlertSink>("webhook", json::object()), AlertSeverity::Info);

  DispatchResult r = dispatcher.dispatch(alert("fetch"));
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.failed, 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].sink, "webhook");
  EXPECT_NE(r.errors[0].message.find("plugin 'webhook' failed in send"), std::string::npos) << r.errors[0].message;
  EXPECT_NE(r.errors[0].message.find("config key 'url' is not set"), std::string::npos) << r.errors[0].message;
  r = dispatcher.dispatch(alert("parse", AlertSeverity::Info));
  EXPECT_EQ(r.filtered, 1u) << "the file sink's minimum comes from sink_min_severity";
  EXPECT_TRUE(dispatcher.flush().empty());

  std::ifstream in(dir / "alerts.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const Alert written = json::parse(line).get<Alert>();
  EXPECT_EQ(written.labels.at("node"), "fetch");
  EXPECT_EQ(written.fingerprint, dashflow::host::alert_fingerprint(alert("fetch")));
  EXPECT_FALSE(std::getline(in, line));
}

}  // namespace
