#include "config/config.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "alerts/dispatcher.hpp"
#include "config/schema_validator.hpp"
#include "dashflow/redaction.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace dashflow::host {
namespace {

const char* kConfigSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "$schema": {"type": "string"},
    "plugin_dirs": {"type": "array", "items": {"type": "string"},
                    "description": "Extra directories searched for plugin .so files"},
    "storage": {"$ref_doc": "plugin reference", "type": "object", "additionalProperties": false,
                "properties": {"plugin": {"type": "string"}, "config": {"type": "object"}},
                "required": ["plugin"]},
    "default_pipeline": {"type": "string"},
    "pipelines": {
      "type": "object",
      "additionalProperties": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "trace_sources": {"type": "array", "items": {"$ref_doc": "plugin reference"}},
          "analyzers": {"type": "array", "items": {"$ref_doc": "plugin reference"}},
          "planners": {"type": "array", "items": {"$ref_doc": "plugin reference"}},
          "reviewers": {"type": "array", "items": {"$ref_doc": "plugin reference"}},
          "alert_sinks": {"type": "array", "items": {"$ref_doc": "plugin reference"}},
          "known_nodes": {"type": "array", "items": {"type": "string"}},
          "known_tools": {"type": "array", "items": {"type": "string"}},
          "graph_manifest": {"type": "string", "description": "JSON file with {\"nodes\": [...], \"tools\": [...]}"},
          "consensus": {"type": "object", "additionalProperties": false, "properties": {
            "min_reviews": {"type": "integer", "minimum": 1},
            "threshold": {"type": "number", "minimum": 0, "maximum": 1}}}
        }
      }
    },
    "daemon": {"type": "object", "additionalProperties": false, "properties": {
      "interval_seconds": {"type": "integer", "minimum": 1, "description": "Cycle interval when no new files arrive (default 60)"},
      "debounce_ms": {"type": "integer", "minimum": 0, "description": "Quiet time after new trace files before a cycle starts (default 500)"},
      "cleanup_interval_cycles": {"type": "integer", "minimum": 0, "description": "Run storage retention every N cycles; 0 = never (default 10)"},
      "retention": {"type": "object", "additionalProperties": false, "properties": {
        "max_reports": {"type": "integer", "minimum": 1},
        "max_plans_per_status": {"type": "integer", "minimum": 1},
        "plan_archive_age_days": {"type": "integer", "minimum": 1},
        "hypothesis_archive_age_days": {"type": "integer", "minimum": 1}}}}},
    "alerts": {"type": "object"},
    "metrics": {"type": "object"},
    "redaction": {"type": "object"},
    "retention": {"type": "object"},
    "cache": {"type": "object"},
    "testgen": {"type": "object", "additionalProperties": false, "properties": {
      "limit": {"type": "integer", "minimum": 1, "description": "Most tests generate-tests writes (default 10)"},
      "tolerance": {"type": "number", "minimum": 0, "description": "--timing bound: observed x (1 + tolerance) (default 1.0)"},
      "timing_floor_ms": {"type": "integer", "minimum": 0, "description": "Smallest --timing bound in ms (default 50)"}}}
  }
})json";

const json kPluginRefSchema = json::parse(R"json({
  "type": "object", "additionalProperties": false, "required": ["plugin"],
  "properties": {"plugin": {"type": "string", "minLength": 1}, "config": {"type": "object"},
                 "enabled": {"type": "boolean"}}
})json");

// Replaces the documentation marker with the real plugin-reference schema.
json resolve_refs(json schema) {
  if (schema.is_object()) {
    if (schema.contains("$ref_doc")) {
      json merged = kPluginRefSchema;
      return merged;
    }
    for (auto& [k, v] : schema.items()) v = resolve_refs(v);
  } else if (schema.is_array()) {
    for (auto& v : schema) v = resolve_refs(v);
  }
  return schema;
}

PluginRef plugin_ref(const json& j, const std::string& where) {
  PluginRef r;
  r.plugin = j.at("plugin").get<std::string>();
  if (j.contains("config")) r.config = j["config"];
  r.enabled = j.value("enabled", true);
  r.where = where;
  return r;
}

std::vector<PluginRef> plugin_refs(const json& p, const char* key, const std::string& where) {
  std::vector<PluginRef> out;
  if (!p.contains(key)) return out;
  for (size_t i = 0; i < p[key].size(); ++i) {
    PluginRef r = plugin_ref(p[key][i], where + "." + key + "[" + std::to_string(i) + "]");
    if (r.enabled) out.push_back(std::move(r));
  }
  return out;
}

