// The manifest of the "webhook" alert sink: one macro so the plugin entry
// (DASHFLOW_PLUGIN) and the config reader use the same schema and defaults.
#pragma once

#include "dashflow_sinks/delivery_schema.hpp"

// clang-format off
#define DASHFLOW_WEBHOOK_MANIFEST \
  R"j({)j" \
  R"j(  "id": "webhook",)j" \
  R"j(  "kind": "alert-sink",)j" \
  R"j(  "version": "1.0.0",)j" \
  R"j(  "description": "POSTs each alert as JSON to a URL: retries with exponential backoff and jitter, circuit breaker, optional HMAC-SHA256 signature, disk spool while the receiver is down (delivered in order, none lost)",)j" \
  R"j(  "config_schema": {)j" \
  R"j(    "type": "object",)j" \
  R"j(    "additionalProperties": false,)j" \
  R"j(    "examples": [{"url": "https://hooks.example.com/dashflow", "secret_env": "DASHFLOW_WEBHOOK_SECRET"}],)j" \
  R"j(    "properties": {)j" \
  R"j(      "url": {"type": "string", "default": "", "pattern": "^(https?://.+)?$",)j" \
  R"j(              "description": "Receiver URL (http:// or https://). Required for delivery: with the empty default every alert fails with a config error"},)j" \
  R"j(      "secret_env": {"type": "string", "default": "", "pattern": "^([A-Za-z_][A-Za-z0-9_]*)?$",)j" \
  R"j(                     "description": "Name of the environment variable holding the HMAC-SHA256 signing secret (the secret itself never goes in the config). Empty = unsigned requests"},)j" \
  R"j(      "signature_header": {"type": "string", "default": "X-Dashflow-Signature", "minLength": 1, "pattern": "^[A-Za-z0-9-]+$",)j" \
  R"j(                           "description": "Header carrying \"sha256=<hex HMAC-SHA256 of the exact body>\" when secret_env is set"},)j" \
  DASHFLOW_SINKS_DELIVERY_PROPERTIES \
  R"j(    })j" \
  R"j(  })j" \
  R"j(})j"
// clang-format on
