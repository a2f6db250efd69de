// The openai-compatible reviewer against a scripted fake server: good,
// fenced, malformed, partial, refusal, empty, slow, 429/500 then ok,
// always-500, auth failures; the key is sent but never shows in errors.
#include <gtest/gtest.h>

#include <dashflow/errors.hpp>
#include <dashflow/json.hpp>

#include <chrono>
#include <cstdlib>
#include <future>

#include "fake_llm_server.hpp"
#include "openai_reviewer.hpp"

using namespace dashflow;
using dashflow_plugins::OpenAiCompatibleReviewer;
using llmtest::FakeLlmServer;
using llmtest::RecordingHost;
using llmtest::Reply;

namespace {

constexpr const char* kKeyEnv = "DASHFLOW_TEST_OPENAI_KEY";
constexpr const char* kKey = "sk-test-5ecret-DO-NOT-LEAK-1234567890";

// Before main(): no other thread exists yet, so setenv is safe.
const bool kEnvironment = [] {
  ::setenv(kKeyEnv, kKey, 1);
  ::unsetenv("DASHFLOW_TEST_UNSET_KEY");
  for (const char* v : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) ::unsetenv(v);
  return true;
}();

const char* kVerdict = R"({"assessment": "agree", "confidence": 0.8, "critiques": [{"target": "rollback",
  "criticism": "No rollback", "severity": "major", "suggested_fix": "Describe a rollback"}],
  "suggestions": ["Start with a canary"]})";

std::string chat_reply(const std::string& content, const std::string& finish = "stop") {
  return json{{"id", "chatcmpl-1"},
              {"object", "chat.completion"},
              {"model", "test-model"},
              {"choices", json::array({{{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", content}}},
                                        {"finish_reason", finish}}})}}
      .dump();
}

json config_for(const FakeLlmServer& server, json extra = json::object()) {
  json c = {{"base_url", server.url("/v1")}, {"model", "test-model"},  {"api_key_env", kKeyEnv},
            {"timeout_ms", 5000},            {"max_retries", 2},       {"initial_backoff_ms", 10},
            {"max_backoff_ms", 2000}};
  c.update(extra);
  return c;
}

ReviewRequest request() {
  ReviewRequest r;
  r.plan.id = "11111111-2222-4333-8444-555555555555";
  r.plan.title = "Cache geocode results";
  r.plan.description = "Add a cache in front of the geocode tool";
  r.summary.total_executions = 50;
  return r;
}

std::string review_error(OpenAiCompatibleReviewer& reviewer) {
  try {
    reviewer.review(request());
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

class OpenAiReviewer : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(kEnvironment); }
  RecordingHost host_;
  OpenAiCompatibleReviewer make(const json& config) { return OpenAiCompatibleReviewer(PluginContext(host_.api(), config.dump())); }
  void expect_no_key_in_logs() {
    for (const auto& line : host_.logs()) EXPECT_EQ(line.find(kKey), std::string::npos) << line;
  }
};

}  // namespace

TEST_F(OpenAiReviewer, GoodReplyBecomesAReviewAndTheRequestIsRight) {
  FakeLlmServer server({{200, chat_reply(kVerdict)}});
  auto reviewer = make(config_for(server));
  std::string why;
  EXPECT_TRUE(reviewer.available(why)) << why;
  EXPECT_EQ(reviewer.model(), (ModelIdentifier{"Other", "test-model"}));

  ModelReview r = reviewer.review(request());
  EXPECT_EQ(r.model, (ModelIdentifier{"Other", "test-model"}));
  EXPECT_EQ(r.assessment, Assessment::Agree);
  EXPECT_DOUBLE_EQ(r.confidence, 0.8);
  ASSERT_EQ(r.critiques.size(), 1u);
  EXPECT_EQ(r.critiques[0].severity, CritiqueSeverity::Major);
  EXPECT_EQ(r.suggestions, std::vector<std::string>{"Start with a canary"});
  EXPECT_EQ(r.raw_response, kVerdict);

  auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].path, "/v1/chat/completions");
  EXPECT_EQ(received[0].headers["Authorization"], std::string("Bearer ") + kKey);  // the key is sent
  json body = json::parse(received[0].body);
  EXPECT_EQ(body["model"], "test-model");
  EXPECT_EQ(body["max_tokens"], 2048);
  EXPECT_EQ(body["temperature"], 0.0);
  EXPECT_EQ(body["response_format"]["type"], "json_object");
  EXPECT_EQ(body["stream"], false);
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_NE(body["messages"][1]["content"].get<std::string>().find("Cache geocode results"), std::string::npos);
}

