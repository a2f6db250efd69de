#include "pipeline/trace_dirs.hpp"

namespace dashflow::host {

std::vector<TraceSourceDir> trace_source_dirs(const PluginRegistry& registry, const PipelineConfig& pipeline) {
  std::vector<TraceSourceDir> out(pipeline.trace_sources.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const PluginRef& ref = pipeline.trace_sources[i];
    TraceSourceDir& d = out[i];
    d.plugin = ref.plugin;
    d.where = ref.where;
    try {
      const nlohmann::json validated = registry.validated_config(ref.plugin, PluginKind::TraceSource, ref.config);
      if (validated.contains("path") && validated["path"].is_string()) d.path = validated["path"].get<std::string>();
      if (validated.contains("recursive") && validated["recursive"].is_boolean()) d.recursive = validated["recursive"].get<bool>();
    } catch (const std::exception& e) {
      d.error = e.what();
    }
  }
  return out;
}

}  // namespace dashflow::host
