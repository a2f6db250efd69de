// The anthropic reviewer against a scripted fake Messages API.
#include <gtest/gtest.h>

#include <dashflow/json.hpp>

#include <cstdlib>

#include "anthropic_reviewer.hpp"
#include "fake_llm_server.hpp"

using namespace dashflow;
using dashflow_plugins::AnthropicReviewer;
using llmtest::FakeLlmServer;
using llmtest::RecordingHost;

namespace {

constexpr const char* kKeyEnv = "DASHFLOW_TEST_ANTHROPIC_KEY";
constexpr const char* kKey = "sk-ant-test-0123456789-SECRET";

const bool kEnvironment = [] {
  ::setenv(kKeyEnv, kKey, 1);
  ::unsetenv("DASHFLOW_TEST_ANTHROPIC_UNSET");
  for (const char* v : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) ::unsetenv(v);
  return true;
}();

const char* kVerdict = R"({"assessment": "strongly_disagree", "confidence": 0.9, "critiques": [{"target": "evidence",
  "criticism": "One trace is not enough", "severity": "critical", "suggested_fix": null}], "suggestions": []})";

std::string message_reply(const std::string& text, const std::string& stop = "end_turn") {
  return json{{"id", "msg_1"},
              {"type", "message"},
              {"role", "assistant"},
              {"model", "claude-test"},
              {"content", json::array({{{"type", "text"}, {"text", text}}})},
              {"stop_reason", stop},
              {"usage", {{"input_tokens", 10}, {"output_tokens", 20}}}}
      .dump();
}

json config_for(const FakeLlmServer& server, json extra = json::object()) {
  json c = {{"base_url", server.url()}, {"model", "claude-test"}, {"api_key_env", kKeyEnv}, {"timeout_ms", 5000},
            {"max_retries", 2},         {"initial_backoff_ms", 10}, {"max_backoff_ms", 2000}};
  c.update(extra);
  return c;
}

ReviewRequest request() {
  ReviewRequest r;
  r.plan.id = "plan-7";
  r.plan.title = "Remove the unused summarize node";
  return r;
}

class Anthropic : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(kEnvironment); }
  RecordingHost host_;
  AnthropicReviewer make(const json& config) { return AnthropicReviewer(PluginContext(host_.api(), config.dump())); }
  std::string review_error(AnthropicReviewer& reviewer) {
    try {
      reviewer.review(request());
    } catch (const std::exception& e) {
      return e.what();
    }
    return "(no error)";
  }
};

}  // namespace

TEST_F(Anthropic, GoodReplyAndTheRequestShape) {
  FakeLlmServer server({{200, message_reply(kVerdict)}});
  auto reviewer = make(config_for(server));
  EXPECT_EQ(reviewer.model(), (ModelIdentifier{"Anthropic", "claude-test"}));
  ModelReview r = reviewer.review(request());
  EXPECT_EQ(r.assessment, Assessment::StronglyDisagree);
  EXPECT_DOUBLE_EQ(r.confidence, 0.9);
  ASSERT_EQ(r.critiques.size(), 1u);
  EXPECT_EQ(r.critiques[0].severity, CritiqueSeverity::Critical);
  EXPECT_EQ(r.critiques[0].suggested_fix, std::nullopt);

  auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].path, "/v1/messages");
  EXPECT_EQ(received[0].headers["x-api-key"], kKey);
  EXPECT_EQ(received[0].headers["anthropic-version"], "2023-06-01");
  json body = json::parse(received[0].body);
  EXPECT_EQ(body["model"], "claude-test");
  EXPECT_EQ(body["max_tokens"], 2048);
  EXPECT_TRUE(body["system"].is_string());
  ASSERT_EQ(body["messages"].size(), 1u);
  EXPECT_EQ(body["messages"][0]["role"], "user");
  EXPECT_NE(body["messages"][0]["content"].get<std::string>().find("Remove the unused summarize node"), std::string::npos);
}

