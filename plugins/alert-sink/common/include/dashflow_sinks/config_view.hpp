// Typed, checked reading of an alert sink's config against the schema in its
// own manifest: defaults come from the schema (one source of truth), unknown
// keys are refused, and every type or range error names the plugin and the
// key. The host validates the same schema before any plugin code runs; this
// keeps the plugin safe when it is constructed directly (tests, other hosts).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "dashflow/json.hpp"

namespace dashflow::sinks {

class ConfigView {
 public:
  // `where` prefixes messages ("webhook sink"); `schema` is the object schema
  // of this level. Throws ConfigError for unknown keys.
  ConfigView(std::string where, const json& config, const json& schema, std::string path = "");

  // Each getter checks type and the schema's minimum/maximum/enum/minLength
  // and throws ConfigError naming the key on a violation. ("pattern" is left
  // to the host's validator; string formats that matter are checked below.)
  std::string string(const std::string& key) const;
  // A string that is empty or an http:// or https:// URL with a host.
  std::string http_url(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  double number(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::map<std::string, std::string> string_map(const std::string& key) const;
  ConfigView child(const std::string& key) const;

  const json& values() const { return config_; }

 private:
  const json& checked(const std::string& key, const char* type) const;
  std::string key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  std::string where_;
  json config_;
  json schema_;
  std::string path_;
};

// The config_schema of a manifest given as its JSON text.
json manifest_config_schema(const char* manifest_json);

}  // namespace dashflow::sinks
