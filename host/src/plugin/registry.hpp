// The set of plugins known to this process: discovered candidates, loaded
// libraries (loaded lazily, never unloaded), and the creation of validated,
// guarded instances.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dashflow/plugin.hpp"
#include "plugin/crash_guard.hpp"
#include "plugin/discovery.hpp"
#include "plugin/host_api.hpp"
#include "plugin/loader.hpp"

namespace dashflow::host {

// Config that does not fit the plugin's schema. Each issue names the key.
class PluginConfigError : public std::runtime_error {
 public:
  PluginConfigError(const std::string& message, std::vector<std::string> issues)
      : std::runtime_error(message), issues(std::move(issues)) {}
  std::vector<std::string> issues;
};

// A plugin method that threw: recorded as a failure of that plugin.
class PluginCallError : public std::runtime_error {
 public:
  PluginCallError(std::string plugin, std::string stage, const std::string& message)
      : std::runtime_error("plugin '" + plugin + "' failed in " + stage + ": " + message),
        plugin(std::move(plugin)), stage(std::move(stage)), detail(message) {}
  std::string plugin, stage, detail;
};

// Owns one created instance: destroys it through the plugin's own destroy.
class InstanceCore {
 public:
  InstanceCore(std::shared_ptr<LoadedLibrary> library, std::unique_ptr<InstanceHostApi> api, void* object);
  ~InstanceCore();
  InstanceCore(const InstanceCore&) = delete;
  InstanceCore& operator=(const InstanceCore&) = delete;

  const std::string& id() const { return library_->manifest.id; }
  const PluginManifest& manifest() const { return library_->manifest; }
  const std::string& library_path() const { return library_->path; }
  void* object() const { return object_; }
  Plugin* as_plugin() const;
  const nlohmann::json& config() const { return config_; }
  void set_config(nlohmann::json c) { config_ = std::move(c); }

 private:
  std::shared_ptr<LoadedLibrary> library_;
  std::unique_ptr<InstanceHostApi> api_;
  void* object_;
  nlohmann::json config_;
};

// Runs fn, turning any exception into PluginCallError and recording per-plugin
// call count, error count and latency metrics.
void record_plugin_call(const std::string& plugin, const std::string& stage, double seconds, bool ok);

template <class Interface>
class PluginInstance {
 public:
  PluginInstance() = default;
  explicit PluginInstance(std::shared_ptr<InstanceCore> core) : core_(std::move(core)) {}
  Interface* operator->() const { return static_cast<Interface*>(core_->object()); }
  Interface& get() const { return *static_cast<Interface*>(core_->object()); }
  const std::string& id() const { return core_->id(); }
  const std::string& library_path() const { return core_->library_path(); }
  const PluginManifest& manifest() const { return core_->manifest(); }
  const nlohmann::json& config() const { return core_->config(); }
  explicit operator bool() const { return static_cast<bool>(core_); }

  // Calls fn(plugin) guarded: exceptions become PluginCallError.
  template <class F>
  auto call(const std::string& stage, F&& fn) const -> decltype(fn(std::declval<Interface&>())) {
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    CrashScope crash_scope(id(), stage.c_str(), core_->library_path());
    try {
      if constexpr (std::is_void_v<decltype(fn(get()))>) {
        fn(get());
        record_plugin_call(id(), stage, seconds(), true);
      } else {
        auto result = fn(get());
        record_plugin_call(id(), stage, seconds(), true);
        return result;
      }
    } catch (const std::exception& e) {
      record_plugin_call(id(), stage, seconds(), false);
      throw PluginCallError(id(), stage, e.what());
    } catch (...) {
      record_plugin_call(id(), stage, seconds(), false);
      throw PluginCallError(id(), stage, "unknown exception");
    }
  }

 private:
  std::shared_ptr<InstanceCore> core_;
};

class PluginRegistry {
 public:
  explicit PluginRegistry(DiscoveryResult discovery);

  const std::vector<PluginCandidate>& candidates() const { return discovery_.candidates; }
  const std::vector<std::string>& problems() const { return discovery_.problems; }
  // The loadable candidate with this id, or nullptr.
  const PluginCandidate* find(const std::string& id) const;
  std::vector<const PluginCandidate*> of_kind(PluginKind kind) const;

  // Validates config against the manifest schema (before any plugin code
  // runs), fills defaults, loads the library and creates the instance.
  // Throws PluginConfigError, PluginLoadError or PluginCallError (factory threw).
  std::shared_ptr<InstanceCore> create(const std::string& id, PluginKind expected, const nlohmann::json& config);

  template <class Interface>
  PluginInstance<Interface> create_as(const std::string& id, const nlohmann::json& config) {
    return PluginInstance<Interface>(create(id, Interface::kKind, config));
  }

  // Config with defaults applied, or PluginConfigError. Runs no plugin code.
  nlohmann::json validated_config(const std::string& id, PluginKind expected, const nlohmann::json& config) const;

 private:
  std::shared_ptr<LoadedLibrary> library_for(const PluginCandidate& candidate);

  DiscoveryResult discovery_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<LoadedLibrary>> loaded_;
};

}  // namespace dashflow::host
