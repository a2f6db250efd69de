#include "pipeline/plugin_set.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <set>

namespace dashflow::host {
namespace {

template <class Interface>
void create_into(CliContext& ctx, const PluginRef& ref, std::vector<PluginInstance<Interface>>& out,
                 std::vector<PluginFailure>& failures, const nlohmann::json& overrides = nlohmann::json::object()) {
  nlohmann::json config = ref.config.is_object() ? ref.config : nlohmann::json::object();
  for (const auto& [k, v] : overrides.items()) config[k] = v;
  try {
    auto instance = ctx.registry().create_as<Interface>(ref.plugin, config);
    instance.call("start", [](Interface& p) { p.start(); });
    out.push_back(std::move(instance));
  } catch (const PluginConfigError& e) {
    // A bad config is the user's to fix: fail loudly rather than run without it.
    throw CommandError("plugin-config", ref.where + ": " + e.what(), e.issues);
  } catch (const std::exception& e) {
    spdlog::warn("{}: {}", ref.where, e.what());
    failures.push_back({ref.plugin, "create", e.what()});
  }
}

void read_graph_manifest(const std::string& path, std::vector<std::string>& nodes, std::vector<std::string>& tools) {
  std::ifstream in(path);
  if (!in) throw CommandError("config", "cannot read graph manifest " + path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw CommandError("config", "graph manifest " + path + " is not valid JSON: " + e.what());
  }
  auto names = [&](const char* key, std::vector<std::string>& out) {
    if (!j.contains(key)) return;
    for (const auto& item : j[key]) {
      if (item.is_string()) out.push_back(item.get<std::string>());
      else if (item.is_object() && item.contains("name")) out.push_back(item["name"].get<std::string>());
    }
  };
  names("nodes", nodes);
  names("tools", tools);
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::set<std::string> s(v.begin(), v.end());
  return {s.begin(), s.end()};
}

}  // namespace

PluginInstance<StorageBackend> open_storage_to_look(CliContext& ctx, const std::optional<std::string>& storage_dir) {
  const Config& config = ctx.config();
  nlohmann::json storage_config = config.storage.config.is_object() ? config.storage.config : nlohmann::json::object();
  if (storage_dir) storage_config["path"] = *storage_dir;
  return ctx.registry().create_as<StorageBackend>(config.storage.plugin, storage_config);
}

PluginInstance<StorageBackend> open_storage(CliContext& ctx, const std::optional<std::string>& storage_dir) {
  auto storage = open_storage_to_look(ctx, storage_dir);
  storage.call("initialize", [](StorageBackend& s) { s.initialize(); });
  return storage;
}

PluginSet build_plugin_set(CliContext& ctx, const PipelineOverrides& overrides, const PluginSetOptions& what) {
  const Config& config = ctx.config();
  PluginSet set;
  set.redaction = make_redaction_gate(config.raw);
  set.pipeline = &config.pipeline(overrides.pipeline.empty() ? config.default_pipeline : overrides.pipeline);
  const PipelineConfig& p = *set.pipeline;
  if (what.storage) set.storage = open_storage(ctx, overrides.storage_dir);

  if (what.analyzers) {
    if (p.all_analyzers) {
      for (const auto* c : ctx.registry().of_kind(PluginKind::Analyzer)) {
        PluginRef ref{c->manifest->id, nlohmann::json::object(), true, "default pipeline (analyzer " + c->manifest->id + ")"};
        create_into(ctx, ref, set.analyzers, set.failures);
      }
    } else {
      for (const auto& ref : p.analyzers) create_into(ctx, ref, set.analyzers, set.failures);
    }
  }
  // Sources are created after the analyzers: they skip heavy payloads unless
  // one of the analyzers declares that it reads them.
  bool payloads_needed = !what.analyzers;  // other users (e.g. test generation) decide for themselves
  for (const auto& a : set.analyzers) payloads_needed = payloads_needed || a.manifest().reads_payloads;
  for (const auto& ref : p.trace_sources) {
    nlohmann::json source_override = nlohmann::json::object();
    if (overrides.traces_dir) source_override["path"] = *overrides.traces_dir;
    const PluginCandidate* candidate = ctx.registry().find(ref.plugin);
    const bool has_payload_key = candidate && candidate->manifest &&
                                 candidate->manifest->config_schema.contains("properties") &&
                                 candidate->manifest->config_schema["properties"].contains("payloads");
    const bool user_set = ref.config.is_object() && ref.config.contains("payloads");
    if (has_payload_key && !user_set) source_override["payloads"] = payloads_needed;
    create_into(ctx, ref, set.sources, set.failures, source_override);
  }
  if (set.sources.empty())
    throw CommandError("pipeline", "pipeline '" + p.name + "' has no usable trace source",
                       [&] {
                         std::vector<std::string> d;
                         for (const auto& f : set.failures) d.push_back(f.plugin + ": " + f.message);
                         return d;
                       }());

  if (what.planners)
    for (const auto& ref : p.planners) create_into(ctx, ref, set.planners, set.failures);
  if (what.reviewers)
    for (const auto& ref : p.reviewers) create_into(ctx, ref, set.reviewers, set.failures);
  if (what.alert_sinks) {
    auto skipped = [&](const std::string& id) {
      return std::find(what.skip_alert_sinks.begin(), what.skip_alert_sinks.end(), id) != what.skip_alert_sinks.end();
    };
    for (const auto& ref : p.alert_sinks)
      if (!skipped(ref.plugin)) create_into(ctx, ref, set.alert_sinks, set.failures);
    for (const auto& ref : what.extra_alert_sinks) create_into(ctx, ref, set.alert_sinks, set.failures);
  }

  set.known_nodes = p.known_nodes;
  set.known_tools = p.known_tools;
  if (p.graph_manifest) read_graph_manifest(*p.graph_manifest, set.known_nodes, set.known_tools);
  set.known_nodes = sorted_unique(set.known_nodes);
  set.known_tools = sorted_unique(set.known_tools);
  return set;
}

}  // namespace dashflow::host
