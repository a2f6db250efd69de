#include "plugin/registry.hpp"

#include <spdlog/spdlog.h>

#include "config/schema_validator.hpp"
#include "observability/metrics.hpp"

namespace dashflow::host {

InstanceCore::InstanceCore(std::shared_ptr<LoadedLibrary> library, std::unique_ptr<InstanceHostApi> api, void* object)
    : library_(std::move(library)), api_(std::move(api)), object_(object) {}

InstanceCore::~InstanceCore() {
  if (!object_) return;
  // Shut down through the plugin's own code; stop() must be safe without start().
  try {
    as_plugin()->stop();
  } catch (const std::exception& e) {
    spdlog::warn("plugin '{}' failed in stop: {}", id(), e.what());
  } catch (...) {
    spdlog::warn("plugin '{}' failed in stop with an unknown exception", id());
  }
  if (api_) api_->unsubscribe_all();  // its event handlers point into the object
  library_->descriptor->destroy(object_);
}

Plugin* InstanceCore::as_plugin() const {
  // object_ points at the kind's interface; convert through the right type.
  switch (library_->manifest.kind) {
    case PluginKind::Analyzer: return static_cast<Analyzer*>(object_);
    case PluginKind::Planner: return static_cast<Planner*>(object_);
    case PluginKind::Storage: return static_cast<StorageBackend*>(object_);
    case PluginKind::AlertSink: return static_cast<AlertSink*>(object_);
    case PluginKind::Reviewer: return static_cast<Reviewer*>(object_);
    case PluginKind::TraceSource: return static_cast<TraceSource*>(object_);
  }
  return nullptr;
}

void record_plugin_call(const std::string& plugin, const std::string& stage, double seconds, bool ok) {
  auto& m = MetricsRegistry::global();
  Labels labels = {{"plugin", plugin}, {"stage", stage}};
  m.counter_add("dashflow_plugin_calls_total", labels);
  if (!ok) m.counter_add("dashflow_plugin_errors_total", labels);
  m.observe("dashflow_plugin_call_duration_seconds", labels, seconds);
  // Storage calls also feed the runtime's storage_operations_total (by operation and item type).
  static const std::map<std::string, std::pair<const char*, const char*>> kStorageStages = {
      {"save_report", {"save", "report"}},         {"load_report", {"load", "report"}},
      {"save_plan", {"save", "plan"}},             {"upsert_plan", {"save", "plan"}},
      {"transition_plan", {"save", "plan"}},       {"load_plan", {"load", "plan"}},
      {"save_hypothesis", {"save", "hypothesis"}}, {"load_hypothesis", {"load", "hypothesis"}}};
  if (auto it = kStorageStages.find(stage); ok && it != kStorageStages.end())
    m.counter_add("dashflow_self_improve_storage_operations_total",
                  {{"operation", it->second.first}, {"item_type", it->second.second}});
}

PluginRegistry::PluginRegistry(DiscoveryResult discovery) : discovery_(std::move(discovery)) {}

const PluginCandidate* PluginRegistry::find(const std::string& id) const {
  for (const auto& c : discovery_.candidates)
    if (c.status == PluginCandidate::Status::Ok && c.manifest && c.manifest->id == id) return &c;
  return nullptr;
}

std::vector<const PluginCandidate*> PluginRegistry::of_kind(PluginKind kind) const {
  std::vector<const PluginCandidate*> out;
  for (const auto& c : discovery_.candidates)
    if (c.status == PluginCandidate::Status::Ok && c.manifest && c.manifest->kind == kind) out.push_back(&c);
  return out;
}

nlohmann::json PluginRegistry::validated_config(const std::string& id, PluginKind expected,
                                                const nlohmann::json& config) const {
  const PluginCandidate* c = find(id);
  if (!c) {
    std::string why;
    for (const auto& other : discovery_.candidates)
      if (other.manifest && other.manifest->id == id) why = " (" + other.path + ": " + other.reason + ")";
    throw PluginLoadError("plugin '" + id + "' is not available" + why +
                          "; run 'dashflow plugins list' to see the plugins found");
  }
  if (c->manifest->kind != expected)
    throw PluginLoadError("plugin '" + id + "' is of kind " + c->manifest->kind_name + ", not " +
                          kind_name(expected));
  const nlohmann::json given = config.is_null() ? nlohmann::json::object() : config;
  auto issues = validate_against_schema(given, c->manifest->config_schema);
  if (!issues.empty()) {
    std::vector<std::string> lines;
    for (const auto& i : issues) lines.push_back(i.to_string());
    std::string message = "invalid config for plugin '" + id + "': " + lines.front();
    if (lines.size() > 1) message += " (and " + std::to_string(lines.size() - 1) + " more)";
    message += "; see 'dashflow plugins info " + id + "' for its config schema";
    throw PluginConfigError(message, lines);
  }
  return apply_schema_defaults(given, c->manifest->config_schema);
}

std::shared_ptr<LoadedLibrary> PluginRegistry::library_for(const PluginCandidate& candidate) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = loaded_.find(candidate.manifest->id);
  if (it != loaded_.end()) return it->second;
  auto lib = load_library(candidate);
  loaded_[candidate.manifest->id] = lib;
  spdlog::debug("loaded plugin '{}' {} from {}", candidate.manifest->id, candidate.manifest->version, candidate.path);
  return lib;
}

std::shared_ptr<InstanceCore> PluginRegistry::create(const std::string& id, PluginKind expected,
                                                     const nlohmann::json& config) {
  nlohmann::json effective = validated_config(id, expected, config);  // before any plugin code
  auto library = library_for(*find(id));
  auto api = make_host_api(id);
  char error[1024] = {0};
  const std::string text = effective.dump();
  const auto start = std::chrono::steady_clock::now();
  void* object = library->descriptor->create(&api->api, text.c_str(), error, sizeof error);
  record_plugin_call(id, "create", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                     object != nullptr);
  if (!object)
    throw PluginCallError(id, "create", error[0] ? std::string(error) : "factory returned no instance");
  auto core = std::make_shared<InstanceCore>(library, std::move(api), object);
  core->set_config(std::move(effective));
  return core;
}

}  // namespace dashflow::host
