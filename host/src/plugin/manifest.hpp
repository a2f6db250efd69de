// A plugin's manifest as the host sees it: parsed and checked from the
// embedded text, before any of the plugin's code runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dashflow/plugin.hpp"
#include "plugin/elf_manifest.hpp"

namespace dashflow::host {

struct AbiInfo {
  int major = -1, minor = -1;
  std::string cxx11abi;  // "1", "0" or "none"
  std::string gxxabi;
};

struct PluginManifest {
  std::string id;
  PluginKind kind = PluginKind::Analyzer;
  std::string kind_name;
  std::string version;
  std::string description;
  nlohmann::json config_schema = nlohmann::json::object();
  // Analyzers that read state snapshots / final_state say so ("reads_payloads": true);
  // when none in a pipeline does, trace sources skip those payloads.
  bool reads_payloads = false;
  nlohmann::json raw;  // the whole manifest JSON
  AbiInfo abi;
};

// Parses and checks an embedded manifest. On failure returns nullopt and sets
// `error` to a sentence naming the bad field.
std::optional<PluginManifest> parse_manifest(const EmbeddedManifest& embedded, std::string& error);

// ABI rule: major equal, minor <= host's, same libstdc++ dual ABI. Empty = ok.
std::string check_abi(const AbiInfo& abi);

// "1.0"
std::string host_abi_string();

}  // namespace dashflow::host
