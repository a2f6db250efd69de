#include "anthropic_dialect.hpp"

#include <stdexcept>

namespace dashflow_plugins::reviewer {

using dashflow::json;

std::string AnthropicDialect::provider(const LlmSettings&) const { return "Anthropic"; }

HttpRequest AnthropicDialect::build(const LlmSettings& s, const std::string& api_key, const ReviewPrompt& prompt) const {
  json body = {{"model", s.model},
               {"max_tokens", s.max_tokens},
               {"system", prompt.system},
               {"messages", json::array({{{"role", "user"}, {"content", prompt.user}}})}};
  if (s.temperature) body["temperature"] = *s.temperature;

  HttpRequest r;
  r.url = s.base_url + "/v1/messages";
  r.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}, {"anthropic-version", version_}};
  if (!api_key.empty()) r.headers.emplace_back("x-api-key", api_key);
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Completion AnthropicDialect::read(const std::string& body) const {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object()) throw std::runtime_error("the reply is not a JSON object");
  if ((j.contains("type") && j["type"] == "error") || (j.contains("error") && !j["error"].is_null()))
    throw std::runtime_error("API error: " + api_error_message(body));
  if (!j.contains("content") || !j["content"].is_array()) throw std::runtime_error("the reply has no content list");
  Completion c;
  // Text blocks only: thinking and tool blocks are not the answer.
  for (const auto& block : j["content"])
    if (block.is_object() && block.value("type", "") == "text" && block.contains("text") && block["text"].is_string())
      c.text += block["text"].get<std::string>();
  if (j.contains("stop_reason") && j["stop_reason"].is_string()) c.stop_reason = j["stop_reason"].get<std::string>();
  c.truncated = c.stop_reason == "max_tokens";
  if (c.stop_reason == "refusal") c.refusal = c.text.empty() ? "the model stopped with stop_reason 'refusal'" : c.text;
  return c;
}

std::string AnthropicDialect::hint(const LlmSettings& s, long status, const std::string& body) const {
  if (status == 0) return "is the Anthropic API reachable at " + display_url(s.base_url) + "?";
  if (status == 401 || status == 403)
    return s.api_key_env ? "check the API key in environment variable " + *s.api_key_env
                         : "the server wants a key: set api_key_env to the variable holding it";
  if (status == 404)
    return "check base_url (without /v1: requests go to {base_url}/v1/messages) and that model '" + s.model +
           "' exists";
  if (status == 400 && body.find("max_tokens") != std::string::npos) return "max_tokens is too large for this model";
  if (status == 400 && body.find("credit balance") != std::string::npos) return "the account has no credit left";
  return "";
}

}  // namespace dashflow_plugins::reviewer
