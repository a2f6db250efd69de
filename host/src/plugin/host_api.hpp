// Builds the dashflow_host_api table handed to one plugin instance: logging
// through the host's spdlog tagged with the plugin id, metrics into the
// host registry, cancellation, and the event bus.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dashflow/abi.h"

namespace dashflow::host {

struct InstanceHostApi {
  std::string plugin_id;
  dashflow_host_api api{};
  std::mutex mutex;
  std::vector<uint64_t> subscriptions;  // event bus handlers of this instance

  InstanceHostApi() = default;
  InstanceHostApi(const InstanceHostApi&) = delete;
  InstanceHostApi& operator=(const InstanceHostApi&) = delete;
  // Removes the instance's event handlers: they point into plugin code.
  void unsubscribe_all();
  ~InstanceHostApi() { unsubscribe_all(); }
};

std::unique_ptr<InstanceHostApi> make_host_api(const std::string& plugin_id);

}  // namespace dashflow::host
