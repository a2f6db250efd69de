#include "plugin/loader.hpp"

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <cstddef>

namespace dashflow::host {

std::shared_ptr<LoadedLibrary> load_library(const PluginCandidate& candidate) {
  if (candidate.status != PluginCandidate::Status::Ok || !candidate.manifest)
    throw PluginLoadError("plugin " + candidate.path + " is not loadable: " + candidate.reason);
  auto loaded = std::make_shared<LoadedLibrary>();
  loaded->path = candidate.path;
  loaded->manifest = *candidate.manifest;
  const std::string where = "plugin '" + candidate.manifest->id + "' (" + candidate.path + ")";

  namespace dll = boost::dll;
  const auto mode = dll::load_mode::rtld_now | dll::load_mode::rtld_local |
                    static_cast<dll::load_mode::type>(RTLD_NODELETE);
  try {
    loaded->library = std::make_shared<dll::shared_library>(boost::dll::fs::path(candidate.path), mode);
  } catch (const std::exception& e) {
    // The message carries dlerror(), e.g. "undefined symbol: foo".
    throw PluginLoadError(where + " failed to load: " + e.what());
  }
  if (!loaded->library->has(DASHFLOW_ENTRY_SYMBOL))
    throw PluginLoadError(where + " has no exported symbol " DASHFLOW_ENTRY_SYMBOL
                          " (was it built with DASHFLOW_PLUGIN and dashflow_add_plugin?)");
  dashflow_plugin_entry_fn entry = nullptr;
  try {
    entry = &loaded->library->get<const dashflow_plugin_descriptor*()>(DASHFLOW_ENTRY_SYMBOL);
  } catch (const std::exception& e) {
    throw PluginLoadError(where + ": cannot resolve " DASHFLOW_ENTRY_SYMBOL ": " + e.what());
  }
  const dashflow_plugin_descriptor* d = entry();
  if (!d) throw PluginLoadError(where + ": entry point returned no descriptor");
  if (d->magic != DASHFLOW_PLUGIN_MAGIC) throw PluginLoadError(where + ": descriptor has a wrong magic number");
  if (d->struct_size < offsetof(dashflow_plugin_descriptor, destroy) + sizeof(d->destroy))
    throw PluginLoadError(where + ": descriptor is too small (" + std::to_string(d->struct_size) + " bytes)");
  const auto& m = loaded->manifest;
  if (d->abi_major != m.abi.major || d->abi_minor != m.abi.minor)
    throw PluginLoadError(where + ": descriptor ABI " + std::to_string(d->abi_major) + "." +
                          std::to_string(d->abi_minor) + " differs from its manifest ABI " +
                          std::to_string(m.abi.major) + "." + std::to_string(m.abi.minor));
  if (!d->id || m.id != d->id)
    throw PluginLoadError(where + ": descriptor id '" + std::string(d->id ? d->id : "") +
                          "' differs from the manifest id (is the manifest JSON valid?)");
  if (!d->kind || m.kind_name != d->kind)
    throw PluginLoadError(where + ": manifest says kind '" + m.kind_name + "' but the class implements '" +
                          std::string(d->kind ? d->kind : "") + "'");
  if (!d->create || !d->destroy) throw PluginLoadError(where + ": descriptor lacks create/destroy functions");
  loaded->descriptor = d;
  return loaded;
}

}  // namespace dashflow::host
