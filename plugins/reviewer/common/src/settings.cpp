#include "dashflow_reviewer/settings.hpp"

#include <dashflow/errors.hpp>

#include <cstdlib>

namespace dashflow_plugins::reviewer {

using dashflow::ConfigError;
using dashflow::json;

namespace {

[[noreturn]] void bad(const std::string& plugin_id, const std::string& key, const std::string& expected, const json& got) {
  throw ConfigError("reviewer " + plugin_id + ": config key '" + key + "' must be " + expected + ", got " +
                    got.dump(-1, ' ', false, json::error_handler_t::replace));
}

int64_t config_int(const json& c, const std::string& key, int64_t fallback, int64_t min, int64_t max,
                   const std::string& plugin_id) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) return fallback;
  const std::string expected = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  int64_t v = 0;
  if (it->is_number_integer()) {
    v = it->get<int64_t>();
  } else if (it->is_number_float() && it->get<double>() == static_cast<double>(static_cast<int64_t>(it->get<double>()))) {
    v = static_cast<int64_t>(it->get<double>());
  } else {
    bad(plugin_id, key, expected, *it);
  }
  if (v < min || v > max) bad(plugin_id, key, expected, *it);
  return v;
}

}  // namespace

std::string config_string(const json& c, const std::string& key, const std::string& fallback, const std::string& plugin_id) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) return fallback;
  if (!it->is_string()) bad(plugin_id, key, "a string", *it);
  return it->get<std::string>();
}

bool config_bool(const json& c, const std::string& key, bool fallback, const std::string& plugin_id) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) bad(plugin_id, key, "true or false", *it);
  return it->get<bool>();
}

LlmSettings read_llm_settings(const json& c, const SettingsDefaults& d) {
  const std::string& id = d.plugin_id;
  if (!c.is_object()) throw ConfigError("reviewer " + id + ": config must be a JSON object");
  LlmSettings s;
  s.plugin_id = id;

  s.base_url = config_string(c, "base_url", d.base_url, id);
  if (s.base_url.rfind("http://", 0) != 0 && s.base_url.rfind("https://", 0) != 0)
    bad(id, "base_url", "an http:// or https:// URL", json(s.base_url));
  while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();

  s.model = config_string(c, "model", d.model, id);
  if (s.model.empty()) bad(id, "model", "a non-empty model name", json(s.model));

  // Absent: the provider's usual variable. "" or null: no key (local servers).
  if (auto it = c.find("api_key_env"); it == c.end()) {
    s.api_key_env = d.api_key_env;
  } else if (it->is_null() || (it->is_string() && it->get<std::string>().empty())) {
    s.api_key_env = std::nullopt;
  } else if (it->is_string()) {
    s.api_key_env = it->get<std::string>();
  } else {
    bad(id, "api_key_env", "the name of an environment variable, or null", *it);
  }

  s.http.timeout_ms = config_int(c, "timeout_ms", 60000, 100, 3600000, id);
  s.http.connect_timeout_ms = config_int(c, "connect_timeout_ms", 10000, 100, 600000, id);
  s.http.retry.max_retries = static_cast<int>(config_int(c, "max_retries", 3, 0, 10, id));
  s.http.retry.initial_backoff_ms = config_int(c, "initial_backoff_ms", 1000, 0, 600000, id);
  s.http.retry.max_backoff_ms = config_int(c, "max_backoff_ms", 30000, 0, 3600000, id);
  if (s.http.retry.max_backoff_ms < s.http.retry.initial_backoff_ms)
    bad(id, "max_backoff_ms", "at least initial_backoff_ms (" + std::to_string(s.http.retry.initial_backoff_ms) + ")",
        json(s.http.retry.max_backoff_ms));
  s.max_tokens = config_int(c, "max_tokens", 2048, 16, 1000000, id);

  if (auto it = c.find("temperature"); it == c.end()) {
    s.temperature = 0.0;
  } else if (it->is_null()) {
    s.temperature = std::nullopt;
  } else if (it->is_number() && it->get<double>() >= 0 && it->get<double>() <= 2) {
    s.temperature = it->get<double>();
  } else {
    bad(id, "temperature", "a number from 0 to 2, or null to leave it to the server", *it);
  }
  return s;
}

ApiKey read_api_key(const std::optional<std::string>& env_name, const std::string& plugin_id) {
  ApiKey key;
  if (!env_name) return key;
  const char* value = std::getenv(env_name->c_str());
  if (!value) {
    key.unavailable_reason = "environment variable " + *env_name + " is not set (named by api_key_env of reviewer " +
                             plugin_id + "); export it, or set api_key_env to null for a server without authentication";
  } else if (*value == '\0') {
    key.unavailable_reason = "environment variable " + *env_name + " is set but empty (named by api_key_env of reviewer " +
                             plugin_id + ")";
  } else {
    key.value = value;
  }
  return key;
}

}  // namespace dashflow_plugins::reviewer
