// The config file's "retention" section: trace limits (absent = no limit),
// the storage policy (DashFlow's defaults, "retention.storage", falling back
// to "daemon.retention"), and errors that name the key.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "retention/retention_config.hpp"

namespace {

using namespace dashflow::host;
using nlohmann::json;

std::string error_of(const json& raw) {
  try {
    retention_settings_from_config(raw);
  } catch (const ConfigFileError& e) {
    return e.what();
  }
  return "";
}

TEST(RetentionConfig, NothingConfiguredMeansNoTraceLimitsAndDefaultStoragePolicy) {
  const RetentionSettings s = retention_settings_from_config(json::object());
  EXPECT_FALSE(s.traces.any_limit());
  EXPECT_TRUE(s.storage_enabled);
  EXPECT_EQ(s.storage.max_reports, 100u);
  EXPECT_EQ(s.storage.max_plans_per_status, 200u);
  EXPECT_EQ(s.storage.plan_archive_age_days, 30u);
  EXPECT_EQ(s.storage.hypothesis_archive_age_days, 90u);
  EXPECT_EQ(s.storage_section, "defaults");
}

TEST(RetentionConfig, ReadsEveryKey) {
  const json raw = json::parse(R"({"retention": {
      "compress_after_days": 7, "delete_after_days": 30, "max_total_mb": 500, "max_count": 1000,
      "storage": {"enabled": true, "max_reports": 5, "max_plans_per_status": 6,
                  "plan_archive_age_days": 7, "hypothesis_archive_age_days": 0}}})");
  const RetentionSettings s = retention_settings_from_config(raw);
  EXPECT_EQ(s.traces.compress_after_days, 7u);
  EXPECT_EQ(s.traces.delete_after_days, 30u);
  EXPECT_EQ(s.traces.max_total_mb, 500u);
  EXPECT_EQ(s.traces.max_count, 1000u);
  EXPECT_EQ(s.storage.max_reports, 5u);
  EXPECT_EQ(s.storage.max_plans_per_status, 6u);
  EXPECT_EQ(s.storage.plan_archive_age_days, 7u);
  EXPECT_EQ(s.storage.hypothesis_archive_age_days, 0u);  // 0 = no limit
  EXPECT_EQ(s.storage_section, "retention.storage");
}

TEST(RetentionConfig, PartialTraceLimitsLeaveTheOthersUnlimited) {
  const RetentionSettings s = retention_settings_from_config(json::parse(R"({"retention": {"max_count": 10}})"));
  EXPECT_TRUE(s.traces.any_limit());
  EXPECT_FALSE(s.traces.compress_after_days);
  EXPECT_FALSE(s.traces.delete_after_days);
  EXPECT_FALSE(s.traces.max_total_mb);
  EXPECT_EQ(s.traces.max_count, 10u);
}

TEST(RetentionConfig, DaemonRetentionIsTheFallbackForStorage) {
  const json raw = json::parse(R"({"daemon": {"retention": {"max_reports": 12}}})");
  const RetentionSettings s = retention_settings_from_config(raw);
  EXPECT_EQ(s.storage.max_reports, 12u);
  EXPECT_EQ(s.storage.max_plans_per_status, 200u);
  EXPECT_EQ(s.storage_section, "daemon.retention");
  const json both = json::parse(R"({"daemon": {"retention": {"max_reports": 12}},
                                    "retention": {"storage": {"max_reports": 3}}})");
  EXPECT_EQ(retention_settings_from_config(both).storage.max_reports, 3u);
}

TEST(RetentionConfig, StorageRetentionCanBeDisabled) {
  const RetentionSettings s =
      retention_settings_from_config(json::parse(R"({"retention": {"storage": {"enabled": false}}})"));
  EXPECT_FALSE(s.storage_enabled);
}

TEST(RetentionConfig, BadValuesNameTheKey) {
  EXPECT_NE(error_of(json::parse(R"({"retention": {"max_count": -1}})")).find("'retention.max_count'"), std::string::npos);
  EXPECT_NE(error_of(json::parse(R"({"retention": {"max_count": 0}})")).find("'retention.max_count' must be an integer >= 1"),
            std::string::npos);
  EXPECT_NE(error_of(json::parse(R"({"retention": {"delete_after_days": "30"}})")).find("'retention.delete_after_days'"),
            std::string::npos);
  EXPECT_NE(error_of(json::parse(R"({"retention": {"max_total_mb": 1.5}})")).find("'retention.max_total_mb'"),
            std::string::npos);
  EXPECT_NE(error_of(json::parse(R"({"retention": {"compress_after": 7}})")).find("unknown key 'retention.compress_after'"),
            std::string::npos);
  EXPECT_NE(error_of(json::parse(R"({"retention": {"storage": {"max_report": 7}}})"))
                .find("unknown key 'retention.storage.max_report'"),
            std::string::npos);
  EXPECT_NE(error_of(json::parse(R"({"retention": {"storage": {"enabled": "yes"}}})")).find("'retention.storage.enabled'"),
            std::string::npos);
  EXPECT_NE(error_of(json::parse(R"({"retention": []})")).find("'retention' must be an object"), std::string::npos);
  // compress_after_days 0 is fine: compress everything not being written.
  EXPECT_EQ(error_of(json::parse(R"({"retention": {"compress_after_days": 0}})")), "");
}

}  // namespace
