// The manifest of the "alertmanager" alert sink: one macro so the plugin
// entry (DASHFLOW_PLUGIN) and the config reader use the same schema.
#pragma once

#include "dashflow_sinks/delivery_schema.hpp"

// clang-format off
#define DASHFLOW_ALERTMANAGER_MANIFEST \
  R"j({)j" \
  R"j(  "id": "alertmanager",)j" \
  R"j(  "kind": "alert-sink",)j" \
  R"j(  "version": "1.0.0",)j" \
  R"j(  "description": "Sends alerts to Prometheus Alertmanager (POST <url>/api/v2/alerts; resolved notices carry endsAt), with the webhook sink's retries, circuit breaker and disk spool",)j" \
  R"j(  "config_schema": {)j" \
  R"j(    "type": "object",)j" \
  R"j(    "additionalProperties": false,)j" \
  R"j(    "examples": [{"url": "http://127.0.0.1:9093", "labels": {"env": "prod"}}],)j" \
  R"j(    "properties": {)j" \
  R"j(      "url": {"type": "string", "default": "", "pattern": "^(https?://.+)?$",)j" \
  R"j(              "description": "Base URL of Alertmanager, e.g. http://127.0.0.1:9093 (the sink POSTs to <url>/api/v2/alerts). Required for delivery: with the empty default every alert fails with a config error"},)j" \
  R"j(      "labels": {"type": "object", "additionalProperties": {"type": "string"}, "default": {},)j" \
  R"j(                 "description": "Extra labels added to every alert (e.g. env, team); the alert's own labels win on a clash"},)j" \
  R"j(      "generator_url": {"type": "string", "default": "", "pattern": "^(https?://.+)?$",)j" \
  R"j(                        "description": "generatorURL sent with every alert (a link back to dashflow or a runbook). Empty = omitted"},)j" \
  DASHFLOW_SINKS_DELIVERY_PROPERTIES \
  R"j(    })j" \
  R"j(  })j" \
  R"j(})j"
// clang-format on
