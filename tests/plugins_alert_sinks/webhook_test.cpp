// Alert sink "webhook" against a real local HTTP receiver: retries, timeouts,
// circuit breaker, spool (in order, exactly once after recovery, across
// restarts), HMAC signatures, refused alerts and config errors.
#include <gtest/gtest.h>

#include <set>

#include "dashflow/errors.hpp"
#include "dashflow/plugin.hpp"
#include "sink_test_support.hpp"
#include "webhook_sink.hpp"

namespace sinktest {
namespace {

using dashflow::Alert;
using dashflow::PluginContext;
using dashflow::sinks::CircuitBreaker;
using dashflow::sinks::WebhookSink;
using State = CircuitBreaker::State;
using namespace std::chrono_literals;

constexpr const char* kSecretEnv = "DASHFLOW_SINKTEST_WEBHOOK_SECRET";
constexpr const char* kSecret = "s3cr3t-\xC3\xA9-key";

// Fast retries and a short cooldown, so the test runs quickly but never
// depends on tight timing: it waits for states, not for durations.
json fast_config(const std::string& url, const fs::path& spool) {
  return {{"url", url},
          {"timeout_ms", 300},
          {"connect_timeout_ms", 300},
          {"max_retries", 2},
          {"backoff", {{"initial_ms", 5}, {"max_ms", 20}}},
          {"circuit_breaker", {{"failure_threshold", 3}, {"cooldown_ms", 300}}},
          {"spool_dir", spool.string()}};
}

std::unique_ptr<WebhookSink> make_sink(const json& config, TestHost* host = nullptr) {
  return std::make_unique<WebhookSink>(PluginContext(host ? &host->api : nullptr, config.dump()));
}

std::vector<std::string> seqs_of(const std::vector<Receiver::Request>& requests) {
  std::vector<std::string> out;
  for (const auto& r : requests) out.push_back(json::parse(r.body)["labels"]["seq"].get<std::string>());
  return out;
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

TEST(WebhookSink, PostsTheAlertJsonSignedWithHmac) {
  ScopedEnv env(kSecretEnv, kSecret);
  Receiver receiver(kSecret);
  TempDir dir;
  json config = fast_config(receiver.url(), dir / "spool");
  config["secret_env"] = kSecretEnv;
  config["headers"] = {{"Authorization", "Bearer abc"}, {"X-Team", "ml-platform"}};
  auto sink = make_sink(config);
  sink->start();
  const Alert alert = make_alert("planner", 1);
  sink->send(alert);
  const auto got = receiver.accepted();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].path, "/hook");
  EXPECT_EQ(got[0].body, dashflow::sinks::webhook_body(alert));
  EXPECT_EQ(json::parse(got[0].body).get<Alert>(), alert);
  EXPECT_EQ(got[0].headers.at("Content-Type"), "application/json");
  EXPECT_EQ(got[0].headers.at("Authorization"), "Bearer abc");
  EXPECT_EQ(got[0].headers.at("X-Team"), "ml-platform");
  EXPECT_EQ(got[0].delivery_id.size(), 36u);
  // The receiver verified the signature over the exact bytes it got.
  EXPECT_EQ(receiver.bad_signatures(), 0u);
  EXPECT_TRUE(signature_ok(kSecret, got[0].body, got[0].signature));
  EXPECT_FALSE(signature_ok("wrong", got[0].body, got[0].signature));
  EXPECT_EQ(sink->poster().spooled(), 0u);
}

TEST(WebhookSink, AWrongSecretIsRefusedByTheReceiverAndReported) {
  ScopedEnv env(kSecretEnv, "not-the-secret");
  Receiver receiver(kSecret);
  TempDir dir;
  json config = fast_config(receiver.url(), dir / "spool");
  config["secret_env"] = kSecretEnv;
  auto sink = make_sink(config);
  try {
    sink->send(make_alert("n"));
    FAIL() << "a 401 must be reported";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 401"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
  EXPECT_EQ(receiver.bad_signatures(), 1u);
  EXPECT_TRUE(receiver.accepted().empty());
}

TEST(WebhookSink, UnsignedWithoutSecretEnvAndCustomSignatureHeader) {
  Receiver receiver;
  TempDir dir;
  auto sink = make_sink(fast_config(receiver.url(), dir / "spool"));
  sink->send(make_alert("a"));
  ASSERT_EQ(receiver.accepted().size(), 1u);
  EXPECT_EQ(receiver.accepted()[0].signature, "");

  ScopedEnv env(kSecretEnv, kSecret);
  json config = fast_config(receiver.url(), dir / "spool");
  config["secret_env"] = kSecretEnv;
  config["signature_header"] = "X-Hub-Signature-256";
  auto signed_sink = make_sink(config);
  signed_sink->send(make_alert("b"));
  ASSERT_EQ(receiver.accepted().size(), 2u);
  EXPECT_TRUE(signature_ok(kSecret, receiver.accepted()[1].body, receiver.accepted()[1].headers.at("X-Hub-Signature-256")));
  EXPECT_EQ(receiver.accepted()[1].signature, "") << "the default header is not sent";
}

TEST(WebhookSink, FailingThenHangingReceiverThenRecoveryDeliversEveryAlertOnceInOrder) {
  ScopedEnv env(kSecretEnv, kSecret);
  Receiver receiver(kSecret);
  TempDir dir;
  TestHost host;
  json config = fast_config(receiver.url(), dir / "spool");
  config["secret_env"] = kSecretEnv;
  config["circuit_breaker"]["cooldown_ms"] = 1500;  // long enough that step 2 surely sees it open
  auto sink = make_sink(config, &host);
  sink->start();
  auto& poster = sink->poster();

  // 1. The receiver answers 500: the first attempt and two retries fail,
  //    the third failure opens the breaker, the alert is spooled.
  receiver.set_mode(Receiver::Mode::Fail);
  sink->send(make_alert("n", 1));
  EXPECT_EQ(receiver.attempts(), 3u);
  EXPECT_EQ(poster.spooled(), 1u);
  EXPECT_EQ(poster.breaker_state(), State::Open) << poster.breaker_description();
  EXPECT_TRUE(host.logged(DASHFLOW_LOG_WARN, "HTTP 500")) << "the spooling warning names the cause";
  EXPECT_EQ(host.gauge("alert_spool_entries"), 1);
  EXPECT_EQ(host.gauge("alert_circuit_open"), 1);

  // 2. While the breaker is open, send() does not call the receiver at all:
  //    it spools and returns.
  receiver.set_mode(Receiver::Mode::Hang);
  const size_t before = receiver.attempts();
  ASSERT_EQ(poster.breaker_state(), State::Open);
  sink->send(make_alert("n", 2));
  EXPECT_EQ(receiver.attempts(), before) << "an open breaker sends nothing";
  EXPECT_EQ(poster.spooled(), 2u);

  // 3. After the cooldown the breaker lets one probe through; the receiver
  //    hangs, the probe times out, the breaker opens again, nothing is lost.
  ASSERT_TRUE(wait_until([&] { return poster.breaker_state() == State::HalfOpen; }));
  sink->send(make_alert("n", 3));
  EXPECT_EQ(poster.spooled(), 3u);
  EXPECT_EQ(poster.breaker_state(), State::Open) << poster.breaker_description();
  EXPECT_NE(poster.breaker_description().find("timed out"), std::string::npos) << poster.breaker_description();
  EXPECT_TRUE(receiver.accepted().empty());

  // 4. The receiver recovers. After the cooldown, flush() delivers the spool
  //    in order and the breaker closes; a new alert goes straight out.
  receiver.set_mode(Receiver::Mode::Ok);
  ASSERT_TRUE(wait_until([&] { return poster.breaker_state() == State::HalfOpen; }));
  sink->flush();
  EXPECT_EQ(poster.spooled(), 0u);
  EXPECT_EQ(poster.breaker_state(), State::Closed);
  sink->send(make_alert("n", 4));

  const auto got = receiver.accepted();
  EXPECT_EQ(seqs_of(got), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(receiver.bad_signatures(), 0u) << "the receiver checked every signature";
  std::set<std::string> ids;
  for (const auto& r : got) ids.insert(r.delivery_id);
  EXPECT_EQ(ids.size(), 4u) << "each alert has its own delivery id";
  // Retries of one alert reuse its delivery id, so receivers can drop replays.
  std::map<std::string, int> attempts_per_id;
  for (const auto& r : receiver.all()) ++attempts_per_id[r.delivery_id];
  EXPECT_EQ(attempts_per_id[got[0].delivery_id], 5) << "3 failures + 1 timed-out probe + the delivery";
  EXPECT_EQ(host.gauge("alert_spool_entries"), 0);
  EXPECT_EQ(host.gauge("alert_circuit_open"), 0);
}

TEST(WebhookSink, NewAlertsQueueBehindSpooledOnesEvenWithAClosedBreaker) {
  Receiver receiver;
  TempDir dir;
  json config = fast_config(receiver.url(), dir / "spool");
  config["circuit_breaker"]["failure_threshold"] = 100;  // stays closed
  config["max_retries"] = 0;
  auto sink = make_sink(config);
  receiver.set_mode(Receiver::Mode::Fail);
  sink->send(make_alert("n", 1));
  sink->send(make_alert("n", 2));  // tries the spool head first, fails, queues behind it
  EXPECT_EQ(sink->poster().spooled(), 2u);
  EXPECT_EQ(sink->poster().breaker_state(), State::Closed);
  receiver.set_mode(Receiver::Mode::Ok);
  sink->send(make_alert("n", 3));  // drains 1, 2, then sends 3
  EXPECT_EQ(seqs_of(receiver.accepted()), (std::vector<std::string>{"1", "2", "3"}));
}

TEST(WebhookSink, SpoolFromAnEarlierProcessIsDeliveredFirstOnStart) {
  TempDir dir;
  Receiver receiver;
  const std::string down_url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/hook";
  {
    auto sink = make_sink(fast_config(down_url, dir / "spool"));
    sink->start();
    for (int i = 1; i <= 3; ++i) sink->send(make_alert("n", i));  // connection refused: spooled
    EXPECT_EQ(sink->poster().spooled(), 3u);
  }
  EXPECT_EQ(count_files(dir / "spool"), 3u) << "the spool survives the sink";
  {
    TestHost host;
    auto sink = make_sink(fast_config(receiver.url(), dir / "spool"), &host);
    sink->start();
    EXPECT_EQ(seqs_of(receiver.accepted()), (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_TRUE(host.logged(DASHFLOW_LOG_INFO, "delivered 3 alert(s) spooled by an earlier run"));
    sink->send(make_alert("n", 4));
  }
  {
    // Without start(), send() still delivers older alerts first.
    auto down = make_sink(fast_config(down_url, dir / "spool"));
    down->send(make_alert("n", 5));
    auto sink = make_sink(fast_config(receiver.url(), dir / "spool"));
    sink->send(make_alert("n", 6));
  }
  EXPECT_EQ(seqs_of(receiver.accepted()), (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(count_files(dir / "spool"), 0u);
}

TEST(WebhookSink, RefusedAlertIsAnErrorAndKeptInDeadLetters) {
  Receiver receiver;
  TempDir dir;
  auto sink = make_sink(fast_config(receiver.url(), dir / "spool"));
  receiver.set_mode(Receiver::Mode::Reject);
  try {
    sink->send(make_alert("n", 1));
    FAIL() << "a 400 must be reported";
  } catch (const std::exception& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("refused the alert: HTTP 400"), std::string::npos) << m;
    EXPECT_NE(m.find("bad payload"), std::string::npos) << "the receiver's answer is shown: " << m;
    EXPECT_NE(m.find("dead"), std::string::npos) << m;
  }
  EXPECT_EQ(receiver.attempts(), 1u) << "a 4xx is not retried";
  EXPECT_EQ(sink->poster().breaker_state(), State::Closed) << "a refusal says the receiver is up";
  EXPECT_EQ(count_files(dir / "spool/dead"), 1u);
  EXPECT_EQ(sink->poster().spooled(), 0u);

  // A spooled alert that gets refused later moves to dead/ and does not block
  // the ones behind it.
  receiver.set_mode(Receiver::Mode::Fail);
  sink->send(make_alert("n", 2));
  sink->send(make_alert("n", 3));
  ASSERT_EQ(sink->poster().spooled(), 2u);
  receiver.set_mode(Receiver::Mode::Reject);
  ASSERT_TRUE(wait_until([&] { return sink->poster().breaker_state() == State::HalfOpen; }));
  sink->flush();
  EXPECT_EQ(sink->poster().spooled(), 0u);
  EXPECT_EQ(count_files(dir / "spool/dead"), 3u);
}

TEST(WebhookSink, RetriesRecoverWithinOneSend) {
  Receiver receiver;
  TempDir dir;
  json config = fast_config(receiver.url(), dir / "spool");
  config["max_retries"] = 5;
  config["circuit_breaker"]["failure_threshold"] = 10;
  config["backoff"] = {{"initial_ms", 200}, {"max_ms", 400}};
  auto sink = make_sink(config);
  receiver.set_mode(Receiver::Mode::Fail);
  std::thread heal([&] {
    wait_until([&] { return receiver.attempts() >= 2; });
    receiver.set_mode(Receiver::Mode::Ok);
  });
  sink->send(make_alert("n", 1));
  heal.join();
  EXPECT_EQ(receiver.accepted().size(), 1u);
  EXPECT_GE(receiver.attempts(), 3u);
  EXPECT_EQ(sink->poster().spooled(), 0u);
}

TEST(WebhookSink, StopCutsBackoffShort) {
  Receiver receiver;
  TempDir dir;
  json config = fast_config(receiver.url(), dir / "spool");
  config["max_retries"] = 3;
  config["circuit_breaker"]["failure_threshold"] = 10;
  config["backoff"] = {{"initial_ms", 600000}, {"max_ms", 600000}, {"jitter", 0}};  // 10 minutes
  auto sink = make_sink(config);
  receiver.set_mode(Receiver::Mode::Fail);
  std::thread stopper([&] {
    wait_until([&] { return receiver.attempts() >= 1; });
    std::this_thread::sleep_for(50ms);
    sink->stop();
  });
  const auto started = std::chrono::steady_clock::now();
  sink->send(make_alert("n", 1));
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 120s) << "stop() must interrupt the 10-minute backoff";
  EXPECT_EQ(sink->poster().spooled(), 1u);
}

TEST(WebhookSink, ConfigProblemsAreClearErrors) {
  TempDir dir;
  ::unsetenv(kSecretEnv);
  json config = fast_config("http://127.0.0.1:1/hook", dir / "spool");
  config["secret_env"] = kSecretEnv;
  try {
    make_sink(config);
    FAIL() << "a missing secret must fail at creation";
  } catch (const dashflow::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(std::string("'") + kSecretEnv + "', which is not set"), std::string::npos)
        << e.what();
  }
  try {
    make_sink({{"url", "ftp://x"}});
    FAIL();
  } catch (const dashflow::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'url' must be an http:// or https:// URL, got \"ftp://x\""), std::string::npos)
        << e.what();
  }
  try {
    make_sink({{"url", "http://x"}, {"secret_env", "MY SECRET"}});
    FAIL();
  } catch (const dashflow::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'secret_env' must be the name of an environment variable"), std::string::npos)
        << e.what();
  }
  try {
    make_sink({{"url", "http://x"}, {"backoff", {{"initial_ms", 50}, {"max_ms", 10}}}});
    FAIL();
  } catch (const dashflow::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'backoff.initial_ms' (50) must not exceed 'backoff.max_ms' (10)"),
              std::string::npos)
        << e.what();
  }
  try {
    make_sink({{"url", "http://x"}, {"headers", {{"Bad Name", "v"}}}});
    FAIL();
  } catch (const dashflow::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("headers.Bad Name"), std::string::npos) << e.what();
  }
  // Without a url the sink can be created (the default config must load),
  // but every alert fails loudly.
  auto sink = make_sink(json::object());
  sink->start();
  sink->flush();
  try {
    sink->send(make_alert("x"));
    FAIL();
  } catch (const dashflow::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("config key 'url' is not set"), std::string::npos) << e.what();
  }
  sink->stop();
}

TEST(WebhookSink, DefaultSpoolDirDependsOnTheUrl) {
  auto a = make_sink({{"url", "http://a.example/hook"}});
  auto b = make_sink({{"url", "http://b.example/hook"}});
  const auto da = a->poster().options().spool_dir, db = b->poster().options().spool_dir;
  EXPECT_EQ(da.parent_path(), fs::path(".dashflow/alert-spool"));
  EXPECT_NE(da, db);
  EXPECT_EQ(da.filename().string().rfind("webhook-", 0), 0u) << da;
}

}  // namespace
}  // namespace sinktest
