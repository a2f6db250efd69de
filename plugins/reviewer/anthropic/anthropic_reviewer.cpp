#include "anthropic_reviewer.hpp"

#include "anthropic_dialect.hpp"

namespace dashflow_plugins {

namespace {

constexpr const char* kId = "anthropic";

}  // namespace

AnthropicReviewer::AnthropicReviewer(const dashflow::PluginContext& ctx)
    : LlmReviewer(ctx, {kId, "https://api.anthropic.com", "claude-sonnet-4-5", "ANTHROPIC_API_KEY"},
                  std::make_unique<reviewer::AnthropicDialect>(
                      reviewer::config_string(ctx.config(), "anthropic_version", "2023-06-01", kId))) {}

}  // namespace dashflow_plugins