TEST_F(OpenAiReviewer, OptionsChangeTheRequest) {
  FakeLlmServer server({{200, chat_reply(kVerdict)}});
  auto reviewer = make(config_for(server, {{"json_mode", false},
                                           {"temperature", nullptr},
                                           {"max_tokens", 500},
                                           {"max_tokens_param", "max_completion_tokens"},
                                           {"api_key_env", nullptr}}));
  reviewer.review(request());
  auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].headers.count("Authorization"), 0u);  // local server: no key
  json body = json::parse(received[0].body);
  EXPECT_FALSE(body.contains("response_format"));
  EXPECT_FALSE(body.contains("temperature"));
  EXPECT_FALSE(body.contains("max_tokens"));
  EXPECT_EQ(body["max_completion_tokens"], 500);
}

TEST_F(OpenAiReviewer, FencedReplyIsParsed) {
  FakeLlmServer server({{200, chat_reply(std::string("Sure! Here is my verdict:\n```json\n") + kVerdict + "\n```")}});
  auto reviewer = make(config_for(server));
  EXPECT_EQ(reviewer.review(request()).assessment, Assessment::Agree);
}

TEST_F(OpenAiReviewer, ContentAsListOfPartsIsParsed) {
  json reply = json::parse(chat_reply(""));
  reply["choices"][0]["message"]["content"] = json::array({{{"type", "text"}, {"text", kVerdict}}});
  FakeLlmServer server({{200, reply.dump()}});
  auto reviewer = make(config_for(server));
  EXPECT_EQ(reviewer.review(request()).assessment, Assessment::Agree);
}

TEST_F(OpenAiReviewer, MalformedReplyIsAClearError) {
  FakeLlmServer server({{200, chat_reply(R"({"assessment": "agree", confidence: high})")}});
  auto reviewer = make(config_for(server));
  const std::string e = review_error(reviewer);
  EXPECT_EQ(e.rfind("reviewer openai-compatible (model test-model): ", 0), 0u) << e;
  EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
  EXPECT_EQ(server.calls(), 1u);  // a bad verdict is not retried
}

