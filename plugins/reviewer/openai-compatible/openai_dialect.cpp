#include "openai_dialect.hpp"

#include <stdexcept>

namespace dashflow_plugins::reviewer {

using dashflow::json;

namespace {

bool contains(const std::string& haystack, const char* needle) { return haystack.find(needle) != std::string::npos; }

std::string host_of(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  std::string host = url.substr(start, url.find_first_of("/?#", start) - start);
  if (const size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  return host.substr(0, host.find(':'));
}

// content is a string, null, or (some servers) a list of {type: "text", text} parts.
std::string content_text(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (content.is_array())
    for (const auto& part : content)
      if (part.is_object() && part.contains("text") && part["text"].is_string()) text += part["text"].get<std::string>();
  return text;
}

}  // namespace

std::string OpenAiDialect::provider(const LlmSettings& settings) const {
  return host_of(settings.base_url) == "api.openai.com" ? "OpenAI" : "Other";
}

HttpRequest OpenAiDialect::build(const LlmSettings& s, const std::string& api_key, const ReviewPrompt& prompt) const {
  json body = {{"model", s.model},
               {"messages", json::array({{{"role", "system"}, {"content", prompt.system}},
                                         {{"role", "user"}, {"content", prompt.user}}})},
               {"stream", false}};
  body[options_.max_tokens_param] = s.max_tokens;
  if (s.temperature) body["temperature"] = *s.temperature;
  if (options_.json_mode) body["response_format"] = {{"type", "json_object"}};

  HttpRequest r;
  r.url = s.base_url + "/chat/completions";
  r.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  if (!api_key.empty()) r.headers.emplace_back("Authorization", "Bearer " + api_key);
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Completion OpenAiDialect::read(const std::string& body) const {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object()) throw std::runtime_error("the reply is not a JSON object");
  if (j.contains("error") && !j["error"].is_null()) throw std::runtime_error("API error: " + api_error_message(body));
  if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty())
    throw std::runtime_error("the reply has no choices");
  const json& choice = j["choices"][0];
  if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object())
    throw std::runtime_error("choices[0] has no message");
  const json& message = choice["message"];
  Completion c;
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string())
    c.stop_reason = choice["finish_reason"].get<std::string>();
  if (message.contains("content")) c.text = content_text(message["content"]);
  if (message.contains("refusal") && message["refusal"].is_string() && !message["refusal"].get<std::string>().empty())
    c.refusal = message["refusal"].get<std::string>();
  else if (c.stop_reason == "content_filter")
    c.refusal = "the provider's content filter stopped the reply";
  c.truncated = c.stop_reason == "length";
  return c;
}

std::string OpenAiDialect::hint(const LlmSettings& s, long status, const std::string& body) const {
  if (status == 0) return "is an OpenAI-compatible server running at " + display_url(s.base_url) + "?";
  if (status == 401 || status == 403)
    return s.api_key_env ? "check the API key in environment variable " + *s.api_key_env
                         : "the server wants a key: set api_key_env to the variable holding it";
  if (status == 404)
    return "check base_url (OpenAI-compatible servers usually end in /v1, e.g. http://localhost:11434/v1 for "
           "Ollama) and that model '" + s.model + "' exists there";
  if (status == 429 && contains(body, "insufficient_quota")) return "the account's quota is exhausted";
  if (status == 400 || status == 422) {
    if (contains(body, "response_format") || contains(body, "json_object"))
      return "this server does not accept response_format: set json_mode to false";
    if (contains(body, "max_completion_tokens")) return "set max_tokens_param to \"max_completion_tokens\"";
    if (contains(body, "temperature")) return "this model does not accept a temperature: set temperature to null";
    if (contains(body, "context") || contains(body, "too long")) return "the prompt is too long for this model";
  }
  return "";
}

bool OpenAiDialect::permanent_failure(const HttpResponse& response) const {
  return response.status == 429 && contains(response.body, "insufficient_quota");
}

}  // namespace dashflow_plugins::reviewer
