#include "dashflow_analyzers/config.hpp"

#include "dashflow/errors.hpp"
#include "dashflow_analyzers/text.hpp"

namespace dashflow::analyzers {

namespace {
const json* find(const json& config, const char* key) {
  if (!config.is_object()) return nullptr;
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return nullptr;
  return &*it;
}
}  // namespace

uint64_t config_uint(const json& config, const char* key, uint64_t fallback) {
  const json* v = find(config, key);
  if (!v) return fallback;
  if (v->is_number_unsigned()) return v->get<uint64_t>();
  if (v->is_number_integer() && v->get<int64_t>() >= 0) return static_cast<uint64_t>(v->get<int64_t>());
  throw ConfigError(std::string("config key '") + key + "': expected a non-negative integer");
}

double config_number(const json& config, const char* key, double fallback, double min, double max) {
  const json* v = find(config, key);
  if (!v) return fallback;
  if (!v->is_number()) throw ConfigError(std::string("config key '") + key + "': expected a number");
  const double d = v->get<double>();
  if (d < min || d > max)
    throw ConfigError(std::string("config key '") + key + "': " + fixed(d, 4) + " is outside [" + fixed(min, 4) +
                      ", " + fixed(max, 4) + "]");
  return d;
}

bool config_bool(const json& config, const char* key, bool fallback) {
  const json* v = find(config, key);
  if (!v) return fallback;
  if (!v->is_boolean()) throw ConfigError(std::string("config key '") + key + "': expected true or false");
  return v->get<bool>();
}

std::vector<std::string> config_strings(const json& config, const char* key) {
  const json* v = find(config, key);
  if (!v) return {};
  if (!v->is_array()) throw ConfigError(std::string("config key '") + key + "': expected an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *v) {
    if (!item.is_string()) throw ConfigError(std::string("config key '") + key + "': expected an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace dashflow::analyzers
