// The config keys every HTTP alert sink shares (webhook, alertmanager), as a
// JSON fragment spliced into each manifest's config_schema "properties", so
// the schemas cannot drift apart. Keep delivery_options_from() in step.
#pragma once

// clang-format off
#define DASHFLOW_SINKS_DELIVERY_PROPERTIES \
  R"j(      "timeout_ms": {"type": "integer", "minimum": 1, "maximum": 600000, "default": 5000,)j" \
  R"j(                     "description": "Timeout of one HTTP attempt (connect + send + response), in milliseconds"},)j" \
  R"j(      "connect_timeout_ms": {"type": "integer", "minimum": 1, "maximum": 600000, "default": 2000,)j" \
  R"j(                             "description": "Timeout of the TCP/TLS connect of one attempt, in milliseconds"},)j" \
  R"j(      "max_retries": {"type": "integer", "minimum": 0, "maximum": 20, "default": 3,)j" \
  R"j(                      "description": "Retries after a failed first attempt (5xx, 408, 429, timeout, connection error). Every failed attempt also counts toward the circuit breaker, so a send stops early once the breaker opens"},)j" \
  R"j(      "backoff": {"type": "object", "additionalProperties": false,)j" \
  R"j(                  "description": "Delay between retries: min(max_ms, initial_ms x multiplier^n) x a random factor in [1 - jitter, 1 + jitter]; a Retry-After header lengthens it (up to max_ms)",)j" \
  R"j(                  "properties": {)j" \
  R"j(        "initial_ms": {"type": "integer", "minimum": 0, "maximum": 600000, "default": 500,)j" \
  R"j(                       "description": "Delay before the first retry, in milliseconds"},)j" \
  R"j(        "max_ms": {"type": "integer", "minimum": 0, "maximum": 3600000, "default": 10000,)j" \
  R"j(                   "description": "Upper bound of any delay, in milliseconds"},)j" \
  R"j(        "multiplier": {"type": "number", "minimum": 1, "maximum": 10, "default": 2.0,)j" \
  R"j(                       "description": "Growth factor of the delay per retry"},)j" \
  R"j(        "jitter": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.25,)j" \
  R"j(                   "description": "Relative random spread of each delay (0 = none)"}}},)j" \
  R"j(      "circuit_breaker": {"type": "object", "additionalProperties": false,)j" \
  R"j(                          "description": "Stops calling a receiver that keeps failing: while open, alerts go straight to the spool and send() returns at once",)j" \
  R"j(                          "properties": {)j" \
  R"j(        "failure_threshold": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 3,)j" \
  R"j(                              "description": "Consecutive failed attempts that open the breaker"},)j" \
  R"j(        "cooldown_ms": {"type": "integer", "minimum": 0, "maximum": 86400000, "default": 30000,)j" \
  R"j(                        "description": "How long the breaker stays open before one probe request is let through (half-open)"},)j" \
  R"j(        "success_threshold": {"type": "integer", "minimum": 1, "maximum": 100, "default": 1,)j" \
  R"j(                              "description": "Successful probes needed to close the breaker again"}}},)j" \
  R"j(      "spool_dir": {"type": "string", "default": "",)j" \
  R"j(                    "description": "Directory where alerts wait while the receiver is unavailable; they are delivered in order, before any new alert, as soon as it is back (and on the next start). Empty = .dashflow/alert-spool/<plugin id>-<hash of url> under the working directory. Refused alerts (4xx) are kept in its dead/ subdirectory"},)j" \
  R"j(      "spool_max_entries": {"type": "integer", "minimum": 1, "maximum": 10000000, "default": 100000,)j" \
  R"j(                            "description": "Most alerts kept in the spool; beyond it send() fails with an error instead of queueing"},)j" \
  R"j(      "headers": {"type": "object", "additionalProperties": {"type": "string"}, "default": {},)j" \
  R"j(                  "description": "Extra HTTP headers sent with every request, e.g. {\"Authorization\": \"Bearer ...\"}"})j"
// clang-format on
