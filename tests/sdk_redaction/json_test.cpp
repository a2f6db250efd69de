// redact_json: key paths (exact, wildcard, index, walked-through arrays),
// members named like secrets, object keys, and what stays untouched.
#include <gtest/gtest.h>

#include "dashflow/redaction.hpp"

namespace {

using dashflow::json;
using dashflow::RedactionStats;
using dashflow::Redactor;

const std::string kPathMarker = "[REDACTED:key_path]";

json sample_trace() {
  return json::parse(R"({
    "metadata": {"user": {"email": "x", "name": "Alice", "age": 41}, "team": "core"},
    "nodes_executed": [
      {"node": "a", "state_after": {"password": "p1", "keep": "k1", "nested": {"password": "deep"}}},
      {"node": "b", "state_after": {"password": {"hash": "abc"}, "keep": "k2"}},
      {"node": "c", "state_after": {"keep": "k3"}}
    ],
    "tags": ["t0", "t1", "t2"],
    "weird.key": {"a[b]": 7}
  })");
}

TEST(KeyPaths, ExactPathReplacesWholeValue) {
  const Redactor r(json{{"key_paths", {"metadata.user.email", "metadata.user.age"}}});
  json doc = sample_trace();
  const RedactionStats stats = r.redact_json(doc);
  EXPECT_EQ(doc["metadata"]["user"]["email"], kPathMarker);
  EXPECT_EQ(doc["metadata"]["user"]["age"], kPathMarker);  // numbers too: the whole value goes
  EXPECT_EQ(doc["metadata"]["user"]["name"], "Alice");
  EXPECT_EQ(doc["metadata"]["team"], "core");
  EXPECT_EQ(stats.count("key_path"), 2u);
}

TEST(KeyPaths, ArrayWildcardAndIndex) {
  const Redactor r(json{{"key_paths", {"nodes_executed[*].state_after.password", "tags[1]"}}});
  json doc = sample_trace();
  const RedactionStats stats = r.redact_json(doc);
  EXPECT_EQ(doc["nodes_executed"][0]["state_after"]["password"], kPathMarker);
  EXPECT_EQ(doc["nodes_executed"][1]["state_after"]["password"], kPathMarker);  // an object, replaced whole
  EXPECT_FALSE(doc["nodes_executed"][2]["state_after"].contains("password"));   // absent stays absent
  EXPECT_EQ(doc["nodes_executed"][0]["state_after"]["keep"], "k1");
  EXPECT_EQ(doc["tags"], json({"t0", kPathMarker, "t2"}));
  EXPECT_EQ(stats.count("key_path"), 3u);
}

TEST(KeyPaths, MemberWildcardAndWalkedThroughArrays) {
  // DashFlow's redact_fields ignored array indices; "nodes_executed.state_after.keep" works the same here.
  const Redactor r(json{{"key_paths", {"nodes_executed.state_after.keep", "metadata.*.name"}}});
  json doc = sample_trace();
  r.redact_json(doc);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(doc["nodes_executed"][i]["state_after"]["keep"], kPathMarker) << i;
  EXPECT_EQ(doc["metadata"]["user"]["name"], kPathMarker);
  EXPECT_EQ(doc["metadata"]["user"]["age"], 41);
}

TEST(KeyPaths, SpecificIndexOnly) {
  const Redactor r(json{{"key_paths", {"nodes_executed[2].state_after"}}});
  json doc = sample_trace();
  r.redact_json(doc);
  EXPECT_EQ(doc["nodes_executed"][2]["state_after"], kPathMarker);
  EXPECT_TRUE(doc["nodes_executed"][0]["state_after"].is_object());
}

TEST(KeyPaths, QuotedMemberNames) {
  const Redactor r(json{{"key_paths", {R"(["weird.key"]["a[b]"])"}}});
  json doc = sample_trace();
  r.redact_json(doc);
  EXPECT_EQ(doc["weird.key"]["a[b]"], kPathMarker);
}

TEST(KeyPaths, PathThatDoesNotMatchChangesNothing) {
  const Redactor r(json{{"key_paths", {"metadata.user.email.deeper", "nodes_executed[7].node", "tags.x"}}});
  json doc = sample_trace();
  const json before = doc;
  // "password" members still lose their values through the generic detector; nothing else changes.
  const RedactionStats stats = r.redact_json(doc);
  EXPECT_EQ(stats.count("key_path"), 0u);
  EXPECT_EQ(doc["metadata"], before["metadata"]);
  EXPECT_EQ(doc["tags"], before["tags"]);
}

