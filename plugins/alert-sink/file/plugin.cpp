// The plugin entry of the built-in "file" alert sink.
#include "dashflow/export.hpp"
#include "file_manifest.hpp"
#include "file_sink.hpp"

DASHFLOW_PLUGIN(dashflow::sinks::FileSink, DASHFLOW_FILE_SINK_MANIFEST)
