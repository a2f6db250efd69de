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

std::optional<AlertSeverity> parse_alert_severity(const std::string& text) {
  if (text == "info") return AlertSeverity::Info;
  if (text == "warning") return AlertSeverity::Warning;
  if (text == "error") return AlertSeverity::Error;
  if (text == "critical") return AlertSeverity::Critical;
  return std::nullopt;
}

DaemonSettings DaemonSettings::from_config(const json& raw) {
  DaemonSettings s;
  const json daemon = raw.is_object() && raw.contains("daemon") ? raw["daemon"] : json::object();
  const json alerts = raw.is_object() && raw.contains("alerts") ? raw["alerts"] : json::object();
  s.interval = std::chrono::seconds(uint_at(daemon, "daemon", "interval_seconds", 60, 1));
  s.debounce = std::chrono::milliseconds(uint_at(daemon, "daemon", "debounce_ms", 500, 0));
  s.cleanup_interval_cycles = uint_at(daemon, "daemon", "cleanup_interval_cycles", 10, 0);
  if (daemon.contains("retention")) {
    const json& r = daemon["retention"];
    s.retention.max_reports = uint_at(r, "daemon.retention", "max_reports", s.retention.max_reports, 1);
    s.retention.max_plans_per_status =
        uint_at(r, "daemon.retention", "max_plans_per_status", s.retention.max_plans_per_status, 1);
    s.retention.plan_archive_age_days =
        uint_at(r, "daemon.retention", "plan_archive_age_days", s.retention.plan_archive_age_days, 1);
    s.retention.hypothesis_archive_age_days =
        uint_at(r, "daemon.retention", "hypothesis_archive_age_days", s.retention.hypothesis_archive_age_days, 1);
  }
  s.repeat_interval = std::chrono::seconds(uint_at(alerts, "alerts", "repeat_interval_seconds", 3600, 0));
  if (alerts.contains("min_severity")) {
    for (const auto& [sink, value] : alerts["min_severity"].items()) {
      auto severity = value.is_string() ? parse_alert_severity(value.get<std::string>()) : std::nullopt;
      if (!severity)
        throw ConfigFileError("config: 'alerts.min_severity." + sink +
                              "' must be one of info, warning, error, critical");
      s.min_severity[sink] = *severity;
    }
  }
  return s;
}

}  // namespace dashflow::host
