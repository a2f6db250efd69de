// The directories a pipeline's trace sources read, from each source's
// validated config ("path" and "recursive", defaults from its schema). The
// daemon watches and cleans the first one; `self-improve retention` cleans
// them all. Both must walk a directory the way its source does: retention
// must never touch subdirectories a non-recursive source does not read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "plugin/registry.hpp"

namespace dashflow::host {

struct TraceSourceDir {
  std::string plugin;  // the source's plugin id
  std::string where;   // where it is configured, for messages
  std::optional<std::string> path;  // none: no "path" in its config (not a directory source)
  bool recursive = true;
  std::string error;  // its config does not validate (the source reports it too when created)
};

std::vector<TraceSourceDir> trace_source_dirs(const PluginRegistry& registry, const PipelineConfig& pipeline);

}  // namespace dashflow::host
