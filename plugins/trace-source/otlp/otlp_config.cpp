#include "otlp_config.hpp"

#include "dashflow/errors.hpp"

namespace dashflow::otlp {
namespace {

constexpr const char* kKnownKeys[] = {"path", "recursive", "max_file_mb", "max_depth", "follow_symlinks",
                                      "keep_attributes", "keep_content"};

[[noreturn]] void bad(const std::string& key, const std::string& expected) {
  throw ConfigError("otlp config: '" + key + "' must be " + expected);
}

uint64_t read_int(const json& config, const std::string& key, uint64_t fallback, uint64_t min, uint64_t max) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) bad(key, "an integer");
  if (it->is_number_unsigned()) {
    const uint64_t v = it->get<uint64_t>();
    if (v >= min && v <= max) return v;
  } else {
    const int64_t v = it->get<int64_t>();
    if (v >= 0 && static_cast<uint64_t>(v) >= min && static_cast<uint64_t>(v) <= max) return static_cast<uint64_t>(v);
  }
  bad(key, "an integer between " + std::to_string(min) + " and " + std::to_string(max));
}

bool read_bool(const json& config, const std::string& key, bool fallback) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) bad(key, "true or false");
  return it->get<bool>();
}

}  // namespace

OtlpConfig OtlpConfig::from_json(const json& config) {
  OtlpConfig c;
  if (config.is_null()) return c;
  if (!config.is_object()) throw ConfigError("otlp config must be a JSON object");
  for (const auto& item : config.items()) {
    bool known = false;
    for (const char* k : kKnownKeys) known = known || item.key() == k;
    if (!known)
      throw ConfigError("otlp config: unknown key '" + item.key() +
                        "' (known: path, recursive, max_file_mb, max_depth, follow_symlinks, keep_attributes, "
                        "keep_content)");
  }
  if (const auto it = config.find("path"); it != config.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>().empty()) bad("path", "a non-empty string (a directory)");
    c.path = it->get<std::string>();
  }
  c.recursive = read_bool(config, "recursive", c.recursive);
  c.max_file_mb = read_int(config, "max_file_mb", c.max_file_mb, 1, 1u << 20);
  c.max_depth = read_int(config, "max_depth", c.max_depth, 1, 4096);
  c.follow_symlinks = read_bool(config, "follow_symlinks", c.follow_symlinks);
  c.keep_attributes = read_bool(config, "keep_attributes", c.keep_attributes);
  c.keep_content = read_bool(config, "keep_content", c.keep_content);
  return c;
}

tracedir::TraceDirConfig OtlpConfig::listing() const {
  tracedir::TraceDirConfig t;
  t.path = path;
  t.recursive = recursive;
  t.max_file_mb = max_file_mb;
  t.max_depth = max_depth;
  t.follow_symlinks = follow_symlinks;
  return t;
}

}  // namespace dashflow::otlp
