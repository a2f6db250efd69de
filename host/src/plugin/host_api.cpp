#include "plugin/host_api.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "observability/event_bus.hpp"
#include "observability/metrics.hpp"
#include "util/cancel.hpp"

namespace dashflow::host {
namespace {

InstanceHostApi* self(void* ctx) { return static_cast<InstanceHostApi*>(ctx); }

void log_fn(void* ctx, int level, const char* message, size_t length) {
  if (!message) return;
  auto lvl = spdlog::level::info;
  switch (level) {
    case DASHFLOW_LOG_TRACE: lvl = spdlog::level::trace; break;
    case DASHFLOW_LOG_DEBUG: lvl = spdlog::level::debug; break;
    case DASHFLOW_LOG_INFO: lvl = spdlog::level::info; break;
    case DASHFLOW_LOG_WARN: lvl = spdlog::level::warn; break;
    default: lvl = spdlog::level::err; break;
  }
  spdlog::log(lvl, "[{}] {}", self(ctx)->plugin_id, std::string_view(message, length));
}

int64_t now_fn(void*) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void metric_fn(void* ctx, int type, const char* name, const char* labels_json, double value) {
  if (!name) return;
  Labels labels = {{"plugin", self(ctx)->plugin_id}};
  if (labels_json && *labels_json) {
    try {
      auto j = nlohmann::json::parse(labels_json);
      if (j.is_object())
        for (auto it = j.begin(); it != j.end(); ++it)
          if (it.key() != "plugin") labels.emplace_back(it.key(), it->is_string() ? it->get<std::string>() : it->dump());
    } catch (...) {
      spdlog::debug("[{}] ignored malformed metric labels for {}", self(ctx)->plugin_id, name);
    }
  }
  const std::string full = "dashflow_plugin_" + sanitize_metric_name(name);
  auto& registry = MetricsRegistry::global();
  switch (type) {
    case DASHFLOW_METRIC_COUNTER_ADD: registry.counter_add(full, labels, value); break;
    case DASHFLOW_METRIC_GAUGE_SET: registry.gauge_set(full, labels, value); break;
    case DASHFLOW_METRIC_HISTOGRAM_OBSERVE: registry.observe(full, labels, value); break;
    default: break;
  }
}

int cancelled_fn(void*) { return cancel_flag().load() ? 1 : 0; }

void publish_fn(void*, const char* topic, const char* payload) {
  if (topic) EventBus::global().publish(topic, payload ? payload : "{}");
}

int subscribe_fn(void* ctx, const char* prefix, dashflow_event_handler handler, void* user) {
  if (!handler || !ctx) return -1;
  auto* instance = static_cast<InstanceHostApi*>(ctx);
  const uint64_t id = EventBus::global().subscribe(
      prefix ? prefix : "",
      [handler, user](const std::string& topic, const std::string& payload) { handler(user, topic.c_str(), payload.c_str()); });
  std::lock_guard<std::mutex> lock(instance->mutex);
  instance->subscriptions.push_back(id);
  return 0;
}

}  // namespace

void InstanceHostApi::unsubscribe_all() {
  std::vector<uint64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mutex);
    ids.swap(subscriptions);
  }
  for (uint64_t id : ids) EventBus::global().unsubscribe(id);
}

std::unique_ptr<InstanceHostApi> make_host_api(const std::string& plugin_id) {
  auto h = std::make_unique<InstanceHostApi>();
  h->plugin_id = plugin_id;
  h->api.struct_size = sizeof(dashflow_host_api);
  h->api.abi_major = DASHFLOW_ABI_MAJOR;
  h->api.abi_minor = DASHFLOW_ABI_MINOR;
  h->api.ctx = h.get();
  h->api.log = log_fn;
  h->api.now_unix_ms = now_fn;
  h->api.metric = metric_fn;
  h->api.is_cancelled = cancelled_fn;
  h->api.publish_event = publish_fn;
  h->api.subscribe = subscribe_fn;
  return h;
}

}  // namespace dashflow::host