TEST(SecretMembers, ValuesOfSecretNamedMembersGoWhole) {
  json doc = json::parse(R"({
    "password": "hunter2", "DB_PASSWORD": "x", "apiKey": "abc", "client_secret": "s3cr3t value",
    "pin_password": 123456, "authorization": "Basic dXNlcjpwYXNz", "token": "a1b2c3d4e5f6",
    "sig": "short", "token_count": 1234, "max_tokens": 4096, "prompt_tokens": 15, "password_policy": "min 12",
    "key": "reports/2024/summary.json", "api_key": "", "secret": null, "credentials": {"user": "bob"}
  })");
  const RedactionStats stats = Redactor().redact_json(doc);
  const std::string marker = "[REDACTED:generic_secret]";
  EXPECT_EQ(doc["password"], marker);
  EXPECT_EQ(doc["DB_PASSWORD"], marker);
  EXPECT_EQ(doc["apiKey"], marker);
  EXPECT_EQ(doc["client_secret"], marker);
  EXPECT_EQ(doc["pin_password"], marker);
  EXPECT_EQ(doc["authorization"], "Basic " + marker);
  EXPECT_EQ(doc["token"], marker);
  EXPECT_EQ(doc["sig"], "short");  // not credential-like
  EXPECT_EQ(doc["token_count"], 1234);
  EXPECT_EQ(doc["max_tokens"], 4096);
  EXPECT_EQ(doc["prompt_tokens"], 15);
  EXPECT_EQ(doc["password_policy"], "min 12");
  EXPECT_EQ(doc["key"], "reports/2024/summary.json");
  EXPECT_EQ(doc["api_key"], "");
  EXPECT_TRUE(doc["secret"].is_null());
  EXPECT_EQ(doc["credentials"]["user"], "bob");
  EXPECT_EQ(stats.count("generic_secret"), 7u);
}

TEST(SecretMembers, DetectorKindWinsWhenItReplacedTheWholeValue) {
  json doc = {{"api_key", "sk-ant-api03-Xy7Kq2Lm9Np4Rs6Tu1Vw3Xz8Ab5Cd0Ef2Gh7Ij4Kl9Mn1Op6Qr3"},
              {"password", "hunter2 and bob@example.com"}};
  const RedactionStats stats = Redactor().redact_json(doc);
  EXPECT_EQ(doc["api_key"], "[REDACTED:anthropic_key]");
  EXPECT_EQ(doc["password"], "[REDACTED:generic_secret]");  // partly detected: still goes whole
  EXPECT_EQ(stats.count("anthropic_key"), 1u);
  EXPECT_EQ(stats.count("generic_secret"), 1u);
}

TEST(SecretMembers, OffWhenGenericDetectorIsOff) {
  json doc = {{"password", "hunter2"}};
  Redactor(json{{"detectors", {{"generic_secret", false}}}}).redact_json(doc);
  EXPECT_EQ(doc["password"], "hunter2");
}

TEST(Strings, EveryStringValueAtAnyDepthAndKeysToo) {
  json doc = json::parse(R"({
    "a": [{"b": ["mail bob@example.com"]}, "AKIAIOSFODNN7EXAMPLE"],
    "contacts": {"alice@example.com": {"n": 1}, "carol@example.com": {"n": 2}},
    "dup": {"bob@example.com": 1, "[REDACTED:email]": 2},
    "count": 4111111111111111, "ok": true, "nothing": null
  })");
  const RedactionStats stats = Redactor().redact_json(doc);
  EXPECT_EQ(doc["a"][0]["b"][0], "mail [REDACTED:email]");
  EXPECT_EQ(doc["a"][1], "[REDACTED:aws_access_key]");
  // Keys that were secrets are renamed, siblings kept apart.
  ASSERT_EQ(doc["contacts"].size(), 2u);
  EXPECT_TRUE(doc["contacts"].contains("[REDACTED:email]"));
  EXPECT_TRUE(doc["contacts"].contains("[REDACTED:email]#2"));
  EXPECT_EQ(doc["dup"]["[REDACTED:email]"], 2);
  EXPECT_EQ(doc["dup"]["[REDACTED:email]#2"], 1);
  // Numbers are telemetry, never redacted (outside secret-named members).
  EXPECT_EQ(doc["count"], 4111111111111111ULL);
  EXPECT_EQ(stats.count("email"), 4u);
  EXPECT_EQ(stats.count("aws_access_key"), 1u);
}

TEST(Strings, TopLevelString) {
  json doc = "password=hunter2";
  Redactor().redact_json(doc);
  EXPECT_EQ(doc, "password=[REDACTED:generic_secret]");
}

TEST(Disabled, NothingChanges) {
  const Redactor r(json{{"enabled", false}, {"key_paths", {"a"}}});
  EXPECT_FALSE(r.enabled());
  json doc = {{"a", "bob@example.com"}, {"password", "x"}};
  const json before = doc;
  EXPECT_TRUE(r.redact_json(doc).empty());
  EXPECT_EQ(doc, before);
  EXPECT_EQ(r.redact("bob@example.com"), "bob@example.com");
}

}  // namespace
