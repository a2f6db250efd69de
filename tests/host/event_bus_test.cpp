// The event bus: prefix routing, handlers run outside the bus lock (they may
// publish and subscribe), a throwing handler does not stop the others, and
// plugins reach it through the C host API, unsubscribed when destroyed.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "observability/event_bus.hpp"
#include "plugin/host_api.hpp"

using dashflow::host::EventBus;

TEST(EventBus, RoutesByTopicPrefix) {
  EventBus bus;
  std::vector<std::string> plan, all;
  bus.subscribe("plan.", [&](const std::string& t, const std::string&) { plan.push_back(t); });
  bus.subscribe("", [&](const std::string& t, const std::string&) { all.push_back(t); });
  bus.publish("plan.created", "{}");
  bus.publish("analysis.started", "{}");
  bus.publish("planet", "{}");  // "plan." is a prefix with the dot
  EXPECT_EQ(plan, std::vector<std::string>({"plan.created"}));
  EXPECT_EQ(all.size(), 3u);
}

TEST(EventBus, HandlersMayPublishAndSubscribeWithoutDeadlock) {
  EventBus bus;
  int nested = 0;
  bus.subscribe("daemon.", [&](const std::string& t, const std::string&) {
    if (t == "daemon.cycle") {
      bus.subscribe("alert.", [&](const std::string&, const std::string&) { ++nested; });
      bus.publish("alert.dispatched", "{}");
    }
  });
  // A deadlock would hang here; run it on a thread and give it a bound.
  std::atomic<bool> done{false};
  std::thread t([&] {
    bus.publish("daemon.cycle", "{}");
    done = true;
  });
  for (int i = 0; i < 500 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(done) << "a handler that publishes deadlocked the bus";
  t.join();
  EXPECT_EQ(nested, 1);
}

TEST(EventBus, AThrowingHandlerDoesNotStopTheOthers) {
  EventBus bus;
  int after = 0;
  bus.subscribe("", [](const std::string&, const std::string&) { throw std::runtime_error("handler bug"); });
  bus.subscribe("", [&](const std::string&, const std::string&) { ++after; });
  EXPECT_NO_THROW(bus.publish("plan.updated", "{}"));
  EXPECT_EQ(after, 1);
}

TEST(EventBus, PluginsSubscribeThroughTheHostApiAndAreRemovedWithTheirInstance) {
  struct Seen {
    int count = 0;
    std::string last_topic, last_payload;
  } seen;
  auto handler = [](void* user, const char* topic, const char* payload) {
    auto* s = static_cast<Seen*>(user);
    ++s->count;
    s->last_topic = topic;
    s->last_payload = payload;
  };
  const size_t before = EventBus::global().subscriber_count();
  {
    auto host = dashflow::host::make_host_api("test-plugin");
    ASSERT_EQ(host->api.subscribe(host->api.ctx, "alert.", handler, &seen), 0);
    EXPECT_EQ(EventBus::global().subscriber_count(), before + 1);
    EventBus::global().publish("alert.dispatched", R"({"kind":"slow_node"})");
    host->api.publish_event(host->api.ctx, "alert.resolved", R"({"kind":"slow_node"})");
    EventBus::global().publish("plan.created", "{}");
    EXPECT_EQ(seen.count, 2);
    EXPECT_EQ(seen.last_topic, "alert.resolved");
    EXPECT_EQ(seen.last_payload, R"({"kind":"slow_node"})");
  }
  EXPECT_EQ(EventBus::global().subscriber_count(), before) << "the destroyed instance's handler must be gone";
  EventBus::global().publish("alert.dispatched", "{}");
  EXPECT_EQ(seen.count, 2);
}
