// The Anthropic Messages API wire format (POST {base_url}/v1/messages with
// x-api-key and anthropic-version headers).
#pragma once

#include <dashflow_reviewer/llm_reviewer.hpp>

namespace dashflow_plugins::reviewer {

class AnthropicDialect final : public ChatDialect {
 public:
  explicit AnthropicDialect(std::string anthropic_version) : version_(std::move(anthropic_version)) {}

  std::string provider(const LlmSettings& settings) const override;
  HttpRequest build(const LlmSettings& settings, const std::string& api_key, const ReviewPrompt& prompt) const override;
  Completion read(const std::string& body) const override;
  std::string hint(const LlmSettings& settings, long status, const std::string& body) const override;

 private:
  std::string version_;
};

}  // namespace dashflow_plugins::reviewer
