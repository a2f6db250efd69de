#include "dashflow/plugin.hpp"

namespace dashflow {

const char* kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::Analyzer: return "analyzer";
    case PluginKind::Planner: return "planner";
    case PluginKind::Storage: return "storage";
    case PluginKind::AlertSink: return "alert-sink";
    case PluginKind::Reviewer: return "reviewer";
    case PluginKind::TraceSource: return "trace-source";
  }
  return "unknown";
}

std::optional<PluginKind> kind_from_name(std::string_view name) {
  for (PluginKind k : {PluginKind::Analyzer, PluginKind::Planner, PluginKind::Storage, PluginKind::AlertSink,
                       PluginKind::Reviewer, PluginKind::TraceSource}) {
    if (name == kind_name(k)) return k;
  }
  return std::nullopt;
}

}  // namespace dashflow
