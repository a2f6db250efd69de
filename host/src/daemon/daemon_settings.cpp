#include "daemon/daemon_settings.hpp"

#include "config/config.hpp"

namespace dashflow::host {
namespace {

uint64_t uint_at(const json& section, const char* section_name, const char* key, uint64_t fallback, uint64_t min) {
  auto it = section.find(key);
  if (it == section.end()) return fallback;
  if (!it->is_number_unsigned() || it->get<uint64_t>() < min)
    throw ConfigFileError(std::string("config: '") + section_name + "." + key + "' must be an integer >= " +
                          std::to_string(min));
  return it->get<uint64_t>();
}

}  // namespace

DaemonSettings DaemonSettings::from_config(const json& raw) {
  DaemonSettings s;
  const json daemon = raw.is_object() && raw.contains("daemon") ? raw["daemon"] : json::object();
  s.interval = std::chrono::seconds(uint_at(daemon, "daemon", "interval_seconds", 60, 1));
  s.debounce = std::chrono::milliseconds(uint_at(daemon, "daemon", "debounce_ms", 500, 0));
  s.cleanup_interval_cycles = uint_at(daemon, "daemon", "cleanup_interval_cycles", 10, 0);
  return s;
}

}  // namespace dashflow::host
