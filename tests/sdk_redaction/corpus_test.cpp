// Two traces: one full of planted secrets (each must be gone, checked
// literally), one of innocent telemetry (must come out byte-identical).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "dashflow/redaction.hpp"

namespace {

using dashflow::json;
using dashflow::RedactionStats;
using dashflow::Redactor;

std::string read_data(const std::string& name) {
  const std::string path = std::string(REDACTION_DATA_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read test data " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every string in the document (keys and values), decoded, one per line.
void collect_strings(const json& value, std::string& out) {
  if (value.is_string()) {
    out += value.get<std::string>() + "\n";
  } else if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      out += key + "\n";
      collect_strings(child, out);
    }
  } else if (value.is_array()) {
    for (const json& child : value) collect_strings(child, out);
  }
}

// The places a secret could survive: decoded strings, the serialized document,
// and (for secrets inside serialized JSON strings) their escaped forms.
void expect_no_secret_survives(const json& secrets, const std::string& redacted_text, const std::string& what) {
  for (const json& s : secrets) {
    const std::string secret = s["value"].get<std::string>();
    const std::string escaped = json(secret).dump().substr(1, json(secret).dump().size() - 2);
    EXPECT_EQ(redacted_text.find(secret), std::string::npos)
        << what << ": planted " << s["kind"] << " secret survived: " << secret;
    EXPECT_EQ(redacted_text.find(escaped), std::string::npos)
        << what << ": planted " << s["kind"] << " secret survived (escaped): " << escaped;
  }
}

const json kPlantedConfig = {{"key_paths", {"metadata.*.ssn", "metadata.customer.security_answer"}}};

TEST(Corpus, NoPlantedSecretSurvivesRedactJson) {
  const std::string raw = read_data("planted_secrets_trace.json");
  const json secrets = json::parse(read_data("planted_secrets.json"));
  ASSERT_GE(secrets.size(), 20u);
  json trace = json::parse(raw);

  // The planting itself is checked, so this test cannot pass on an empty corpus.
  std::string before;
  collect_strings(trace, before);
  for (const json& s : secrets)
    ASSERT_NE(before.find(s["value"].get<std::string>()), std::string::npos) << "not planted: " << s["value"];

  const RedactionStats stats = Redactor(kPlantedConfig).redact_json(trace);
  std::string after;
  collect_strings(trace, after);
  expect_no_secret_survives(secrets, after, "decoded strings");
  expect_no_secret_survives(secrets, trace.dump(), "serialized document");

  // Each kind planted was found under its own kind at least as often as planted
  // (a kind may be found more often: e.g. a secret repeated in nested JSON).
  std::map<std::string, std::size_t> planted;
  for (const json& s : secrets) ++planted[s["kind"].get<std::string>()];
  for (const auto& [kind, n] : planted) EXPECT_GE(stats.count(kind), n) << kind;

  // Telemetry next to the secrets is intact.
  EXPECT_EQ(trace["metadata"]["git_sha"], "9fceb02d0ae598e95dc970b74767f19372d61af8");
  EXPECT_EQ(trace["metadata"]["customer"]["tier"], "gold");
  EXPECT_EQ(trace["nodes_executed"][1]["tokens_used"], 1834);
  EXPECT_EQ(trace["nodes_executed"][0]["started_at"], "2025-12-16T09:00:00.120Z");
  EXPECT_EQ(trace["execution_id"], "5b0c8f2e-1d3a-4c6b-9e7f-2a4d6c8e0b1f");
  // Hosts of URLs with credentials are kept.
  EXPECT_EQ(trace["nodes_executed"][0]["state_after"]["db_url"],
            "postgresql://[REDACTED:url_credentials]@db.internal.example.com:5432/crm");
}

TEST(Corpus, NoPlantedSecretSurvivesRedactOnRawTextAndJsonStaysValid) {
  // Storage may redact a serialized document as text: escaped quotes and
  // newlines must neither hide secrets nor be broken by the replacement.
  const std::string raw = read_data("planted_secrets_trace.json");
  const json secrets = json::parse(read_data("planted_secrets.json"));
  const std::string redacted = Redactor().redact(raw);
  json reparsed;
  ASSERT_NO_THROW(reparsed = json::parse(redacted)) << redacted;
  std::string strings;
  collect_strings(reparsed, strings);
  json without_key_path_secrets = json::array();
  for (const json& s : secrets)
    if (s["kind"] != "key_path") without_key_path_secrets.push_back(s);  // key paths need redact_json
  expect_no_secret_survives(without_key_path_secrets, redacted, "raw text");
  expect_no_secret_survives(without_key_path_secrets, strings, "reparsed strings");
}

TEST(Corpus, InnocentTelemetryIsByteIdentical) {
  const std::string raw = read_data("innocent_telemetry_trace.json");
  json trace = json::parse(raw);
  const json original = trace;
  const std::string dumped = trace.dump(2);

  // Default detectors (ip_address is off by default: service addresses are telemetry).
  const RedactionStats stats = Redactor().redact_json(trace);
  EXPECT_TRUE(stats.empty()) << "fired: " << json(stats.by_kind).dump();
  EXPECT_EQ(trace.dump(2), dumped);
  EXPECT_EQ(trace, original);

  RedactionStats text_stats;
  EXPECT_EQ(Redactor().redact(raw, text_stats), raw);
  EXPECT_TRUE(text_stats.empty()) << "fired: " << json(text_stats.by_kind).dump();
}

TEST(Corpus, InnocentTelemetryWithIpDetectorOnlyLosesAddresses) {
  json trace = json::parse(read_data("innocent_telemetry_trace.json"));
  const RedactionStats stats = Redactor(json{{"detectors", {{"ip_address", true}}}}).redact_json(trace);
  EXPECT_EQ(stats.by_kind.size(), 1u) << json(stats.by_kind).dump();
  EXPECT_EQ(stats.count("ip_address"), 3u);  // 10.0.0.12, 127.0.0.1 and the four-part version 1.2.3.4
  EXPECT_EQ(trace["nodes_executed"][0]["metadata"]["host"], "[REDACTED:ip_address]:8080");
}

}  // namespace
