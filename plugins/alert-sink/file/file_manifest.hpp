// The manifest of the "file" alert sink: one macro so the plugin entry
// (DASHFLOW_PLUGIN) and the config reader use the same schema and defaults.
#pragma once

// clang-format off
#define DASHFLOW_FILE_SINK_MANIFEST \
  R"j({)j" \
  R"j(  "id": "file",)j" \
  R"j(  "kind": "alert-sink",)j" \
  R"j(  "version": "1.0.1",)j" \
  R"j(  "description": "Appends each alert as one JSON line (JSON Lines), fsynced per alert, with size-based rotation",)j" \
  R"j(  "config_schema": {)j" \
  R"j(    "type": "object",)j" \
  R"j(    "additionalProperties": false,)j" \
  R"j(    "examples": [{"path": "/var/log/dashflow/alerts.jsonl", "max_bytes": 52428800, "max_files": 10}],)j" \
  R"j(    "properties": {)j" \
  R"j(      "path": {"type": "string", "minLength": 1, "default": ".dashflow/alerts/alerts.jsonl",)j" \
  R"j(               "description": "File the alerts are appended to; missing parent directories are created. When it names an existing directory, alerts go to alerts.jsonl inside it. Relative paths are resolved from the working directory"},)j" \
  R"j(      "max_bytes": {"type": "integer", "minimum": 0, "default": 10485760,)j" \
  R"j(                    "description": "Rotate before a line would make the file larger than this many bytes (0 = never rotate). A single larger alert still goes whole into a fresh file"},)j" \
  R"j(      "max_files": {"type": "integer", "minimum": 0, "maximum": 1000, "default": 5,)j" \
  R"j(                    "description": "Rotated files kept besides the active one: <path>.1 (newest) ... <path>.<max_files>; older ones are deleted. 0 = no history (rotation starts an empty file)"})j" \
  R"j(    })j" \
  R"j(  })j" \
  R"j(})j"
// clang-format on
