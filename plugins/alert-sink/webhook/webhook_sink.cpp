#include "webhook_sink.hpp"

#include <cctype>
#include <cstdlib>

#include "dashflow/errors.hpp"
#include "dashflow/json.hpp"
#include "dashflow_sinks/config_view.hpp"
#include "webhook_manifest.hpp"

namespace dashflow::sinks {
namespace {

DeliveryOptions webhook_options(const PluginContext& ctx) {
  static const json schema = manifest_config_schema(DASHFLOW_WEBHOOK_MANIFEST);
  const ConfigView config("webhook sink", ctx.config(), schema);
  DeliveryOptions o = delivery_options_from(config, "webhook", config.http_url("url"));
  const std::string secret_env = config.string("secret_env");
  const bool env_name_ok =
      secret_env.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos &&
      (secret_env.empty() || !std::isdigit(static_cast<unsigned char>(secret_env[0])));
  if (!env_name_ok)
    throw ConfigError("webhook sink: config key 'secret_env' must be the name of an environment variable "
                      "(letters, digits, '_'), got \"" + secret_env + "\"");
  if (!secret_env.empty()) {
    const char* secret = std::getenv(secret_env.c_str());
    if (!secret || !*secret)
      throw ConfigError("webhook sink: config key 'secret_env' names the environment variable '" + secret_env +
                        "', which is not set or empty; export it with the signing secret, or remove 'secret_env' "
                        "to send unsigned requests");
    o.signing_secret = secret;
  }
  o.signature_header = config.string("signature_header");
  if (o.signature_header.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") !=
      std::string::npos)
    throw ConfigError("webhook sink: config key 'signature_header' must be an HTTP header name (letters, digits, '-'), "
                      "got \"" + o.signature_header + "\"");
  return o;
}

}  // namespace

std::string webhook_body(const Alert& alert) { return to_json_text(alert, false); }

WebhookSink::WebhookSink(const PluginContext& ctx) : host_(ctx.host()), poster_(webhook_options(ctx), ctx.host()) {}

void WebhookSink::flush() {
  const DrainReport r = poster_.drain();
  if (r.remaining > 0)
    host_.warn("webhook sink: " + std::to_string(r.remaining) + " alert(s) still spooled in " +
               poster_.options().spool_dir.string() + " (" + r.blocked_by + "); they go out first once " +
               poster_.options().url + " accepts requests again");
}

}  // namespace dashflow::sinks