PipelineConfig default_pipeline() {
  PipelineConfig p;
  p.name = "default";
  p.trace_sources = {{"trace-dir", json::object(), true, "default pipeline"}};
  p.all_analyzers = true;
  p.planners = {{"default-planner", json::object(), true, "default pipeline"}};
  p.alert_sinks = {{"console", json::object(), true, "default pipeline"}};
  return p;
}

}  // namespace

const json& config_schema() {
  static const json schema = [] {
    json s = resolve_refs(json::parse(kConfigSchema));
    s["properties"]["redaction"] = json::parse(dashflow::kRedactionConfigSchema);
    s["properties"]["alerts"] = dispatcher_config_schema();
    return s;
  }();
  return schema;
}

const PipelineConfig& Config::pipeline(const std::string& name) const {
  auto it = pipelines.find(name);
  if (it == pipelines.end()) {
    std::string known;
    for (const auto& [n, _] : pipelines) known += (known.empty() ? "" : ", ") + n;
    throw ConfigFileError("pipeline '" + name + "' is not defined in " + source + " (defined: " + known + ")");
  }
  return it->second;
}

Config default_config() {
  Config c;
  c.source = "(built-in default)";
  c.storage = {"fs", json::object(), true, "storage"};
  c.pipelines["default"] = default_pipeline();
  return c;
}

Config load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigFileError("cannot read config file " + path + ": " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  json j;
  try {
    j = json::parse(buffer.str());
  } catch (const json::parse_error& e) {
    throw ConfigFileError("config file " + path + " is not valid JSON: " + e.what());
  }
  auto issues = validate_against_schema(j, config_schema());
  if (!issues.empty()) {
    std::vector<std::string> lines;
    for (const auto& i : issues) lines.push_back(path + ": " + i.to_string());
    throw ConfigFileError("config file " + path + " is invalid: " + issues.front().to_string(), lines);
  }
  Config c = default_config();
  c.source = path;
  c.from_file = true;
  c.raw = j;
  const fs::path base = fs::absolute(fs::path(path)).parent_path();
  for (const auto& d : j.value("plugin_dirs", json::array())) {
    fs::path p = d.get<std::string>();
    c.plugin_dirs.push_back((p.is_absolute() ? p : base / p).lexically_normal().string());
  }
  if (j.contains("storage")) c.storage = plugin_ref(j["storage"], "storage");
  if (j.contains("pipelines")) {
    c.pipelines.clear();
    for (const auto& [name, p] : j["pipelines"].items()) {
      PipelineConfig pc;
      pc.name = name;
      const std::string where = "pipelines." + name;
      pc.trace_sources = plugin_refs(p, "trace_sources", where);
      pc.analyzers = plugin_refs(p, "analyzers", where);
      pc.all_analyzers = !p.contains("analyzers");
      pc.planners = p.contains("planners") ? plugin_refs(p, "planners", where) : default_pipeline().planners;
      pc.reviewers = plugin_refs(p, "reviewers", where);
      pc.alert_sinks = p.contains("alert_sinks") ? plugin_refs(p, "alert_sinks", where) : default_pipeline().alert_sinks;
      if (pc.trace_sources.empty() && !p.contains("trace_sources")) pc.trace_sources = default_pipeline().trace_sources;
      pc.known_nodes = p.value("known_nodes", std::vector<std::string>{});
      pc.known_tools = p.value("known_tools", std::vector<std::string>{});
      if (p.contains("graph_manifest")) {
        fs::path g = p["graph_manifest"].get<std::string>();
        pc.graph_manifest = (g.is_absolute() ? g : base / g).lexically_normal().string();
      }
      if (p.contains("consensus")) {
        pc.min_reviews = p["consensus"].value("min_reviews", pc.min_reviews);
        pc.consensus_threshold = p["consensus"].value("threshold", pc.consensus_threshold);
      }
      c.pipelines[name] = std::move(pc);
    }
  }
  if (c.pipelines.empty()) throw ConfigFileError("config file " + path + ": 'pipelines' defines no pipeline");
  c.default_pipeline = j.value("default_pipeline", c.pipelines.count("default") ? "default" : c.pipelines.begin()->first);
  if (!c.pipelines.count(c.default_pipeline))
    throw ConfigFileError("config file " + path + ": default_pipeline '" + c.default_pipeline + "' is not defined under pipelines");
  return c;
}

Config load_config(const std::optional<std::string>& explicit_path) {
  if (explicit_path) return load_config_file(*explicit_path);
  const std::string implicit = ".dashflow/dashflow.json";
  std::error_code ec;
  if (fs::exists(implicit, ec)) return load_config_file(implicit);
  return default_config();
}

}  // namespace dashflow::host
