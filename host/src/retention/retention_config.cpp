#include "retention/retention_config.hpp"

#include <set>

#include "config/config.hpp"

namespace dashflow::host {
namespace {

void reject_unknown_keys(const json& section, const std::string& name, const std::set<std::string>& known) {
  for (auto it = section.begin(); it != section.end(); ++it) {
    if (known.count(it.key())) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    throw ConfigFileError("config: unknown key '" + name + "." + it.key() + "' (known: " + list + ")");
  }
}

std::optional<uint64_t> uint_at(const json& section, const std::string& name, const char* key, uint64_t min) {
  auto it = section.find(key);
  if (it == section.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || (!it->is_number_unsigned() && it->get<int64_t>() < 0) || it->get<uint64_t>() < min) {
    throw ConfigFileError("config: '" + name + "." + key + "' must be an integer >= " + std::to_string(min) +
                          ", got " + it->dump());
  }
  return it->get<uint64_t>();
}

json section_at(const json& parent, const std::string& parent_name, const char* key) {
  if (!parent.is_object() || !parent.contains(key)) return nullptr;
  const json& s = parent[key];
  if (!s.is_object())
    throw ConfigFileError("config: '" + (parent_name.empty() ? "" : parent_name + ".") + key +
                          "' must be an object, got " + s.dump());
  return s;
}

void read_storage_policy(const json& s, const std::string& name, RetentionSettings& out) {
  reject_unknown_keys(s, name,
                      {"enabled", "max_reports", "max_plans_per_status", "plan_archive_age_days",
                       "hypothesis_archive_age_days"});
  if (auto it = s.find("enabled"); it != s.end()) {
    if (!it->is_boolean()) throw ConfigFileError("config: '" + name + ".enabled' must be true or false, got " + it->dump());
    out.storage_enabled = it->get<bool>();
  }
  RetentionPolicy& p = out.storage;
  p.max_reports = uint_at(s, name, "max_reports", 0).value_or(p.max_reports);
  p.max_plans_per_status = uint_at(s, name, "max_plans_per_status", 0).value_or(p.max_plans_per_status);
  p.plan_archive_age_days = uint_at(s, name, "plan_archive_age_days", 0).value_or(p.plan_archive_age_days);
  p.hypothesis_archive_age_days =
      uint_at(s, name, "hypothesis_archive_age_days", 0).value_or(p.hypothesis_archive_age_days);
  out.storage_section = name;
}

}  // namespace

RetentionSettings retention_settings_from_config(const json& raw) {
  RetentionSettings out;
  out.storage_section = "defaults";
  const json retention = section_at(raw, "", "retention");
  if (retention.is_object()) {
    reject_unknown_keys(retention, "retention",
                        {"compress_after_days", "delete_after_days", "max_total_mb", "max_count", "storage"});
    out.traces.compress_after_days = uint_at(retention, "retention", "compress_after_days", 0);
    out.traces.delete_after_days = uint_at(retention, "retention", "delete_after_days", 1);
    out.traces.max_total_mb = uint_at(retention, "retention", "max_total_mb", 1);
    out.traces.max_count = uint_at(retention, "retention", "max_count", 1);
  }
  const json storage = section_at(retention, "retention", "storage");
  if (storage.is_object()) {
    read_storage_policy(storage, "retention.storage", out);
  } else {
    const json daemon = section_at(raw, "", "daemon");
    const json legacy = section_at(daemon, "daemon", "retention");
    if (legacy.is_object()) read_storage_policy(legacy, "daemon.retention", out);
  }
  return out;
}

}  // namespace dashflow::host
