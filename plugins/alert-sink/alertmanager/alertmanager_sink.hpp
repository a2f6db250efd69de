// Alert sink "alertmanager": POSTs each alert to <url>/api/v2/alerts as a
// one-element JSON array of Alertmanager's postable alert
// {labels, annotations, startsAt, endsAt?, generatorURL?}, with reliable,
// ordered delivery (see dashflow_sinks/reliable_poster.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "dashflow/plugin.hpp"
#include "dashflow_sinks/config_view.hpp"
#include "dashflow_sinks/reliable_poster.hpp"

namespace dashflow::sinks {

struct AlertmanagerPayloadOptions {
  std::map<std::string, std::string> extra_labels;
  std::string generator_url;
};

// Label names Alertmanager accepts: [a-zA-Z_][a-zA-Z0-9_]*; others are mapped
// ("graph.name" -> "graph_name", "9x" -> "_9x").
std::string label_name(const std::string& key);

// The request body for one alert. Labels: extra labels, then the alert's
// labels, then alertname = kind and severity (lowercase). Annotations: the
// alert's annotations plus summary = title and description = message.
// startsAt = starts_at (or now); resolved alerts get endsAt = ends_at (or now).
std::string alertmanager_body(const Alert& alert, const AlertmanagerPayloadOptions& options, int64_t now_unix_ms);

class AlertmanagerSink final : public AlertSink {
 public:
  explicit AlertmanagerSink(const PluginContext& ctx);

  void start() override { poster_.start(); }
  void stop() override { poster_.stop(); }
  void send(const Alert& alert) override;
  void flush() override;

  ReliablePoster& poster() { return poster_; }

 private:
  AlertmanagerSink(const PluginContext& ctx, const ConfigView& config);

  HostServices host_;
  AlertmanagerPayloadOptions payload_;
  ReliablePoster poster_;
};

}  // namespace dashflow::sinks
