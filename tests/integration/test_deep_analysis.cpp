// analyze --depth deep end to end: the real binary asks an OpenAI-compatible
// fake server (127.0.0.1, started here) and the offline heuristic reviewer to
// review every plan; consensus per plan, fail closed when reviews fail, the
// API key never printed or stored, and a clear message without reviewers.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "corpus.hpp"
#include "fake_llm_server.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::test::ProcessResult;
using dashflow::test::run_process;
using dashflow::test::TempDir;
using nlohmann::json;

namespace {

constexpr const char* kSecret = "sk-test-DEEP-secret-0123456789abcdef";

std::string chat_reply(const std::string& assessment, double confidence) {
  json verdict = {{"assessment", assessment},
                  {"confidence", confidence},
                  {"critiques", json::array({{{"target", "steps"}, {"criticism", "add a rollback test"},
                                              {"severity", "minor"}, {"suggested_fix", "test the rollback"}}})},
                  {"suggestions", json::array({"measure before and after"})}};
  return json{{"choices", json::array({{{"index", 0}, {"message", {{"role", "assistant"}, {"content", verdict.dump()}}},
                                        {"finish_reason", "stop"}}})}}
      .dump();
}

class DeepAnalysis : public ::testing::Test {
 protected:
  void SetUp() override { dashflow::test::write_planted_corpus(tmp / "traces"); }

  void write_config(const json& reviewers) {
    json config = {{"pipelines", {{"default", {{"reviewers", reviewers}, {"consensus", {{"min_reviews", 2}, {"threshold", 0.5}}}}}}}};
    dashflow::test::write_file(tmp / "dashflow.json", config.dump(2));
  }
  json openai(const std::string& url) const {
    return {{"plugin", "openai-compatible"},
            {"config", {{"base_url", url}, {"model", "fake-model"}, {"api_key_env", "DEEP_TEST_KEY"},
                        {"max_retries", 0}, {"timeout_ms", 20000}}}};
  }
  ProcessResult analyze() {
    return run_process({DASHFLOW_EXE, "--config", tmp / "dashflow.json", "self-improve", "analyze", "--depth", "deep",
                        "--traces", tmp / "traces", "--storage", tmp / "store", "--format", "json"},
                       tmp.path(), {{"DEEP_TEST_KEY", kSecret}});
  }
  bool secret_stored() const {
    for (const auto& e : fs::recursive_directory_iterator(tmp / "store"))
      if (e.is_regular_file() && dashflow::test::read_file(e.path().string()).find(kSecret) != std::string::npos) return true;
    return false;
  }
  TempDir tmp;
};

}  // namespace

TEST_F(DeepAnalysis, EveryPlanGetsItsOwnConsensus) {
  llmtest::FakeLlmServer server({llmtest::Reply(200, chat_reply("agree", 0.9))});
  write_config(json::array({openai(server.url("/v1")), {{"plugin", "heuristic"}}}));
  ProcessResult r = analyze();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json out = json::parse(r.out);
  ASSERT_FALSE(out["plan_reviews"].empty()) << out.dump(2);
  EXPECT_EQ(out["plan_reviews"].size(), out["plan_ids"].size());
  size_t validated = 0;
  for (const auto& c : out["plan_reviews"]) {
    EXPECT_EQ(c["reviews"], 2) << c.dump();
    validated += c["validated"].get<bool>() ? 1 : 0;
  }
  EXPECT_GT(validated, 0u) << out.dump(2);
  EXPECT_GE(server.calls(), out["plan_reviews"].size());
  // The key went to the server, and nowhere else.
  EXPECT_NE(server.received().front().headers.at("Authorization").find(kSecret), std::string::npos);
  EXPECT_EQ(r.out.find(kSecret), std::string::npos);
  EXPECT_EQ(r.err.find(kSecret), std::string::npos);
  EXPECT_FALSE(secret_stored());
}

TEST_F(DeepAnalysis, FailedReviewsLeavePlansUnvalidated) {
  llmtest::FakeLlmServer server({llmtest::Reply(500, R"({"error":{"message":"overloaded"}})")});
  write_config(json::array({openai(server.url("/v1")), {{"plugin", "heuristic"}}}));
  ProcessResult r = analyze();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json out = json::parse(r.out);
  ASSERT_FALSE(out["plan_reviews"].empty()) << out.dump(2);
  for (const auto& c : out["plan_reviews"]) {
    EXPECT_FALSE(c["validated"].get<bool>()) << "one successful review of the two required: " << c.dump();
    EXPECT_EQ(c["reviews"], 1);
    ASSERT_FALSE(c["failures"].empty());
    EXPECT_NE(c["failures"][0].get<std::string>().find("500"), std::string::npos) << c.dump();
  }
  EXPECT_EQ(r.out.find(kSecret), std::string::npos);
  EXPECT_EQ(r.err.find(kSecret), std::string::npos);
  EXPECT_FALSE(secret_stored());
}

TEST_F(DeepAnalysis, WithoutReviewersItRunsLocalAndSaysWhatToConfigure) {
  write_config(json::array());
  ProcessResult r = analyze();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json out = json::parse(r.out);
  EXPECT_TRUE(out["plan_reviews"].empty());
  bool told = false;
  for (const auto& w : out["warnings"])
    told = told || w.get<std::string>().find("\"reviewers\": [{\"plugin\": \"openai-compatible\"") != std::string::npos;
  EXPECT_TRUE(told) << out["warnings"].dump(2);
}

TEST_F(DeepAnalysis, UnsetKeyIsNamed) {
  llmtest::FakeLlmServer server({llmtest::Reply(200, chat_reply("agree", 0.9))});
  json reviewer = openai(server.url("/v1"));
  reviewer["config"]["api_key_env"] = "DEEP_TEST_KEY_THAT_IS_NOT_SET";
  write_config(json::array({reviewer}));
  ProcessResult r = analyze();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("DEEP_TEST_KEY_THAT_IS_NOT_SET"), std::string::npos) << r.out;
  EXPECT_EQ(server.calls(), 0u);
}
