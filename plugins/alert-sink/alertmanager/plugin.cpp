// The plugin entry of the built-in "alertmanager" alert sink.
#include "alertmanager_sink.hpp"
#include "dashflow/export.hpp"
#include "alertmanager_manifest.hpp"

DASHFLOW_PLUGIN(dashflow::sinks::AlertmanagerSink, DASHFLOW_ALERTMANAGER_MANIFEST)
