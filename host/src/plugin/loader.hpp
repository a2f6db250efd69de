// Loads a discovered plugin file: dlopen with RTLD_NOW | RTLD_LOCAL |
// RTLD_NODELETE (Boost.DLL's default is lazy binding, where a missing symbol
// kills the process on first call), then checks the descriptor against the
// manifest. Libraries are never unloaded.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "dashflow/abi.h"
#include "plugin/discovery.hpp"

namespace boost::dll {
class shared_library;
}

namespace dashflow::host {

class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadedLibrary {
  std::string path;
  PluginManifest manifest;
  std::shared_ptr<boost::dll::shared_library> library;
  const dashflow_plugin_descriptor* descriptor = nullptr;
};

// Throws PluginLoadError naming the file, the step and dlerror() verbatim.
std::shared_ptr<LoadedLibrary> load_library(const PluginCandidate& candidate);

}  // namespace dashflow::host