TEST_F(Anthropic, TextBlocksAreJoinedAndOtherBlocksIgnored) {
  json reply = json::parse(message_reply(""));
  reply["content"] = json::array({{{"type", "thinking"}, {"thinking", "{\"assessment\": \"agree\"}"}},
                                  {{"type", "text"}, {"text", "```json\n{\"assessment\": "}},
                                  {{"type", "text"}, {"text", "\"neutral\", \"confidence\": 0.3}\n```"}}});
  FakeLlmServer server({{200, reply.dump()}});
  auto reviewer = make(config_for(server, {{"anthropic_version", "2024-01-01"}}));
  ModelReview r = reviewer.review(request());
  EXPECT_EQ(r.assessment, Assessment::Neutral);
  EXPECT_EQ(server.received().at(0).headers["anthropic-version"], "2024-01-01");
}

TEST_F(Anthropic, MaxTokensStopIsACutOffError) {
  FakeLlmServer server({{200, message_reply(R"({"assessment": "agree", "confidence": 0.8, "critiques": [)", "max_tokens")}});
  auto reviewer = make(config_for(server, {{"max_tokens", 32}}));
  const std::string e = review_error(reviewer);
  EXPECT_EQ(e.rfind("reviewer anthropic (model claude-test): ", 0), 0u) << e;
  EXPECT_NE(e.find("cut off"), std::string::npos) << e;
  EXPECT_NE(e.find("max_tokens=32"), std::string::npos) << e;
}

TEST_F(Anthropic, RefusalStopIsAnError) {
  FakeLlmServer server({{200, message_reply("", "refusal")}});
  auto reviewer = make(config_for(server));
  EXPECT_NE(review_error(reviewer).find("the model refused to review the plan (stop reason 'refusal')"), std::string::npos);
}

TEST_F(Anthropic, OverloadedThenSuccessIsRetried) {
  FakeLlmServer server({{529, R"({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})"},
                        {200, message_reply(kVerdict)}});
  auto reviewer = make(config_for(server));
  EXPECT_EQ(reviewer.review(request()).assessment, Assessment::StronglyDisagree);
  EXPECT_EQ(server.calls(), 2u);
}

TEST_F(Anthropic, ApiErrorIsReportedWithItsMessage) {
  FakeLlmServer server({{404, R"({"type": "error", "error": {"type": "not_found_error", "message": "model: claude-nope"}})"}});
  auto reviewer = make(config_for(server));
  const std::string e = review_error(reviewer);
  EXPECT_NE(e.find("returned HTTP 404"), std::string::npos) << e;
  EXPECT_NE(e.find("model: claude-nope"), std::string::npos) << e;
  EXPECT_NE(e.find("check base_url (without /v1"), std::string::npos) << e;
}

TEST_F(Anthropic, AlwaysFailingNeverLeaksTheKey) {
  FakeLlmServer server({{502, std::string("bad gateway for x-api-key ") + kKey}});
  auto reviewer = make(config_for(server));
  const std::string e = review_error(reviewer);
  EXPECT_NE(e.find("failed after 3 attempts"), std::string::npos) << e;
  EXPECT_EQ(e.find(kKey), std::string::npos) << e;
  for (const auto& line : host_.logs()) EXPECT_EQ(line.find(kKey), std::string::npos) << line;
  for (const auto& r : server.received()) EXPECT_EQ(r.headers.at("x-api-key"), kKey);
}

TEST_F(Anthropic, UnsetKeyMakesItUnavailable) {
  auto reviewer = make({{"api_key_env", "DASHFLOW_TEST_ANTHROPIC_UNSET"}});
  std::string why;
  EXPECT_FALSE(reviewer.available(why));
  EXPECT_NE(why.find("environment variable DASHFLOW_TEST_ANTHROPIC_UNSET is not set"), std::string::npos) << why;
}
