// Reviewer "anthropic": asks a Claude model through the Messages API for a
// JSON verdict on one plan.
#pragma once

#include <dashflow_reviewer/llm_reviewer.hpp>

namespace dashflow_plugins {

class AnthropicReviewer final : public reviewer::LlmReviewer {
 public:
  explicit AnthropicReviewer(const dashflow::PluginContext& ctx);
};

}  // namespace dashflow_plugins
