// The shared pieces of the alert sinks: HMAC, backoff, circuit breaker,
// spool and the schema-driven config reader.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "dashflow/errors.hpp"
#include "dashflow_sinks/backoff.hpp"
#include "dashflow_sinks/circuit_breaker.hpp"
#include "dashflow_sinks/config_view.hpp"
#include "dashflow_sinks/hmac.hpp"
#include "dashflow_sinks/spool.hpp"
#include "sink_test_support.hpp"

namespace sinktest {
namespace {

using namespace dashflow::sinks;
using namespace std::chrono_literals;

// ------------------------------------------------------------------ HMAC

TEST(Hmac, MatchesRfc4231TestVectors) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 1: key = 20 x 0x0b, "Hi There".
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(signature_value("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Empty key and message are legal HMAC inputs.
  EXPECT_EQ(hmac_sha256_hex("", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// ------------------------------------------------------------------ backoff

TEST(Backoff, GrowsExponentiallyWithinJitterAndCap) {
  RetryPolicy p;
  p.initial_ms = 100;
  p.max_ms = 1000;
  p.multiplier = 2.0;
  p.jitter = 0.25;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200; ++i) {
    const int64_t d0 = backoff_delay_ms(p, 0, rng), d1 = backoff_delay_ms(p, 1, rng), d2 = backoff_delay_ms(p, 2, rng);
    EXPECT_GE(d0, 75);
    EXPECT_LE(d0, 125);
    EXPECT_GE(d1, 150);
    EXPECT_LE(d1, 250);
    EXPECT_GE(d2, 300);
    EXPECT_LE(d2, 500);
    EXPECT_LE(backoff_delay_ms(p, 10, rng), 1000);  // capped
    EXPECT_GE(backoff_delay_ms(p, 10, rng), 750);
    EXPECT_LE(backoff_delay_ms(p, 100000, rng), 1000);  // huge exponents stay finite
  }
}

TEST(Backoff, JitterSpreadsDelaysAndZeroJitterIsExact) {
  RetryPolicy p;
  p.initial_ms = 1000;
  p.max_ms = 100000;
  std::mt19937_64 rng(7);
  std::set<int64_t> seen;
  for (int i = 0; i < 50; ++i) seen.insert(backoff_delay_ms(p, 0, rng));
  EXPECT_GT(seen.size(), 10u) << "jitter must spread retries";
  p.jitter = 0;
  EXPECT_EQ(backoff_delay_ms(p, 3, rng), 8000);
  p.jitter = 7;  // clamped to 1: never negative
  for (int i = 0; i < 50; ++i) EXPECT_GE(backoff_delay_ms(p, 0, rng), 0);
}

// ------------------------------------------------------------------ breaker

struct FakeClock {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  CircuitBreaker::Clock fn() {
    return [this] { return now; };
  }
};

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresAndHalfOpensAfterCooldown) {
  FakeClock clock;
  CircuitBreaker b({3, 1000, 1}, clock.fn());
  EXPECT_EQ(b.state(), CircuitBreaker::State::Closed);
  ASSERT_TRUE(b.allow());
  b.record_failure("HTTP 500");
  b.record_failure("HTTP 500");
  b.record_success();  // resets the consecutive count
  b.record_failure("HTTP 500");
  b.record_failure("HTTP 500");
  EXPECT_EQ(b.state(), CircuitBreaker::State::Closed);
  b.record_failure("timed out after 300 ms");
  EXPECT_EQ(b.state(), CircuitBreaker::State::Open);
  EXPECT_FALSE(b.allow());
  EXPECT_NE(b.describe().find("open after 3 consecutive failures"), std::string::npos) << b.describe();
  EXPECT_NE(b.describe().find("timed out"), std::string::npos) << b.describe();
  EXPECT_EQ(b.remaining_cooldown_ms(), 1000);

  clock.now += 999ms;
  EXPECT_FALSE(b.allow());
  clock.now += 1ms;
  EXPECT_EQ(b.state(), CircuitBreaker::State::HalfOpen);
  ASSERT_TRUE(b.allow());   // the one probe
  EXPECT_FALSE(b.allow());  // no second concurrent probe
  b.record_failure("HTTP 502");  // failed probe: open again, timer restarted
  EXPECT_EQ(b.state(), CircuitBreaker::State::Open);
  EXPECT_EQ(b.remaining_cooldown_ms(), 1000);

  clock.now += 1500ms;
  ASSERT_TRUE(b.allow());
  b.record_success();
  EXPECT_EQ(b.state(), CircuitBreaker::State::Closed);
  EXPECT_EQ(b.consecutive_failures(), 0);
  EXPECT_TRUE(b.allow());
}

TEST(CircuitBreaker, NeedsSuccessThresholdProbesToClose) {
  FakeClock clock;
  CircuitBreaker b({1, 100, 2}, clock.fn());
  b.record_failure("x");
  clock.now += 100ms;
  ASSERT_TRUE(b.allow());
  b.record_success();
  EXPECT_EQ(b.state(), CircuitBreaker::State::HalfOpen);
  ASSERT_TRUE(b.allow());
  b.record_success();
  EXPECT_EQ(b.state(), CircuitBreaker::State::Closed);
}

// ------------------------------------------------------------------ spool

TEST(Spool, KeepsEntriesInOrderAcrossInstances) {
  TempDir dir;
  {
    Spool s(dir / "spool", "test sink", 100);
    EXPECT_TRUE(s.list().empty());  // missing directory = empty
    for (int i = 1; i <= 12; ++i) s.append("id-" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}", "t");
  }
  Spool again(dir / "spool", "test sink", 100);
  const auto files = again.list();
  ASSERT_EQ(files.size(), 12u);
  for (size_t i = 0; i < files.size(); ++i) {
    const SpoolEntry e = again.read(files[i]);
    EXPECT_EQ(e.sequence, i + 1);
    EXPECT_EQ(e.delivery_id, "id-" + std::to_string(i + 1));
    EXPECT_EQ(e.body, "{\"n\":" + std::to_string(i + 1) + "}");
  }
  // Removing the head keeps the rest in order; new entries go after the tail.
  again.remove(files[0]);
  const SpoolEntry e = again.append("id-13", "{}", "t");
  EXPECT_EQ(e.sequence, 13u);
  EXPECT_EQ(again.list().back(), e.file);
  EXPECT_EQ(again.list().size(), 12u);
}

TEST(Spool, RefusesEntriesBeyondTheLimitWithAClearError) {
  TempDir dir;
  Spool s(dir / "spool", "webhook sink", 2);
  s.append("a", "{}", "t");
  s.append("b", "{}", "t");
  try {
    s.append("c", "{}", "t");
    FAIL() << "expected SpoolFullError";
  } catch (const SpoolFullError& e) {
    EXPECT_NE(std::string(e.what()).find("spool_max_entries = 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not queued"), std::string::npos) << e.what();
  }
}

TEST(Spool, DeadLettersKeepTheBodyAndTheReason) {
  TempDir dir;
  Spool s(dir / "spool", "webhook sink", 10);
  const SpoolEntry e = s.append("abc", "{\"x\":1}", "2025-01-01T00:00:00Z");
  const fs::path dead = s.move_to_dead(e.file, "HTTP 400", "2025-01-01T00:00:01Z");
  EXPECT_TRUE(s.list().empty());
  const json j = json::parse(read_text(dead));
  EXPECT_EQ(j["body"], "{\"x\":1}");
  EXPECT_EQ(j["reason"], "HTTP 400");
  EXPECT_EQ(j["delivery_id"], "abc");
  const fs::path direct = s.write_dead("def", "{}", "HTTP 422", "t");
  EXPECT_EQ(json::parse(read_text(direct))["reason"], "HTTP 422");
  EXPECT_EQ(count_files(s.dead_dir()), 2u);
}

TEST(Spool, CorruptEntryIsReportedWithItsPath) {
  TempDir dir;
  Spool s(dir / "spool", "webhook sink", 10);
  const SpoolEntry e = s.append("abc", "{}", "t");
  std::ofstream(e.file, std::ios::trunc) << "{\"_schema_version\":1,\"seq";
  try {
    s.read(e.file);
    FAIL() << "expected StorageError";
  } catch (const dashflow::StorageError& err) {
    EXPECT_NE(std::string(err.what()).find(e.file.string()), std::string::npos) << err.what();
    EXPECT_NE(std::string(err.what()).find("corrupt"), std::string::npos) << err.what();
  }
}

TEST(Spool, IgnoresForeignFilesAndRemovesTempFilesOfDeadWriters) {
  TempDir dir;
  Spool s(dir / "spool", "webhook sink", 10);
  s.prepare();
  std::ofstream(dir / "spool" / "README.txt") << "x";
  std::ofstream(dir / "spool" / ".00000000000000000001-x.json.tmp.999999999.abc") << "partial";
  std::ofstream(dir / "spool" / (".00000000000000000001-y.json.tmp." + std::to_string(::getpid()) + ".abc")) << "mine";
  std::ofstream(dir / "spool" / "00000000000000000002-z.json.tmp.999999999.abc") << "partial";  // SDK naming
  std::ofstream(dir / "spool" / "notes.tmp.txt") << "not a temp file";
  EXPECT_TRUE(s.list().empty());
  s.prepare();
  EXPECT_FALSE(fs::exists(dir / "spool" / ".00000000000000000001-x.json.tmp.999999999.abc"));
  EXPECT_FALSE(fs::exists(dir / "spool" / "00000000000000000002-z.json.tmp.999999999.abc"));
  EXPECT_TRUE(fs::exists(dir / "spool" / "notes.tmp.txt"));
  EXPECT_TRUE(fs::exists(dir / "spool" / (".00000000000000000001-y.json.tmp." + std::to_string(::getpid()) + ".abc")));
}

TEST(Spool, EntriesAreWrittenPrivate) {
  TempDir dir;
  Spool s(dir / "spool", "webhook sink", 10);
  s.prepare();
  s.append("d-1", "{\"alert\": 1}", "2026-12-05T00:00:00Z");
  const auto entries = s.list();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(fs::status(entries[0]).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

TEST(Spool, OnlyOneDrainerAtATime) {
  TempDir dir;
  Spool a(dir / "spool", "x", 10), b(dir / "spool", "x", 10);
  auto first = a.try_lock_drain();
  ASSERT_TRUE(first.held());
  EXPECT_FALSE(b.try_lock_drain().held());
}

// ------------------------------------------------------------------ config

const json kSchema = json::parse(R"({
  "type": "object", "additionalProperties": false,
  "properties": {
    "name": {"type": "string", "default": "x", "minLength": 1},
    "count": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
    "mode": {"type": "string", "enum": ["a", "b"], "default": "a"},
    "nested": {"type": "object", "additionalProperties": false,
               "properties": {"ratio": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5}}},
    "headers": {"type": "object", "additionalProperties": {"type": "string"}, "default": {}}
  }
})");

std::string config_error(const json& config, const std::function<void(const ConfigView&)>& use = {}) {
  try {
    ConfigView v("demo sink", config, kSchema);
    if (use) use(v);
  } catch (const dashflow::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigView, FillsDefaultsFromTheSchemaIncludingNestedObjects) {
  ConfigView v("demo sink", json::object(), kSchema);
  EXPECT_EQ(v.string("name"), "x");
  EXPECT_EQ(v.integer("count"), 3);
  EXPECT_EQ(v.child("nested").number("ratio"), 0.5);
  EXPECT_TRUE(v.string_map("headers").empty());
  ConfigView w("demo sink", json{{"count", 7}, {"nested", {{"ratio", 0.1}}}}, kSchema);
  EXPECT_EQ(w.integer("count"), 7);
  EXPECT_EQ(w.child("nested").number("ratio"), 0.1);
}

TEST(ConfigView, ErrorsNameThePluginAndTheKey) {
  EXPECT_NE(config_error({{"cuont", 1}}).find("demo sink: unknown config key 'cuont'"), std::string::npos);
  EXPECT_NE(config_error({{"nested", {{"ratoi", 1}}}}).find("unknown config key 'nested.ratoi'"), std::string::npos);
  EXPECT_NE(config_error({{"count", "3"}}, [](const ConfigView& v) { v.integer("count"); })
                .find("config key 'count' must be integer"),
            std::string::npos);
  EXPECT_NE(config_error({{"count", 11}}, [](const ConfigView& v) { v.integer("count"); }).find("at most 10"),
            std::string::npos);
  EXPECT_NE(config_error({{"mode", "c"}}, [](const ConfigView& v) { v.string("mode"); }).find("one of"),
            std::string::npos);
  EXPECT_NE(config_error({{"nested", {{"ratio", 2}}}}, [](const ConfigView& v) { v.child("nested").number("ratio"); })
                .find("'nested.ratio' must be at most 1"),
            std::string::npos);
  EXPECT_NE(config_error({{"headers", {{"X-A", 1}}}}, [](const ConfigView& v) { v.string_map("headers"); })
                .find("'headers.X-A' must be a string"),
            std::string::npos);
  EXPECT_NE(config_error(json::array()).find("must be a JSON object"), std::string::npos);
}

}  // namespace
}  // namespace sinktest
