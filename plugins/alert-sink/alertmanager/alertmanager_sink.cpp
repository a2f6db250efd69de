#include "alertmanager_sink.hpp"

#include <algorithm>
#include <cctype>

#include "dashflow/json.hpp"
#include "dashflow/time.hpp"
#include "dashflow_sinks/config_view.hpp"
#include "alertmanager_manifest.hpp"

namespace dashflow::sinks {
namespace {

const json& schema() {
  static const json s = manifest_config_schema(DASHFLOW_ALERTMANAGER_MANIFEST);
  return s;
}

std::string alerts_endpoint(std::string base) {
  if (base.empty()) return base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/api/v2/alerts";
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Alertmanager wants RFC 3339; anything we cannot read becomes "now".
std::string rfc3339_or(const std::string& text, int64_t fallback_ms) {
  if (auto ms = parse_rfc3339_ms(text)) return format_rfc3339_ms(*ms);
  return format_rfc3339_ms(fallback_ms);
}

}  // namespace

std::string label_name(const std::string& key) {
  std::string out;
  for (unsigned char c : key) out += (std::isalnum(c) || c == '_') && c < 0x80 ? static_cast<char>(c) : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "_" + out;
  return out;
}

std::string alertmanager_body(const Alert& alert, const AlertmanagerPayloadOptions& options, int64_t now_ms) {
  json labels = json::object();
  // Empty values mean "label absent" to Alertmanager: leave them out.
  auto put = [&](const std::string& k, const std::string& v) {
    if (!v.empty()) labels[label_name(k)] = v;
  };
  for (const auto& [k, v] : options.extra_labels) put(k, v);
  for (const auto& [k, v] : alert.labels) put(k, v);
  put("alertname", alert.kind.empty() ? "dashflow_alert" : alert.kind);
  put("severity", lower(to_string(alert.severity)));

  json annotations = json::object();
  for (const auto& [k, v] : alert.annotations)
    if (!v.empty()) annotations[label_name(k)] = v;
  if (!alert.title.empty()) annotations["summary"] = alert.title;
  if (!alert.message.empty()) annotations["description"] = alert.message;

  json a = json::object();
  a["labels"] = labels;
  a["annotations"] = annotations;
  a["startsAt"] = rfc3339_or(alert.starts_at, now_ms);
  if (alert.ends_at) {
    a["endsAt"] = rfc3339_or(*alert.ends_at, now_ms);
  } else if (alert.resolved) {
    a["endsAt"] = format_rfc3339_ms(now_ms);
  }
  if (!options.generator_url.empty()) a["generatorURL"] = options.generator_url;
  return json::array({a}).dump();
}

namespace {

AlertmanagerPayloadOptions payload_options(const ConfigView& config) {
  AlertmanagerPayloadOptions o;
  o.extra_labels = config.string_map("labels");
  o.generator_url = config.http_url("generator_url");
  return o;
}

DeliveryOptions delivery(const ConfigView& config) {
  return delivery_options_from(config, "alertmanager", alerts_endpoint(config.http_url("url")));
}

}  // namespace

AlertmanagerSink::AlertmanagerSink(const PluginContext& ctx)
    : AlertmanagerSink(ctx, ConfigView("alertmanager sink", ctx.config(), schema())) {}

AlertmanagerSink::AlertmanagerSink(const PluginContext& ctx, const ConfigView& config)
    : host_(ctx.host()), payload_(payload_options(config)), poster_(delivery(config), ctx.host()) {}

void AlertmanagerSink::send(const Alert& alert) {
  poster_.send(alertmanager_body(alert, payload_, host_.now_unix_ms()));
}

void AlertmanagerSink::flush() {
  const DrainReport r = poster_.drain();
  if (r.remaining > 0)
    host_.warn("alertmanager sink: " + std::to_string(r.remaining) + " alert(s) still spooled in " +
               poster_.options().spool_dir.string() + " (" + r.blocked_by + "); they go out first once " +
               poster_.options().url + " accepts requests again");
}

}  // namespace dashflow::sinks
