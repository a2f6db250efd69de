#include <dashflow/export.hpp>

#include "openai_reviewer.hpp"

DASHFLOW_PLUGIN(dashflow_plugins::OpenAiCompatibleReviewer, R"json({
  "id": "openai-compatible",
  "kind": "reviewer",
  "version": "1.0.0",
  "description": "LLM reviewer over the chat completions API (OpenAI, vLLM, Ollama, llama.cpp server): one JSON verdict per plan, with timeouts and retries",
  "config_schema": {
    "type": "object",
    "properties": {
      "base_url": {"type": "string", "pattern": "^https?://", "default": "https://api.openai.com/v1",
                   "description": "API root; requests go to {base_url}/chat/completions (Ollama: http://localhost:11434/v1)"},
      "model": {"type": "string", "minLength": 1, "default": "gpt-4o-mini", "description": "Model name sent to the server"},
      "api_key_env": {"type": ["string", "null"], "default": "OPENAI_API_KEY",
                      "description": "Environment variable holding the API key (sent as a Bearer token); null for servers without authentication"},
      "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 3600000, "default": 60000,
                     "description": "Time allowed for one HTTP attempt"},
      "connect_timeout_ms": {"type": "integer", "minimum": 100, "maximum": 600000, "default": 10000},
      "max_retries": {"type": "integer", "minimum": 0, "maximum": 10, "default": 3,
                      "description": "Retries after a timeout, connection failure, 429 or 5xx"},
      "initial_backoff_ms": {"type": "integer", "minimum": 0, "maximum": 600000, "default": 1000,
                             "description": "First wait before a retry; doubled each retry (plus up to 25% jitter)"},
      "max_backoff_ms": {"type": "integer", "minimum": 0, "maximum": 3600000, "default": 30000,
                         "description": "Longest single wait; a Retry-After asking for more ends the retries"},
      "temperature": {"type": ["number", "null"], "minimum": 0, "maximum": 2, "default": 0,
                      "description": "Sampling temperature; null to leave it to the server (required by some reasoning models)"},
      "max_tokens": {"type": "integer", "minimum": 16, "maximum": 1000000, "default": 2048,
                     "description": "Most tokens the model may generate for one verdict"},
      "max_tokens_param": {"type": "string", "enum": ["max_tokens", "max_completion_tokens"], "default": "max_tokens",
                           "description": "Request field carrying max_tokens (newer OpenAI models need max_completion_tokens)"},
      "json_mode": {"type": "boolean", "default": true,
                    "description": "Send response_format {\"type\": \"json_object\"}; set false for servers that reject it"}
    },
    "additionalProperties": false
  }
})json")
