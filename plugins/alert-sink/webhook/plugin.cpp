// The plugin entry of the built-in "webhook" alert sink.
#include "dashflow/export.hpp"
#include "webhook_manifest.hpp"
#include "webhook_sink.hpp"

DASHFLOW_PLUGIN(dashflow::sinks::WebhookSink, DASHFLOW_WEBHOOK_MANIFEST)
