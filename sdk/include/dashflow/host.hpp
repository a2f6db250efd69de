// The services a plugin gets from the host: logging, clock, metrics,
// cancellation and events. Plugins never touch the host's logger or globals;
// everything goes through the function table handed over at creation.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "dashflow/abi.h"

namespace dashflow {

class HostServices {
 public:
  HostServices() = default;
  explicit HostServices(const dashflow_host_api* api) : api_(api) {}

  void log(dashflow_log_level level, std::string_view message) const {
    if (api_ && api_->log) api_->log(api_->ctx, level, message.data(), message.size());
  }
  void trace(std::string_view m) const { log(DASHFLOW_LOG_TRACE, m); }
  void debug(std::string_view m) const { log(DASHFLOW_LOG_DEBUG, m); }
  void info(std::string_view m) const { log(DASHFLOW_LOG_INFO, m); }
  void warn(std::string_view m) const { log(DASHFLOW_LOG_WARN, m); }
  void error(std::string_view m) const { log(DASHFLOW_LOG_ERROR, m); }

  // Milliseconds since the Unix epoch (the host may fake it in tests).
  int64_t now_unix_ms() const {
    if (api_ && api_->now_unix_ms) return api_->now_unix_ms(api_->ctx);
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
  }

  // Metric names are prefixed with "dashflow_plugin_" by the host and labelled
  // with the plugin id. labels_json is a flat JSON object or empty.
  void counter_add(const std::string& name, double value = 1, const std::string& labels_json = "") const {
    if (api_ && api_->metric) api_->metric(api_->ctx, DASHFLOW_METRIC_COUNTER_ADD, name.c_str(), labels_json.c_str(), value);
  }
  void gauge_set(const std::string& name, double value, const std::string& labels_json = "") const {
    if (api_ && api_->metric) api_->metric(api_->ctx, DASHFLOW_METRIC_GAUGE_SET, name.c_str(), labels_json.c_str(), value);
  }
  void observe(const std::string& name, double value, const std::string& labels_json = "") const {
    if (api_ && api_->metric) api_->metric(api_->ctx, DASHFLOW_METRIC_HISTOGRAM_OBSERVE, name.c_str(), labels_json.c_str(), value);
  }

  // True once the host asked the run to stop (SIGINT/SIGTERM, deadline).
  bool cancelled() const { return api_ && api_->is_cancelled && api_->is_cancelled(api_->ctx) != 0; }

  void publish(const std::string& topic, const std::string& payload_json) const {
    if (api_ && api_->publish_event) api_->publish_event(api_->ctx, topic.c_str(), payload_json.c_str());
  }
  // Handlers run on the publishing thread, never under the bus lock.
  bool subscribe(const std::string& topic_prefix, dashflow_event_handler handler, void* user) const {
    return api_ && api_->subscribe && api_->subscribe(api_->ctx, topic_prefix.c_str(), handler, user) == 0;
  }

  const dashflow_host_api* raw() const { return api_; }

 private:
  const dashflow_host_api* api_ = nullptr;
};

}  // namespace dashflow
