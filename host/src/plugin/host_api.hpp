// Builds the dashflow_host_api table handed to one plugin instance: logging
// through the host's spdlog tagged with the plugin id, metrics into the
// host registry, cancellation, and the event bus.
#pragma once

#include <memory>
#include <string>

#include "dashflow/abi.h"

namespace dashflow::host {

struct InstanceHostApi {
  std::string plugin_id;
  dashflow_host_api api{};
};

std::unique_ptr<InstanceHostApi> make_host_api(const std::string& plugin_id);

}  // namespace dashflow::host
