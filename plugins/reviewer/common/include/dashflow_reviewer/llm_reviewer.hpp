// The reviewer behind every LLM plugin: settings and key from the config,
// prompt -> HTTP (timeouts, retries) -> reply text -> verdict -> ModelReview.
// A plugin supplies only its wire format, a ChatDialect.
//
// Failures throw std::runtime_error starting with "reviewer <id> (model
// <model>): " and saying what went wrong (unavailable key, HTTP status after
// retries with a hint, refusal, empty or cut-off reply, malformed verdict).
// No text that leaves this class (errors, logs, raw_response, critiques)
// contains the API key. review() may be called from several threads at once.
#pragma once

#include <dashflow/plugin.hpp>

#include <memory>
#include <optional>
#include <string>

#include "dashflow_reviewer/http_client.hpp"
#include "dashflow_reviewer/prompt.hpp"
#include "dashflow_reviewer/settings.hpp"

namespace dashflow_plugins::reviewer {

// What a provider's reply says, independent of its JSON shape.
struct Completion {
  std::string text;                    // the model's answer (all text parts)
  bool truncated = false;              // generation stopped at max_tokens
  std::optional<std::string> refusal;  // the provider flagged a refusal / content filter
  std::string stop_reason;             // as the provider names it, for messages
};

class ChatDialect {
 public:
  virtual ~ChatDialect() = default;
  // ModelIdentifier.provider: "OpenAI", "Anthropic" or "Other".
  virtual std::string provider(const LlmSettings& settings) const = 0;
  virtual HttpRequest build(const LlmSettings& settings, const std::string& api_key, const ReviewPrompt& prompt) const = 0;
  // Reads a 2xx body; throws std::runtime_error when it is not the expected shape.
  virtual Completion read(const std::string& body) const = 0;
  // Extra advice for a failed call (status 0: no HTTP reply), e.g. "check api_key_env".
  virtual std::string hint(const LlmSettings& settings, long status, const std::string& body) const = 0;
  // A retryable status that will not get better by retrying (exhausted quota).
  virtual bool permanent_failure(const HttpResponse&) const { return false; }
};

class LlmReviewer : public dashflow::Reviewer {
 public:
  LlmReviewer(const dashflow::PluginContext& ctx, const SettingsDefaults& defaults, std::unique_ptr<ChatDialect> dialect);

  dashflow::ModelIdentifier model() const override;
  bool available(std::string& why_not) const override;
  dashflow::ModelReview review(const dashflow::ReviewRequest& request) override;

  const LlmSettings& settings() const { return settings_; }

 private:
  [[noreturn]] void fail(const std::string& message) const;

  LlmSettings settings_;
  ApiKey key_;
  Scrubber scrub_;
  std::unique_ptr<ChatDialect> dialect_;
  dashflow::HostServices host_;
  std::string prefix_;
  std::unique_ptr<HttpClient> http_;
};

// Message of an API error body ({"error": {"message": ...}} and the like),
// or a snippet of the body; "" for an empty body.
std::string api_error_message(const std::string& body);

}  // namespace dashflow_plugins::reviewer
