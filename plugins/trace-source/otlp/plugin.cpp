// The otlp plugin entry: the class lives in otlp_source.cpp.
#include "dashflow/export.hpp"
#include "otlp_source.hpp"

DASHFLOW_PLUGIN(dashflow::otlp::OtlpSource, R"json({
  "id": "otlp",
  "kind": "trace-source",
  "version": "1.0.0",
  "description": "Imports OpenTelemetry traces: OTLP/JSON export files (*.json, JSON Lines *.jsonl/*.ndjson, gzip *.gz) under a directory, spans grouped by trace id per file and mapped onto execution traces with OpenInference and OTel GenAI attributes (nodes, tools, tokens, errors); bad files and lines are skipped with the reason",
  "config_schema": {
    "type": "object",
    "properties": {
      "path": {"type": "string", "minLength": 1, "default": ".dashflow/otlp",
               "description": "Directory with OTLP/JSON trace files (a single file also works)"},
      "recursive": {"type": "boolean", "default": true,
                    "description": "Also read files in subdirectories"},
      "max_file_mb": {"type": "integer", "minimum": 1, "maximum": 1048576, "default": 512,
                      "description": "Skip files (or decompressed gzip data) larger than this many MiB"},
      "max_depth": {"type": "integer", "minimum": 1, "maximum": 4096, "default": 128,
                    "description": "Skip documents with JSON nested deeper than this"},
      "follow_symlinks": {"type": "boolean", "default": false,
                          "description": "Follow symbolic links to files and directories (loops are detected)"},
      "keep_attributes": {"type": "boolean", "default": true,
                          "description": "Keep span attributes in node metadata and resource attributes in trace metadata"},
      "keep_content": {"type": "boolean", "default": false,
                       "description": "Also keep message, prompt, document and tool-argument payloads (large, may hold personal data)"}
    },
    "additionalProperties": false
  }
})json")
