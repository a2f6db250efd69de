// The OpenAI chat completions wire format (POST {base_url}/chat/completions),
// as spoken by OpenAI, vLLM, Ollama (/v1), llama.cpp server and most gateways.
#pragma once

#include <dashflow_reviewer/llm_reviewer.hpp>

namespace dashflow_plugins::reviewer {

struct OpenAiOptions {
  bool json_mode = true;                      // send response_format {"type": "json_object"}
  std::string max_tokens_param = "max_tokens";  // or "max_completion_tokens" (o-series, newer models)
};

class OpenAiDialect final : public ChatDialect {
 public:
  explicit OpenAiDialect(OpenAiOptions options) : options_(std::move(options)) {}

  std::string provider(const LlmSettings& settings) const override;
  HttpRequest build(const LlmSettings& settings, const std::string& api_key, const ReviewPrompt& prompt) const override;
  Completion read(const std::string& body) const override;
  std::string hint(const LlmSettings& settings, long status, const std::string& body) const override;
  bool permanent_failure(const HttpResponse& response) const override;

 private:
  OpenAiOptions options_;
};

}  // namespace dashflow_plugins::reviewer
