#include "plugin/manifest.hpp"

#include <regex>
#include <sstream>
#include <string>

#include "config/schema_validator.hpp"
#include "dashflow/abi.h"

namespace dashflow::host {
namespace {

#define DASHFLOW_HOST_STR_(x) #x
#define DASHFLOW_HOST_STR(x) DASHFLOW_HOST_STR_(x)

std::string host_cxx11_abi() {
#if defined(_GLIBCXX_USE_CXX11_ABI)
  return DASHFLOW_HOST_STR(_GLIBCXX_USE_CXX11_ABI);
#else
  return "none";
#endif
}

AbiInfo parse_abi_line(const std::string& line) {
  AbiInfo abi;
  std::istringstream in(line);
  std::string token;
  while (in >> token) {
    auto eq = token.find('=');
    if (eq == std::string::npos) continue;
    std::string key = token.substr(0, eq), value = token.substr(eq + 1);
    if (key == "abi") {
      auto dot = value.find('.');
      try {
        abi.major = std::stoi(value.substr(0, dot));
        abi.minor = dot == std::string::npos ? 0 : std::stoi(value.substr(dot + 1));
      } catch (...) {
        abi.major = abi.minor = -1;
      }
    } else if (key == "cxx11abi") {
      abi.cxx11abi = value;
    } else if (key == "gxxabi") {
      abi.gxxabi = value;
    }
  }
  return abi;
}

}  // namespace

std::string host_abi_string() {
  return std::to_string(DASHFLOW_ABI_MAJOR) + "." + std::to_string(DASHFLOW_ABI_MINOR);
}

std::optional<PluginManifest> parse_manifest(const EmbeddedManifest& embedded, std::string& error) {
  PluginManifest m;
  m.abi = parse_abi_line(embedded.abi_line);
  try {
    m.raw = nlohmann::json::parse(embedded.json_text);
  } catch (const std::exception& e) {
    error = std::string("manifest is not valid JSON: ") + e.what();
    return std::nullopt;
  }
  if (!m.raw.is_object()) {
    error = "manifest must be a JSON object";
    return std::nullopt;
  }
  auto field = [&](const char* name, std::string& out) {
    auto it = m.raw.find(name);
    if (it == m.raw.end() || !it->is_string() || it->get<std::string>().empty()) {
      error = std::string("manifest field '") + name + "' is missing or not a non-empty string";
      return false;
    }
    out = it->get<std::string>();
    return true;
  };
  if (!field("id", m.id) || !field("kind", m.kind_name) || !field("version", m.version) ||
      !field("description", m.description))
    return std::nullopt;
  static const std::regex id_re("^[a-z0-9][a-z0-9._-]{0,63}$");
  if (!std::regex_match(m.id, id_re)) {
    error = "manifest id '" + m.id + "' must be 1-64 characters of a-z, 0-9, '.', '_' or '-'";
    return std::nullopt;
  }
  auto kind = kind_from_name(m.kind_name);
  if (!kind) {
    error = "manifest kind '" + m.kind_name +
            "' is unknown (expected analyzer, planner, storage, alert-sink, reviewer or trace-source)";
    return std::nullopt;
  }
  m.kind = *kind;
  static const std::regex version_re("^[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.-]+)?$");
  if (!std::regex_match(m.version, version_re)) {
    error = "manifest version '" + m.version + "' is not a semantic version (e.g. 1.2.0)";
    return std::nullopt;
  }
  if (auto r = m.raw.find("reads_payloads"); r != m.raw.end()) {
    if (!r->is_boolean()) {
      error = "manifest field 'reads_payloads' must be true or false";
      return std::nullopt;
    }
    m.reads_payloads = r->get<bool>();
  }
  if (auto s = m.raw.find("config_schema"); s != m.raw.end()) {
    if (!s->is_object()) {
      error = "manifest config_schema must be a JSON Schema object";
      return std::nullopt;
    }
    auto issues = check_schema_supported(*s);
    if (!issues.empty()) {
      error = "manifest config_schema: " + issues.front().to_string();
      return std::nullopt;
    }
    m.config_schema = *s;
  } else {
    // No schema: the plugin takes no configuration at all.
    m.config_schema = {{"type", "object"}, {"properties", nlohmann::json::object()}, {"additionalProperties", false}};
  }
  return m;
}

std::string check_abi(const AbiInfo& abi) {
  const std::string plugin_abi = std::to_string(abi.major) + "." + std::to_string(abi.minor);
  if (abi.major < 0) return "manifest has no readable SDK ABI version";
  if (abi.major != DASHFLOW_ABI_MAJOR)
    return "built against SDK ABI " + plugin_abi + ", host has ABI " + host_abi_string() +
           " (major versions must match: rebuild the plugin against this host's SDK)";
  if (abi.minor > DASHFLOW_ABI_MINOR)
    return "built against SDK ABI " + plugin_abi + ", newer than the host's ABI " + host_abi_string() +
           " (upgrade dashflow or rebuild the plugin against this host's SDK)";
  if (!abi.cxx11abi.empty() && abi.cxx11abi != host_cxx11_abi())
    return "built with _GLIBCXX_USE_CXX11_ABI=" + abi.cxx11abi + ", host uses " + host_cxx11_abi() +
           " (std::string layouts differ: rebuild with the default libstdc++ ABI)";
  return "";
}

}  // namespace dashflow::host
