// The trace-dir plugin entry: the class lives in trace_dir_source.cpp.
#include "dashflow/export.hpp"
#include "trace_dir_source.hpp"

DASHFLOW_PLUGIN(dashflow::tracedir::TraceDirSource, R"json({
  "id": "trace-dir",
  "kind": "trace-source",
  "version": "1.0.0",
  "description": "Reads execution traces from a directory: *.json (one trace or an array), *.jsonl/*.ndjson (one trace per line), gzip-compressed *.json.gz/*.jsonl.gz; bad files and lines are skipped with the reason",
  "config_schema": {
    "type": "object",
    "properties": {
      "path": {"type": "string", "minLength": 1, "default": ".dashflow/traces",
               "description": "Directory with trace files (a single file also works)"},
      "recursive": {"type": "boolean", "default": true,
                    "description": "Also read trace files in subdirectories"},
      "max_file_mb": {"type": "integer", "minimum": 1, "maximum": 1048576, "default": 512,
                      "description": "Skip files (or decompressed gzip data) larger than this many MiB"},
      "max_depth": {"type": "integer", "minimum": 1, "maximum": 4096, "default": 128,
                    "description": "Skip documents with JSON nested deeper than this"},
      "follow_symlinks": {"type": "boolean", "default": false,
                          "description": "Follow symbolic links to files and directories (loops are detected)"},
      "payloads": {"type": "boolean", "default": true,
                   "description": "Keep state snapshots and final_state of each trace. The host sets this to false when no analyzer in the pipeline declares \"reads_payloads\" in its manifest, which makes parsing about twice as fast"}
    },
    "additionalProperties": false
  }
})json")
