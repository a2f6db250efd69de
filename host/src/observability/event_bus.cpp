#include "observability/event_bus.hpp"

#include <spdlog/spdlog.h>

namespace dashflow::host {

EventBus& EventBus::global() {
  static EventBus bus;
  return bus;
}

uint64_t EventBus::subscribe(std::string topic_prefix, Handler handler) {
  std::lock_guard<std::mutex> lock(mutex_);
  const uint64_t id = next_id_++;
  subscriptions_.push_back({id, std::move(topic_prefix), std::move(handler)});
  return id;
}

void EventBus::unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(subscriptions_, [id](const Subscription& s) { return s.id == id; });
}

void EventBus::publish(const std::string& topic, const std::string& payload_json) {
  std::vector<Handler> matching;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& s : subscriptions_)
      if (topic.compare(0, s.prefix.size(), s.prefix) == 0) matching.push_back(s.handler);
  }
  for (const auto& handler : matching) {
    try {
      handler(topic, payload_json);
    } catch (const std::exception& e) {
      spdlog::warn("event handler for '{}' failed: {}", topic, e.what());
    } catch (...) {
      spdlog::warn("event handler for '{}' failed with an unknown exception", topic);
    }
  }
}

size_t EventBus::subscriber_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return subscriptions_.size();
}

}  // namespace dashflow::host