TEST_F(OpenAiReviewer, PartialReplyCutAtMaxTokensIsAClearError) {
  FakeLlmServer server({{200, chat_reply(R"({"assessment": "agree", "confidence": 0.9, "critiques": [{"target": "st)", "length")}});
  auto reviewer = make(config_for(server, {{"max_tokens", 64}}));
  const std::string e = review_error(reviewer);
  EXPECT_NE(e.find("cut off"), std::string::npos) << e;
  EXPECT_NE(e.find("max_tokens=64"), std::string::npos) << e;
}

TEST_F(OpenAiReviewer, RefusalsAreClearErrors) {
  {
    json reply = json::parse(chat_reply(""));
    reply["choices"][0]["message"]["content"] = nullptr;
    reply["choices"][0]["message"]["refusal"] = "I'm sorry, I cannot help with that request.";
    FakeLlmServer server({{200, reply.dump()}});
    auto reviewer = make(config_for(server));
    const std::string e = review_error(reviewer);
    EXPECT_NE(e.find("the model refused to review the plan"), std::string::npos) << e;
    EXPECT_NE(e.find("I cannot help"), std::string::npos) << e;
  }
  {
    FakeLlmServer server({{200, chat_reply("I can't help with reviewing this plan.")}});
    auto reviewer = make(config_for(server));
    const std::string e = review_error(reviewer);
    EXPECT_NE(e.find("declined to review"), std::string::npos) << e;
  }
}

TEST_F(OpenAiReviewer, EmptyAndUnexpectedRepliesAreClearErrors) {
  {
    FakeLlmServer server({{200, chat_reply("   ")}});
    auto reviewer = make(config_for(server));
    EXPECT_NE(review_error(reviewer).find("the reply is empty (stop reason 'stop')"), std::string::npos);
  }
  {
    FakeLlmServer server({{200, R"({"object": "chat.completion", "choices": []})"}});
    auto reviewer = make(config_for(server));
    const std::string e = review_error(reviewer);
    EXPECT_NE(e.find("unexpected reply"), std::string::npos) << e;
    EXPECT_NE(e.find("no choices"), std::string::npos) << e;
  }
  {
    FakeLlmServer server({{200, "<html>gateway</html>"}});
    auto reviewer = make(config_for(server));
    EXPECT_NE(review_error(reviewer).find("not a JSON object"), std::string::npos);
  }
}

TEST_F(OpenAiReviewer, SlowServerTimesOutAfterRetries) {
  FakeLlmServer server({{200, chat_reply(kVerdict), {}, 20000}});
  auto reviewer = make(config_for(server, {{"timeout_ms", 300}, {"max_retries", 1}}));
  const std::string e = review_error(reviewer);
  EXPECT_NE(e.find("timed out (timeout_ms=300"), std::string::npos) << e;
  EXPECT_NE(e.find("failed after 2 attempts (max_retries=1)"), std::string::npos) << e;
  EXPECT_NE(e.find("is an OpenAI-compatible server running at"), std::string::npos) << e;
  EXPECT_EQ(server.calls(), 2u);
}

TEST_F(OpenAiReviewer, RateLimitThenSuccessIsRetried) {
  FakeLlmServer server({{429, R"({"error": {"message": "Rate limit reached", "type": "rate_limit_error"}})", {{"Retry-After", "0"}}},
                        {200, chat_reply(kVerdict)}});
  auto reviewer = make(config_for(server));
  EXPECT_EQ(reviewer.review(request()).assessment, Assessment::Agree);
  EXPECT_EQ(server.calls(), 2u);
  bool logged = false;
  for (const auto& line : host_.logs()) logged = logged || line.find("HTTP 429") != std::string::npos;
  EXPECT_TRUE(logged);
}

TEST_F(OpenAiReviewer, ServerErrorThenSuccessIsRetried) {
  FakeLlmServer server({{500, "oops"}, {503, "busy"}, {200, chat_reply(kVerdict)}});
  auto reviewer = make(config_for(server));
  EXPECT_EQ(reviewer.review(request()).assessment, Assessment::Agree);
  EXPECT_EQ(server.calls(), 3u);
}

TEST_F(OpenAiReviewer, RetryAfterIsHonoured) {
  FakeLlmServer server({{429, "slow down", {{"Retry-After", "1"}}}, {200, chat_reply(kVerdict)}});
  auto reviewer = make(config_for(server));
  const auto start = std::chrono::steady_clock::now();
  reviewer.review(request());
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(950));  // the 10 ms backoff gave way to Retry-After
}

TEST_F(OpenAiReviewer, RetryAfterBeyondTheCapStopsAtOnce) {
  FakeLlmServer server({{429, "come back later", {{"Retry-After", "120"}}}, {200, chat_reply(kVerdict)}});
  auto reviewer = make(config_for(server));
  const std::string e = review_error(reviewer);
  EXPECT_NE(e.find("asks to wait 120 s (Retry-After), more than max_backoff_ms=2000"), std::string::npos) << e;
  EXPECT_EQ(server.calls(), 1u);
}

TEST_F(OpenAiReviewer, AlwaysFailingServerGivesUpAndNeverLeaksTheKey) {
  // A broken proxy that echoes the request headers back in its error page.
  FakeLlmServer server({{500, std::string("internal error; request had Authorization: Bearer ") + kKey}});
  auto reviewer = make(config_for(server));
  const std::string e = review_error(reviewer);
  EXPECT_NE(e.find("failed after 3 attempts (max_retries=2): HTTP 500"), std::string::npos) << e;
  EXPECT_NE(e.find("[REDACTED]"), std::string::npos) << e;
  EXPECT_EQ(e.find(kKey), std::string::npos) << e;
  EXPECT_EQ(server.calls(), 3u);
  for (const auto& r : server.received()) EXPECT_EQ(r.headers.at("Authorization"), std::string("Bearer ") + kKey);
  expect_no_key_in_logs();
}

TEST_F(OpenAiReviewer, KeyEchoedByTheModelIsScrubbedFromTheReview) {
  const std::string content = std::string(R"({"assessment": "neutral", "confidence": 0.5, "critiques": [{"criticism": "saw key )") +
                              kKey + R"(", "severity": "minor"}], "suggestions": ["rotate )" + std::string(kKey) + "\"]}";
  FakeLlmServer server({{200, chat_reply(content)}});
  auto reviewer = make(config_for(server));
  ModelReview r = reviewer.review(request());
  EXPECT_EQ(r.raw_response.find(kKey), std::string::npos);
  EXPECT_EQ(r.critiques.at(0).criticism, "saw key [REDACTED]");
  EXPECT_EQ(r.suggestions.at(0), "rotate [REDACTED]");
}

TEST_F(OpenAiReviewer, AuthFailureIsNotRetriedAndNamesTheVariable) {
  FakeLlmServer server({{401, R"({"error": {"message": "Incorrect API key provided: sk-test-5ecret-DO-NOT-LEAK-1234567890", "type": "invalid_request_error"}})"}});
  auto reviewer = make(config_for(server));
  const std::string e = review_error(reviewer);
  EXPECT_NE(e.find("returned HTTP 401"), std::string::npos) << e;
  EXPECT_NE(e.find("check the API key in environment variable DASHFLOW_TEST_OPENAI_KEY"), std::string::npos) << e;
  EXPECT_EQ(e.find(kKey), std::string::npos) << e;
  EXPECT_EQ(server.calls(), 1u);
}

TEST_F(OpenAiReviewer, HintsForRejectedOptions) {
  FakeLlmServer server({{400, R"({"error": {"message": "response_format json_object is not supported"}})"}});
  auto reviewer = make(config_for(server));
  EXPECT_NE(review_error(reviewer).find("set json_mode to false"), std::string::npos);
}

TEST_F(OpenAiReviewer, ExhaustedQuotaIsNotRetried) {
  FakeLlmServer server({{429, R"({"error": {"message": "You exceeded your current quota", "code": "insufficient_quota"}})"}});
  auto reviewer = make(config_for(server));
  const std::string e = review_error(reviewer);
  EXPECT_NE(e.find("quota is exhausted"), std::string::npos) << e;
  EXPECT_EQ(server.calls(), 1u);
}

TEST_F(OpenAiReviewer, UnsetKeyVariableMakesItUnavailableWithTheReason) {
  FakeLlmServer server({{200, chat_reply(kVerdict)}});
  auto reviewer = make(config_for(server, {{"api_key_env", "DASHFLOW_TEST_UNSET_KEY"}}));
  std::string why;
  EXPECT_FALSE(reviewer.available(why));
  EXPECT_EQ(why,
            "environment variable DASHFLOW_TEST_UNSET_KEY is not set (named by api_key_env of reviewer "
            "openai-compatible); export it, or set api_key_env to null for a server without authentication");
  EXPECT_NE(review_error(reviewer).find("not available: environment variable DASHFLOW_TEST_UNSET_KEY"), std::string::npos);
  EXPECT_EQ(server.calls(), 0u);
}

TEST_F(OpenAiReviewer, UnreachableServerIsAClearError) {
  json config = {{"base_url", "http://127.0.0.1:1/v1"}, {"api_key_env", nullptr}, {"max_retries", 1},
                 {"initial_backoff_ms", 10},           {"timeout_ms", 5000}};
  auto reviewer = make(config);
  const std::string e = review_error(reviewer);
  EXPECT_NE(e.find("POST http://127.0.0.1:1/v1/chat/completions failed after 2 attempts"), std::string::npos) << e;
  EXPECT_NE(e.find("could not connect"), std::string::npos) << e;
}

TEST_F(OpenAiReviewer, HostCancellationStopsTheRetries) {
  FakeLlmServer server({{500, "down"}});
  auto reviewer = make(config_for(server, {{"initial_backoff_ms", 60000}, {"max_backoff_ms", 60000}}));
  auto result = std::async(std::launch::async, [&] { return review_error(reviewer); });
  while (server.calls() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  host_.cancel();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "cancellation was not honoured";
  EXPECT_NE(result.get().find("cancelled by the host"), std::string::npos);
}

TEST_F(OpenAiReviewer, ConcurrentReviewsOnOneInstance) {
  FakeLlmServer server({{200, chat_reply(kVerdict)}});
  auto reviewer = make(config_for(server));
  std::vector<std::future<ModelReview>> futures;
  for (int i = 0; i < 6; ++i) futures.push_back(std::async(std::launch::async, [&] { return reviewer.review(request()); }));
  for (auto& f : futures) EXPECT_EQ(f.get().assessment, Assessment::Agree);
  EXPECT_EQ(server.calls(), 6u);
}

TEST_F(OpenAiReviewer, ProviderIsOpenAiOnlyForTheOpenAiHost) {
  auto reviewer = make({{"api_key_env", nullptr}});
  EXPECT_EQ(reviewer.model(), (ModelIdentifier{"OpenAI", "gpt-4o-mini"}));
}

TEST_F(OpenAiReviewer, BadConfigIsAConfigError) {
  EXPECT_THROW(make({{"max_tokens_param", "tokens"}}), ConfigError);
  EXPECT_THROW(make({{"json_mode", "yes"}}), ConfigError);
  EXPECT_THROW(make({{"base_url", "localhost:8080"}}), ConfigError);
}
