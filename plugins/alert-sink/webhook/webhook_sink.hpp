// Alert sink "webhook": each alert is POSTed as its JSON record (the SDK's
// Alert shape) with Content-Type application/json, an X-Dashflow-Delivery id
// and, when configured, an HMAC-SHA256 signature of the exact body. Delivery
// is reliable and ordered (see dashflow_sinks/reliable_poster.hpp).
#pragma once

#include <string>

#include "dashflow/plugin.hpp"
#include "dashflow_sinks/reliable_poster.hpp"

namespace dashflow::sinks {

// The exact bytes POSTed for an alert: compact JSON of the alert record.
std::string webhook_body(const Alert& alert);

class WebhookSink final : public AlertSink {
 public:
  explicit WebhookSink(const PluginContext& ctx);

  void start() override { poster_.start(); }
  void stop() override { poster_.stop(); }
  // Delivered or durably spooled on return; throws when refused (4xx), when
  // the spool is full or unwritable, or without a url.
  void send(const Alert& alert) override { poster_.send(webhook_body(alert)); }
  // Delivers what is spooled, in order, as far as the receiver allows.
  void flush() override;

  ReliablePoster& poster() { return poster_; }

 private:
  HostServices host_;
  ReliablePoster poster_;
};

}  // namespace dashflow::sinks
