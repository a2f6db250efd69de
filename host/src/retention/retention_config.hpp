// The "retention" section of the config file:
//
//   "retention": {
//     "compress_after_days": 7,      // traces: gzip files older than this
//     "delete_after_days": 30,       //         delete files older than this
//     "max_total_mb": 500,           //         delete the oldest above this total
//     "max_count": 1000,             //         delete the oldest above this count
//     "storage": {                   // reports, plans, hypotheses (StorageBackend::cleanup)
//       "enabled": true,
//       "max_reports": 100, "max_plans_per_status": 200,
//       "plan_archive_age_days": 30, "hypothesis_archive_age_days": 90
//     }
//   }
//
// Trace limits that are absent are no limits. Storage limits that are absent
// take DashFlow's defaults (100, 200, 30, 90); 0 means no limit. When
// "retention.storage" is absent, "daemon.retention" (the older place for the
// same four keys) is used.
#pragma once

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "retention/trace_retention.hpp"

namespace dashflow::host {

struct RetentionSettings {
  TraceRetentionPolicy traces;
  RetentionPolicy storage;
  bool storage_enabled = true;
  std::string storage_section;  // where the storage policy came from ("retention.storage", "daemon.retention", "defaults")
};

// From the whole config document (Config::raw). Throws ConfigFileError
// naming the key ("retention.max_count") for a value of the wrong type or
// range, and for unknown keys.
RetentionSettings retention_settings_from_config(const json& raw);

}  // namespace dashflow::host
