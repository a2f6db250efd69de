#include "dashflow_sinks/config_view.hpp"

#include <algorithm>
#include <cstring>

#include "dashflow/errors.hpp"

namespace dashflow::sinks {
namespace {

// Defaults of this level and of nested object schemas without a default.
json with_defaults(const json& value, const json& schema) {
  json out = value.is_null() ? json::object() : value;
  if (!out.is_object() || !schema.contains("properties")) return out;
  for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it) {
    const json& prop = it.value();
    if (out.contains(it.key()) && !out[it.key()].is_null()) {
      if (prop.value("type", "") == "object" && prop.contains("properties"))
        out[it.key()] = with_defaults(out[it.key()], prop);
    } else if (prop.contains("default")) {
      out[it.key()] = prop["default"];
    } else if (prop.value("type", "") == "object" && prop.contains("properties")) {
      out[it.key()] = with_defaults(json::object(), prop);
    }
  }
  return out;
}

std::string known_keys(const json& schema) {
  std::string out;
  for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it)
    out += (out.empty() ? "" : ", ") + it.key();
  return out;
}

// Unknown keys anywhere in closed object schemas, so a typo in a nested
// object is refused at construction, not when (or if) it is read.
void refuse_unknown_keys(const std::string& where, const json& config, const json& schema, const std::string& path) {
  if (!config.is_object() || !schema.contains("properties")) return;
  const json& props = schema["properties"];
  const bool closed = schema.value("additionalProperties", json(true)) == json(false);
  for (auto it = config.begin(); it != config.end(); ++it) {
    const std::string key = path.empty() ? it.key() : path + "." + it.key();
    if (!props.contains(it.key())) {
      if (closed)
        throw ConfigError(where + ": unknown config key '" + key + "' (known: " + known_keys(schema) + ")");
      continue;
    }
    refuse_unknown_keys(where, it.value(), props[it.key()], key);
  }
}

}  // namespace

json manifest_config_schema(const char* manifest_json) {
  return json::parse(manifest_json).at("config_schema");
}

ConfigView::ConfigView(std::string where, const json& config, const json& schema, std::string path)
    : where_(std::move(where)), schema_(schema), path_(std::move(path)) {
  if (!config.is_null() && !config.is_object())
    throw ConfigError(where_ + ": config" + (path_.empty() ? "" : " key '" + path_ + "'") +
                      " must be a JSON object, got " + config.dump());
  config_ = with_defaults(config, schema_);
  refuse_unknown_keys(where_, config_, schema_, path_);
}

const json& ConfigView::checked(const std::string& key, const char* type) const {
  auto it = config_.find(key);
  if (it == config_.end() || it->is_null())
    throw ConfigError(where_ + ": config key '" + key_path(key) + "' is missing and has no default");
  const json& v = *it;
  const std::string t = type;
  bool ok = (t == "string" && v.is_string()) || (t == "boolean" && v.is_boolean()) ||
            (t == "number" && v.is_number()) || (t == "object" && v.is_object()) ||
            (t == "integer" && (v.is_number_integer() ||
                                (v.is_number_float() && v.get<double>() == static_cast<double>(
                                                                               static_cast<int64_t>(v.get<double>())))));
  if (!ok) throw ConfigError(where_ + ": config key '" + key_path(key) + "' must be " + t + ", got " + v.dump());
  const json prop = schema_.value("properties", json::object()).value(key, json::object());
  auto fail = [&](const std::string& why) {
    throw ConfigError(where_ + ": config key '" + key_path(key) + "' " + why + ", got " + v.dump());
  };
  if (v.is_number()) {
    const double d = v.get<double>();
    if (prop.contains("minimum") && d < prop["minimum"].get<double>()) fail("must be at least " + prop["minimum"].dump());
    if (prop.contains("maximum") && d > prop["maximum"].get<double>()) fail("must be at most " + prop["maximum"].dump());
  }
  if (prop.contains("enum") && std::find(prop["enum"].begin(), prop["enum"].end(), v) == prop["enum"].end())
    fail("must be one of " + prop["enum"].dump());
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (prop.contains("minLength") && s.size() < prop["minLength"].get<size_t>())
      fail("must have at least " + prop["minLength"].dump() + " characters");
  }
  return v;
}

std::string ConfigView::string(const std::string& key) const { return checked(key, "string").get<std::string>(); }

std::string ConfigView::http_url(const std::string& key) const {
  const std::string url = string(key);
  if (url.empty()) return url;
  for (const char* scheme : {"http://", "https://"}) {
    const size_t n = std::strlen(scheme);
    if (url.size() > n && url.compare(0, n, scheme) == 0 && url.find_first_of(" \t\r\n") == std::string::npos)
      return url;
  }
  throw ConfigError(where_ + ": config key '" + key_path(key) + "' must be an http:// or https:// URL, got \"" + url +
                    "\"");
}

int64_t ConfigView::integer(const std::string& key) const {
  const json& v = checked(key, "integer");
  return v.is_number_float() ? static_cast<int64_t>(v.get<double>()) : v.get<int64_t>();
}

double ConfigView::number(const std::string& key) const { return checked(key, "number").get<double>(); }

bool ConfigView::boolean(const std::string& key) const { return checked(key, "boolean").get<bool>(); }

std::map<std::string, std::string> ConfigView::string_map(const std::string& key) const {
  const json& v = checked(key, "object");
  std::map<std::string, std::string> out;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!it->is_string())
      throw ConfigError(where_ + ": config key '" + key_path(key) + "." + it.key() + "' must be a string, got " +
                        it->dump());
    out[it.key()] = it->get<std::string>();
  }
  return out;
}

ConfigView ConfigView::child(const std::string& key) const {
  const json& v = checked(key, "object");
  const json prop = schema_.value("properties", json::object()).value(key, json::object());
  return ConfigView(where_, v, prop, key_path(key));
}

}  // namespace dashflow::sinks
