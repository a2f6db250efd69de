#include <dashflow/export.hpp>

#include "anthropic_reviewer.hpp"

DASHFLOW_PLUGIN(dashflow_plugins::AnthropicReviewer, R"json({
  "id": "anthropic",
  "kind": "reviewer",
  "version": "1.0.0",
  "description": "LLM reviewer over Anthropic's Messages API: one JSON verdict per plan, with timeouts and retries",
  "config_schema": {
    "type": "object",
    "properties": {
      "base_url": {"type": "string", "pattern": "^https?://", "default": "https://api.anthropic.com",
                   "description": "API root without /v1; requests go to {base_url}/v1/messages"},
      "model": {"type": "string", "minLength": 1, "default": "claude-sonnet-4-5", "description": "Model name"},
      "api_key_env": {"type": ["string", "null"], "default": "ANTHROPIC_API_KEY",
                      "description": "Environment variable holding the API key (sent as x-api-key); null for a gateway without authentication"},
      "anthropic_version": {"type": "string", "minLength": 1, "default": "2023-06-01",
                            "description": "Value of the anthropic-version header"},
      "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 3600000, "default": 60000,
                     "description": "Time allowed for one HTTP attempt"},
      "connect_timeout_ms": {"type": "integer", "minimum": 100, "maximum": 600000, "default": 10000},
      "max_retries": {"type": "integer", "minimum": 0, "maximum": 10, "default": 3,
                      "description": "Retries after a timeout, connection failure, 429, 529 or other 5xx"},
      "initial_backoff_ms": {"type": "integer", "minimum": 0, "maximum": 600000, "default": 1000,
                             "description": "First wait before a retry; doubled each retry (plus up to 25% jitter)"},
      "max_backoff_ms": {"type": "integer", "minimum": 0, "maximum": 3600000, "default": 30000,
                         "description": "Longest single wait; a Retry-After asking for more ends the retries"},
      "temperature": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "default": 0,
                      "description": "Sampling temperature; null to leave it to the API"},
      "max_tokens": {"type": "integer", "minimum": 16, "maximum": 1000000, "default": 2048,
                     "description": "Most tokens the model may generate for one verdict"}
    },
    "additionalProperties": false
  }
})json")
