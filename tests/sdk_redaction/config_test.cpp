// Redactor config: custom patterns in the order written, errors that name
// the key / detector / path / pattern, and the published JSON Schema.
#include <gtest/gtest.h>

#include <string>

#include "dashflow/errors.hpp"
#include "dashflow/redaction.hpp"

namespace {

using dashflow::ConfigError;
using dashflow::json;
using dashflow::RedactionStats;
using dashflow::Redactor;

// The ConfigError message for `config`; fails the test when none is thrown.
std::string config_error(const json& config) {
  try {
    Redactor r(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for " << config.dump();
  return {};
}

TEST(CustomPatterns, AppliedInTheOrderWritten) {
  // The first pattern rewrites what the second would have matched.
  const json first_then_second = {{"custom_patterns", json::array({
                                      {{"name", "employee"}, {"regex", "EMP-[0-9]{4}"}, {"replacement", "EMP-####"}},
                                      {{"name", "digits"}, {"regex", "[0-9]{4}"}},
                                  })}};
  RedactionStats stats;
  EXPECT_EQ(Redactor(first_then_second).redact("EMP-1234 room 5678", stats), "EMP-#### room [REDACTED:digits]");
  EXPECT_EQ(stats.count("employee"), 1u);
  EXPECT_EQ(stats.count("digits"), 1u);

  const json second_then_first = {{"custom_patterns", json::array({
                                       {{"name", "digits"}, {"regex", "[0-9]{4}"}},
                                       {{"name", "employee"}, {"regex", "EMP-[0-9]{4}"}, {"replacement", "EMP-####"}},
                                   })}};
  RedactionStats reversed;
  EXPECT_EQ(Redactor(second_then_first).redact("EMP-1234 room 5678", reversed),
            "EMP-[REDACTED:digits] room [REDACTED:digits]");
  EXPECT_EQ(reversed.count("employee"), 0u);
  EXPECT_EQ(reversed.count("digits"), 2u);
}

TEST(CustomPatterns, GroupsInReplacementAndIgnoreCase) {
  const Redactor r(json{{"custom_patterns", json::array({
                             {{"name", "order"}, {"regex", "(order)-([0-9]+)"}, {"replacement", "$1-***"}, {"ignore_case", true}},
                         })}});
  EXPECT_EQ(r.redact("ORDER-991 and order-12"), "ORDER-*** and order-***");
}

TEST(CustomPatterns, LongInputDoesNotOverflowTheStack) {
  // libstdc++'s default regex executor recurses once per character here and crashes near 100 kB.
  const Redactor r(json{{"custom_patterns", json::array({{{"name", "word"}, {"regex", "[a-z]+"}}})}});
  const std::string text(1 << 20, 'a');
  EXPECT_EQ(r.redact(text), "[REDACTED:word]");
}

TEST(CustomPatterns, InvalidRegexNamesIndexNameAndError) {
  const std::string message = config_error({{"custom_patterns", json::array({
                                                 {{"name", "ok"}, {"regex", "fine"}},
                                                 {{"name", "employee_id"}, {"regex", "EMP-(\\d+"}},
                                             })}});
  EXPECT_NE(message.find("redaction config"), std::string::npos) << message;
  EXPECT_NE(message.find("custom_patterns[1]"), std::string::npos) << message;
  EXPECT_NE(message.find("employee_id"), std::string::npos) << message;
  EXPECT_NE(message.find("EMP-(\\d+"), std::string::npos) << message;
  EXPECT_NE(message.find("is invalid"), std::string::npos) << message;
}

TEST(CustomPatterns, OtherMistakesAreNamed) {
  EXPECT_NE(config_error({{"custom_patterns", json::array({{{"name", "a"}, {"regex", "x*"}}})}}).find("empty string"),
            std::string::npos);
  EXPECT_NE(config_error({{"custom_patterns", json::array({{{"regex", "x"}}})}}).find("custom_patterns[0]: 'name' is required"),
            std::string::npos);
  EXPECT_NE(config_error({{"custom_patterns", json::array({{{"name", "a"}}})}}).find("'regex' is required"),
            std::string::npos);
  EXPECT_NE(config_error({{"custom_patterns", json::array({{{"name", "a"}, {"regex", "x"}, {"replace", "y"}}})}})
                .find("unknown key 'replace'"),
            std::string::npos);
  EXPECT_NE(config_error({{"custom_patterns", json::array({{{"name", "a"}, {"regex", "x"}}, {{"name", "a"}, {"regex", "y"}}})}})
                .find("'a' is used twice"),
            std::string::npos);
  EXPECT_NE(config_error({{"custom_patterns", json::array({{{"name", "email"}, {"regex", "x"}}})}}).find("built-in"),
            std::string::npos);
  EXPECT_NE(config_error({{"custom_patterns", json::array({{{"name", "a b"}, {"regex", "x"}}})}}).find("name may only"),
            std::string::npos);
  EXPECT_NE(config_error({{"custom_patterns", json::array({{{"name", "a"}, {"regex", "(a)\\1"}}})}})
                .find("is invalid"),
            std::string::npos);  // back-references are not supported (polynomial-time matching)
}

TEST(Config, ErrorsNameTheKey) {
  EXPECT_NE(config_error(json::array()).find("must be a JSON object"), std::string::npos);
  EXPECT_NE(config_error({{"enable", true}}).find("unknown key 'enable'"), std::string::npos);
  EXPECT_NE(config_error({{"enabled", "yes"}}).find("'enabled' must be a boolean"), std::string::npos);
  const std::string unknown_detector = config_error({{"detectors", {{"emial", false}}}});
  EXPECT_NE(unknown_detector.find("unknown detector 'emial'"), std::string::npos) << unknown_detector;
  EXPECT_NE(unknown_detector.find("email"), std::string::npos) << unknown_detector;  // lists the known ones
  EXPECT_NE(config_error({{"detectors", {{"email", 1}}}}).find("detectors.email must be true or false"),
            std::string::npos);
  EXPECT_NE(config_error({{"key_paths", "a.b"}}).find("'key_paths' must be an array"), std::string::npos);
  const std::string bad_path = config_error({{"key_paths", {"ok.path", "a..b"}}});
  EXPECT_NE(bad_path.find("key_paths[1]"), std::string::npos) << bad_path;
  EXPECT_NE(bad_path.find("empty segment"), std::string::npos) << bad_path;
  EXPECT_NE(config_error({{"key_paths", {"a[x]"}}}).find("array index"), std::string::npos);
  EXPECT_NE(config_error({{"key_paths", {"a[1"}}}).find("unclosed"), std::string::npos);
  EXPECT_NE(config_error({{"key_paths", {"a."}}}).find("ends with"), std::string::npos);
}

TEST(Config, SchemaListsExactlyTheBuiltInDetectorsWithTheirDefaults) {
  const json schema = json::parse(dashflow::kRedactionConfigSchema);
  const json& detectors = schema["properties"]["detectors"]["properties"];
  ASSERT_EQ(detectors.size(), dashflow::redaction_detectors().size());
  for (const auto& info : dashflow::redaction_detectors()) {
    const std::string name(info.name);
    ASSERT_TRUE(detectors.contains(name)) << name;
    EXPECT_EQ(detectors[name]["default"].get<bool>(), info.enabled_by_default) << name;
  }
  // Every top-level key of the schema is accepted by the Redactor.
  EXPECT_NO_THROW(Redactor(json{{"enabled", true},
                                {"detectors", {{"ip_address", true}}},
                                {"key_paths", json::array()},
                                {"custom_patterns", json::array()}}));
  EXPECT_EQ(schema["properties"].size(), 4u);
}

TEST(Config, DefaultsMatchAnEmptyConfig) {
  const std::string text = "bob@example.com 10.0.0.1 password=x";
  EXPECT_EQ(Redactor().redact(text), Redactor(json::object()).redact(text));
  EXPECT_EQ(Redactor().redact(text), "[REDACTED:email] 10.0.0.1 password=[REDACTED:generic_secret]");
}

}  // namespace
