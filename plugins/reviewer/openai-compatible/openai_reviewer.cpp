#include "openai_reviewer.hpp"

#include <dashflow/errors.hpp>

#include "openai_dialect.hpp"

namespace dashflow_plugins {

namespace {

constexpr const char* kId = "openai-compatible";

std::unique_ptr<reviewer::ChatDialect> dialect_from(const dashflow::json& config) {
  reviewer::OpenAiOptions o;
  o.json_mode = reviewer::config_bool(config, "json_mode", true, kId);
  o.max_tokens_param = reviewer::config_string(config, "max_tokens_param", "max_tokens", kId);
  if (o.max_tokens_param != "max_tokens" && o.max_tokens_param != "max_completion_tokens")
    throw dashflow::ConfigError(std::string("reviewer ") + kId +
                                ": config key 'max_tokens_param' must be \"max_tokens\" or \"max_completion_tokens\", got \"" +
                                o.max_tokens_param + "\"");
  return std::make_unique<reviewer::OpenAiDialect>(o);
}

}  // namespace

OpenAiCompatibleReviewer::OpenAiCompatibleReviewer(const dashflow::PluginContext& ctx)
    : LlmReviewer(ctx, {kId, "https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY"}, dialect_from(ctx.config())) {}

}  // namespace dashflow_plugins
