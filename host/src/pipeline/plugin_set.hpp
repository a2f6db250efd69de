// The plugin instances of one pipeline run, created from the config with
// failures recorded instead of aborting (a broken analyzer must not stop the
// others). Storage is the exception: without it nothing can be saved.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "dashflow/plugin.hpp"
#include "pipeline/redaction_gate.hpp"

namespace dashflow::host {

struct PipelineOverrides {
  std::optional<std::string> storage_dir;  // --storage
  std::optional<std::string> traces_dir;   // --traces
  std::string pipeline;                    // empty = the config's default
};

struct PluginSet {
  const PipelineConfig* pipeline = nullptr;
  PluginInstance<StorageBackend> storage;
  std::vector<PluginInstance<TraceSource>> sources;
  std::vector<PluginInstance<Analyzer>> analyzers;
  std::vector<PluginInstance<Planner>> planners;
  std::vector<PluginInstance<Reviewer>> reviewers;
  std::vector<PluginInstance<AlertSink>> alert_sinks;
  std::vector<PluginFailure> failures;  // plugins that could not be created
  std::vector<std::string> known_nodes, known_tools;
  std::shared_ptr<RedactionGate> redaction;  // applied before anything is stored or sent
};

// Storage only (for plans/approve/reports ...). Throws on failure.
PluginInstance<StorageBackend> open_storage(CliContext& ctx, const std::optional<std::string>& storage_dir);
// The storage plugin without initialize(), which creates and repairs: for
// looking only (health, dry runs), which must not create or change it.
PluginInstance<StorageBackend> open_storage_to_look(CliContext& ctx, const std::optional<std::string>& storage_dir);

struct PluginSetOptions {
  bool storage = true;  // false: PluginSet::storage stays empty (callers that only list traces)
  bool analyzers = true;
  bool planners = true;
  bool reviewers = false;
  bool alert_sinks = false;
  std::vector<PluginRef> extra_alert_sinks;     // from flags (--alert-file, --alert-webhook)
  std::vector<std::string> skip_alert_sinks;    // plugin ids left out (--no-console)
};

PluginSet build_plugin_set(CliContext& ctx, const PipelineOverrides& overrides, const PluginSetOptions& what);

}  // namespace dashflow::host
