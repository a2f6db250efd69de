// The configuration every LLM reviewer shares, read from the plugin config
// (already checked against the manifest schema by the host; checked again
// here so direct construction, e.g. in tests, gets the same clear errors),
// and the API key lookup through the environment variable it names.
#pragma once

#include <dashflow/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "dashflow_reviewer/http_client.hpp"

namespace dashflow_plugins::reviewer {

struct SettingsDefaults {
  std::string plugin_id;    // "openai-compatible", used in messages
  std::string base_url;
  std::string model;
  std::string api_key_env;  // default variable name
};

struct LlmSettings {
  std::string plugin_id;
  std::string base_url;                     // no trailing slash
  std::string model;
  std::optional<std::string> api_key_env;   // nullopt: the server needs no key
  HttpOptions http;
  std::optional<double> temperature;        // nullopt: not sent
  int64_t max_tokens = 2048;
};

// Keys: base_url, model, api_key_env (string, "" or null = no key),
// timeout_ms, connect_timeout_ms, max_retries, initial_backoff_ms,
// max_backoff_ms, temperature (number or null), max_tokens. Other keys are
// left to the plugin. Throws dashflow::ConfigError naming the key.
LlmSettings read_llm_settings(const dashflow::json& config, const SettingsDefaults& defaults);

// Typed getters for plugin-specific keys, with the same error style.
std::string config_string(const dashflow::json& config, const std::string& key, const std::string& fallback,
                          const std::string& plugin_id);
bool config_bool(const dashflow::json& config, const std::string& key, bool fallback, const std::string& plugin_id);

struct ApiKey {
  std::string value;               // empty when no key is used or it is missing
  std::string unavailable_reason;  // non-empty: the reviewer cannot run
};

// Reads the variable once. Named but unset, or set but empty, makes the
// reviewer unavailable with a reason naming the variable and the fix.
ApiKey read_api_key(const std::optional<std::string>& env_name, const std::string& plugin_id);

}  // namespace dashflow_plugins::reviewer
