#include "fs_config.hpp"

#include "dashflow/errors.hpp"

namespace dashflow::fsstore {
namespace {

uint64_t read_count(const json& config, const char* key, uint64_t fallback) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  if (it->is_number_unsigned()) return it->get<uint64_t>();
  if (it->is_number_integer() && it->get<int64_t>() >= 0) return static_cast<uint64_t>(it->get<int64_t>());
  throw ConfigError(std::string("storage fs: config key '") + key + "' must be a non-negative integer, got " +
                    it->dump());
}

}  // namespace

FsConfig parse_fs_config(const json& config) {
  FsConfig out;
  if (config.is_null()) return out;
  if (!config.is_object()) throw ConfigError("storage fs: config must be a JSON object, got " + config.dump());
  for (auto it = config.begin(); it != config.end(); ++it) {
    const std::string& key = it.key();
    if (key != "path" && key != "size_warning_mb" && key != "size_critical_mb" && key != "report_warning_count" &&
        key != "plan_warning_count" && key != "lock_timeout_ms") {
      throw ConfigError("storage fs: unknown config key '" + key +
                        "' (known: path, size_warning_mb, size_critical_mb, report_warning_count, "
                        "plan_warning_count, lock_timeout_ms)");
    }
  }
  if (auto it = config.find("path"); it != config.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>().empty())
      throw ConfigError("storage fs: config key 'path' must be a non-empty string, got " + it->dump());
    out.path = it->get<std::string>();
  }
  out.size_warning_mb = read_count(config, "size_warning_mb", out.size_warning_mb);
  out.size_critical_mb = read_count(config, "size_critical_mb", out.size_critical_mb);
  out.report_warning_count = read_count(config, "report_warning_count", out.report_warning_count);
  out.plan_warning_count = read_count(config, "plan_warning_count", out.plan_warning_count);
  out.lock_timeout_ms = static_cast<int64_t>(read_count(config, "lock_timeout_ms", 10000));
  if (out.size_warning_mb > out.size_critical_mb) {
    throw ConfigError("storage fs: config key 'size_warning_mb' (" + std::to_string(out.size_warning_mb) +
                      ") must not exceed 'size_critical_mb' (" + std::to_string(out.size_critical_mb) + ")");
  }
  return out;
}

}  // namespace dashflow::fsstore
