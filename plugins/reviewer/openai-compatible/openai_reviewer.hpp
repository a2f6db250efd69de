// Reviewer "openai-compatible": asks any chat-completions server (OpenAI,
// vLLM, Ollama, llama.cpp server, gateways) for a JSON verdict on one plan.
#pragma once

#include <dashflow_reviewer/llm_reviewer.hpp>

namespace dashflow_plugins {

class OpenAiCompatibleReviewer final : public reviewer::LlmReviewer {
 public:
  explicit OpenAiCompatibleReviewer(const dashflow::PluginContext& ctx);
};

}  // namespace dashflow_plugins
