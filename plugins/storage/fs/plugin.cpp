// The plugin entry of the built-in "fs" storage backend.
#include "dashflow/export.hpp"
#include "fs_storage.hpp"

DASHFLOW_PLUGIN(dashflow::fsstore::FsStorage, R"json({
  "id": "fs",
  "kind": "storage",
  "version": "1.0.1",
  "description": "Local file-system storage in DashFlow's introspection layout: atomic writes, advisory locking, checked plan transitions, crash repair",
  "config_schema": {
    "type": "object",
    "properties": {
      "path": {"type": "string", "minLength": 1, "default": ".dashflow/introspection",
               "description": "Storage directory (relative paths are resolved from the working directory)"},
      "size_warning_mb": {"type": "integer", "minimum": 0, "default": 100,
                          "description": "Health is Warning when the storage holds at least this many MiB (0 disables)"},
      "size_critical_mb": {"type": "integer", "minimum": 0, "default": 500,
                           "description": "Health is Critical when the storage holds at least this many MiB (0 disables)"},
      "report_warning_count": {"type": "integer", "minimum": 0, "default": 80,
                               "description": "Health is Warning at this many stored reports (0 disables)"},
      "plan_warning_count": {"type": "integer", "minimum": 0, "default": 160,
                             "description": "Health is Warning at this many plans in implemented/ or failed/, or 4x this many plans in total (0 disables)"},
      "lock_timeout_ms": {"type": "integer", "minimum": 0, "default": 10000,
                          "description": "How long an operation waits for the storage lock held by another process before failing"}
    },
    "additionalProperties": false
  }
})json")
