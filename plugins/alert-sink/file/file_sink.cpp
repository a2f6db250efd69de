#include "file_sink.hpp"

#include "dashflow/json.hpp"
#include "dashflow_sinks/config_view.hpp"
#include "file_manifest.hpp"

namespace dashflow::sinks {

std::string file_sink_line(const Alert& alert) {
  json j = alert;
  j["_schema_version"] = 1;
  return j.dump();
}

JsonlOptions file_sink_options(const json& config) {
  static const json schema = manifest_config_schema(DASHFLOW_FILE_SINK_MANIFEST);
  const ConfigView view("file sink", config, schema);
  JsonlOptions o;
  o.path = view.string("path");
  std::error_code ec;
  if (fs::is_directory(o.path, ec)) o.path /= "alerts.jsonl";
  o.max_bytes = static_cast<uint64_t>(view.integer("max_bytes"));
  o.max_files = static_cast<uint32_t>(view.integer("max_files"));
  return o;
}

FileSink::FileSink(const PluginContext& ctx) : file_("file sink", file_sink_options(ctx.config())) {}

}  // namespace dashflow::sinks
