// The built .so files through the real dashflow binary: the conformance
// suite, the manifest, and config validation of reviewer settings.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "dashflow_cli.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using dashflow::test::dashflow_json;
using dashflow::test::run_process;
using dashflow::test::TempDir;
using dashflow::test::write_file;

namespace {

std::string plugin_path(const std::string& name) { return std::string(DASHFLOW_PLUGIN_DIR) + "/" + name + ".so"; }

json config_with_reviewer(json reviewer) {
  return {{"plugin_dirs", {DASHFLOW_PLUGIN_DIR}},
          {"storage", {{"plugin", "fs"}, {"config", {{"path", "store"}}}}},
          {"pipelines",
           {{"main",
             {{"trace_sources", {{{"plugin", "trace-dir"}, {"config", {{"path", "traces"}}}}}},
              {"reviewers", {reviewer}},
              {"consensus", {{"min_reviews", 1}, {"threshold", 0.6}}}}}}}};
}

}  // namespace

TEST(ReviewerPlugins, PassTheConformanceSuite) {
  for (const std::string name : {"dashflow-reviewer-openai-compatible", "dashflow-reviewer-anthropic"}) {
    ASSERT_TRUE(fs::exists(plugin_path(name))) << plugin_path(name);
    TempDir cwd;
    json j = dashflow_json({"plugins", "test", plugin_path(name)}, cwd.path());
    EXPECT_EQ(j["failed"], 0) << j.dump(2);
    EXPECT_GE(j["passed"].get<int>(), 7) << j.dump(2);
  }
}

TEST(ReviewerPlugins, ManifestsDescribeTheirConfig) {
  TempDir cwd;
  json info = dashflow_json({"plugins", "info", plugin_path("dashflow-reviewer-openai-compatible")}, cwd.path());
  EXPECT_EQ(info["id"], "openai-compatible") << info.dump(2);
  EXPECT_EQ(info["kind"], "reviewer");
  const std::string text = info.dump();
  for (const char* key : {"base_url", "model", "api_key_env", "timeout_ms", "max_retries", "temperature", "max_tokens",
                          "json_mode"})
    EXPECT_NE(text.find(key), std::string::npos) << key;

  info = dashflow_json({"plugins", "info", plugin_path("dashflow-reviewer-anthropic")}, cwd.path());
  EXPECT_EQ(info["id"], "anthropic");
  EXPECT_NE(info.dump().find("anthropic_version"), std::string::npos);
}

TEST(ReviewerPlugins, ConfigPointingAtAnUnreachableServerValidates) {
  TempDir cwd;
  write_file(cwd / "dashflow.json",
             config_with_reviewer({{"plugin", "openai-compatible"},
                                   {"config",
                                    {{"base_url", "http://127.0.0.1:9/v1"},
                                     {"model", "llama3"},
                                     {"api_key_env", nullptr},
                                     {"timeout_ms", 1000},
                                     {"max_retries", 0}}}})
                 .dump(2));
  auto r = run_process({DASHFLOW_EXE, "config", "validate", "--config", "dashflow.json"}, cwd.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(ReviewerPlugins, ConfigValidationNamesBadReviewerKeys) {
  TempDir cwd;
  write_file(cwd / "dashflow.json",
             config_with_reviewer({{"plugin", "anthropic"}, {"config", {{"modle", "claude"}, {"max_retries", 99}}}}).dump(2));
  auto r = run_process({DASHFLOW_EXE, "config", "validate", "--config", "dashflow.json"}, cwd.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("unknown key 'modle' (did you mean 'model'?)"), std::string::npos) << all;
  EXPECT_NE(all.find("/max_retries: value 99 is above the maximum 10"), std::string::npos) << all;
}
