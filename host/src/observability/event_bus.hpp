// In-process publish/subscribe for plan.*, analysis.*, alert.*, daemon.*
// events. Handlers are copied out under the lock and run after it is released,
// so a handler may publish or subscribe without deadlocking.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace dashflow::host {

class EventBus {
 public:
  using Handler = std::function<void(const std::string& topic, const std::string& payload_json)>;
  static EventBus& global();

  // Handlers whose prefix matches the start of the topic receive it ("" = all).
  // Returns an id for unsubscribe (plugin instances unsubscribe when destroyed).
  uint64_t subscribe(std::string topic_prefix, Handler handler);
  void unsubscribe(uint64_t id);
  void publish(const std::string& topic, const std::string& payload_json);
  size_t subscriber_count() const;

 private:
  struct Subscription {
    uint64_t id;
    std::string prefix;
    Handler handler;
  };
  mutable std::mutex mutex_;
  std::vector<Subscription> subscriptions_;
  uint64_t next_id_ = 1;
};

}  // namespace dashflow::host
