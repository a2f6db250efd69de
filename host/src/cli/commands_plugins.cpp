// dashflow plugins list | info | check | test
#include <dlfcn.h>

#include <filesystem>
#include <iostream>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "plugin/child_process.hpp"
#include "plugin/conformance.hpp"
#include "plugin/crash_guard.hpp"
#include "plugin/discovery.hpp"
#include "plugin/elf_manifest.hpp"
#include "plugin/loader.hpp"
#include "plugin/permissions.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace dashflow::host {
namespace {

json candidate_json(const PluginCandidate& c) {
  json j = {{"path", c.path}, {"status", status_name(c.status)}};
  if (c.manifest) {
    j["id"] = c.manifest->id;
    j["kind"] = c.manifest->kind_name;
    j["version"] = c.manifest->version;
    j["description"] = c.manifest->description;
  }
  if (!c.reason.empty()) j["reason"] = c.reason;
  return j;
}

int plugins_list(CliContext& ctx, const po::variables_map&) {
  auto& registry = ctx.registry();
  if (ctx.format == OutputFormat::Json) {
    json list = json::array();
    for (const auto& c : registry.candidates()) list.push_back(candidate_json(c));
    print_json({{"plugin_dirs", ctx.plugin_dirs()}, {"plugins", list}, {"problems", registry.problems()}});
    return 0;
  }
  Table t({"ID", "KIND", "VERSION", "STATUS", "PATH"});
  for (const auto& c : registry.candidates()) {
    t.add({c.manifest ? c.manifest->id : "-", c.manifest ? c.manifest->kind_name : "-",
           c.manifest ? c.manifest->version : "-", status_name(c.status), c.path});
  }
  if (t.empty()) {
    std::cout << "No plugins found in: ";
    for (const auto& d : ctx.plugin_dirs()) std::cout << d << " ";
    std::cout << "\n";
  } else {
    std::cout << t.render();
  }
  bool notes = false;
  for (const auto& c : registry.candidates()) {
    if (c.status == PluginCandidate::Status::Ok) continue;
    if (!notes) std::cout << "\n";
    notes = true;
    std::cout << status_name(c.status) << ": " << c.path << ": " << c.reason << "\n";
  }
  for (const auto& p : registry.problems()) std::cout << "problem: " << p << "\n";
  return 0;
}

const PluginCandidate& candidate_by_id_or_path(CliContext& ctx, const std::string& what, PluginCandidate& scratch) {
  if (what.find('/') != std::string::npos || (what.size() > 3 && what.substr(what.size() - 3) == ".so")) {
    scratch = inspect_plugin_file(what);
    return scratch;
  }
  for (const auto& c : ctx.registry().candidates())
    if (c.manifest && c.manifest->id == what) return c;
  throw CommandError("not-found", "no plugin with id '" + what + "' found",
                     {"searched: " + [&] {
                       std::string s;
                       for (const auto& d : ctx.plugin_dirs()) s += (s.empty() ? "" : ", ") + d;
                       return s;
                     }()});
}

int plugins_info(CliContext& ctx, const po::variables_map& vm) {
  PluginCandidate scratch;
  const auto& c = candidate_by_id_or_path(ctx, vm["plugin"].as<std::string>(), scratch);
  if (!c.manifest) throw CommandError("plugin", c.path + ": " + c.reason);
  const auto& m = *c.manifest;
  if (ctx.format == OutputFormat::Json) {
    json j = candidate_json(c);
    j["abi"] = std::to_string(m.abi.major) + "." + std::to_string(m.abi.minor);
    j["manifest"] = m.raw;
    j["config_schema"] = m.config_schema;
    print_json(j);
    return 0;
  }
  std::cout << m.id << " " << m.version << " (" << m.kind_name << ")\n"
            << "  " << m.description << "\n"
            << "  path:   " << c.path << "\n"
            << "  status: " << status_name(c.status) << (c.reason.empty() ? "" : " - " + c.reason) << "\n"
            << "  SDK ABI " << m.abi.major << "." << m.abi.minor << " (host " << host_abi_string() << ")\n\n"
            << "Configuration:\n";
  const json props = m.config_schema.value("properties", json::object());
  if (props.empty()) std::cout << "  (none)\n";
  for (const auto& [key, s] : props.items()) {
    std::cout << "  " << key << " (" << (s.contains("type") ? s["type"].dump() : std::string("any")) << ")";
    if (s.contains("default")) std::cout << " default " << s["default"].dump();
    if (s.contains("enum")) std::cout << " one of " << s["enum"].dump();
    if (s.contains("minimum")) std::cout << " min " << s["minimum"].dump();
    if (s.contains("maximum")) std::cout << " max " << s["maximum"].dump();
    std::cout << "\n";
    if (s.contains("description")) std::cout << "      " << s["description"].get<std::string>() << "\n";
  }
  std::cout << "\nConfig schema:\n" << m.config_schema.dump(2) << "\n";
  return 0;
}

struct CheckLine {
  std::string name;
  bool ok;
  std::string detail;
};

int plugins_check(CliContext& ctx, const po::variables_map& vm) {
  const std::string path = vm["file"].as<std::string>();
  std::vector<CheckLine> lines;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw CommandError("not-found", "no such file: " + path);
  const std::string dir = fs::absolute(path).parent_path().string();
  std::string why = check_plugin_path_permissions(dir, true);
  lines.push_back({"directory permissions", why.empty(), why.empty() ? dir : why});
  why = check_plugin_path_permissions(path, false);
  lines.push_back({"file permissions", why.empty(), why.empty() ? "owner and mode ok" : why});

  ManifestReadResult read = read_embedded_manifest(path);
  const bool has_manifest = read.status == ManifestReadResult::Status::Ok;
  lines.push_back({"embedded manifest", has_manifest, has_manifest ? read.manifest.abi_line : read.message});
  std::optional<PluginManifest> manifest;
  if (has_manifest) {
    std::string error;
    manifest = parse_manifest(read.manifest, error);
    lines.push_back({"manifest fields", manifest.has_value(),
                     manifest ? manifest->id + " " + manifest->version + " (" + manifest->kind_name + ")" : error});
    if (manifest) {
      std::string abi = check_abi(manifest->abi);
      lines.push_back({"SDK ABI", abi.empty(),
                       abi.empty() ? "plugin " + std::to_string(manifest->abi.major) + "." +
                                         std::to_string(manifest->abi.minor) + ", host " + host_abi_string()
                                   : abi});
    }
  }
  std::string needed;
  for (const auto& lib : read_needed_libraries(path)) needed += (needed.empty() ? "" : ", ") + lib;
  // Resolve dependencies and symbols by loading in a child: no plugin code runs here.
  ChildResult trial = run_in_child(
      [&](int fd) {
        void* h = dlopen(fs::absolute(path).c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!h) {
          const char* err = dlerror();
          write_all(fd, err ? err : "dlopen failed");
          return 1;
        }
        if (!dlsym(h, DASHFLOW_ENTRY_SYMBOL)) {
          write_all(fd, "no exported symbol " DASHFLOW_ENTRY_SYMBOL);
          return 1;
        }
        return 0;
      },
      30);
  const bool loads = trial.exited && trial.exit_code == 0;
  lines.push_back({"dependencies and symbols resolve (RTLD_NOW, in a child process)", loads,
                   loads ? (needed.empty() ? "ok" : "needs " + needed) : trial.describe() + ": " + trial.output});

  bool all_ok = true;
  for (const auto& l : lines) all_ok = all_ok && l.ok;
  if (ctx.format == OutputFormat::Json) {
    json checks = json::array();
    for (const auto& l : lines) checks.push_back({{"check", l.name}, {"ok", l.ok}, {"detail", l.detail}});
    print_json({{"file", path}, {"ok", all_ok}, {"checks", checks}});
  } else {
    for (const auto& l : lines) std::cout << (l.ok ? "  ok    " : "  FAIL  ") << l.name << ": " << l.detail << "\n";
    std::cout << (all_ok ? "plugin " + path + " passes all checks\n" : "plugin " + path + " has problems\n");
  }
  return all_ok ? 0 : 1;
}

int plugins_test(CliContext& ctx, const po::variables_map& vm) {
  const std::string path = vm["file"].as<std::string>();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw CommandError("not-found", "no such file: " + path);
  auto checks = run_conformance_suite(path, vm["timeout"].as<int>());
  size_t failed = 0;
  for (const auto& c : checks) failed += c.passed ? 0 : 1;
  if (ctx.format == OutputFormat::Json) {
    json list = json::array();
    for (const auto& c : checks) list.push_back({{"check", c.name}, {"passed", c.passed}, {"detail", c.detail}});
    print_json({{"file", path}, {"passed", checks.size() - failed}, {"failed", failed}, {"checks", list}});
  } else {
    for (const auto& c : checks) std::cout << (c.passed ? "  PASS  " : "  FAIL  ") << c.name << ": " << c.detail << "\n";
    std::cout << (checks.size() - failed) << " passed, " << failed << " failed\n";
  }
  return failed == 0 ? 0 : 1;
}

int plugins_release(CliContext& ctx, const po::variables_map& vm) {
  const std::string id = vm["plugin"].as<std::string>();
  const int removed = release_quarantine(id);
  if (ctx.format == OutputFormat::Json) {
    print_json({{"plugin", id}, {"released", removed > 0}});
  } else if (removed > 0) {
    std::cout << "plugin '" << id << "' released from quarantine; it will be loaded again\n";
  } else {
    std::cout << "plugin '" << id << "' was not quarantined (" << quarantine_dir() << ")\n";
  }
  return 0;
}

}  // namespace

void register_plugin_commands(std::vector<Command>& commands) {
  commands.push_back({{"plugins", "list"}, "List plugins found in the plugin directories (reads manifests only)", "", "",
                      nullptr, plugins_list, true});
  commands.push_back({{"plugins", "info"}, "Show a plugin's manifest and config schema", "<id|file.so> [options]", "",
                      [](po::options_description& d, po::positional_options_description& p) {
                        d.add_options()("plugin", po::value<std::string>()->required(), "Plugin id or path to a .so");
                        p.add("plugin", 1);
                      },
                      plugins_info, true});
  commands.push_back({{"plugins", "check"}, "Check a plugin file: manifest, ABI, permissions, dependencies",
                      "<file.so> [options]", "",
                      [](po::options_description& d, po::positional_options_description& p) {
                        d.add_options()("file", po::value<std::string>()->required(), "Path to the plugin .so");
                        p.add("file", 1);
                      },
                      plugins_check, true});
  commands.push_back({{"plugins", "test"}, "Run the conformance suite against a plugin (each check in a child process)",
                      "<file.so> [options]", "",
                      [](po::options_description& d, po::positional_options_description& p) {
                        d.add_options()("file", po::value<std::string>()->required(), "Path to the plugin .so")(
                            "timeout", po::value<int>()->default_value(30), "Seconds allowed per check");
                        p.add("file", 1);
                      },
                      plugins_test, true});
  commands.push_back({{"plugins", "release"}, "Release a plugin quarantined after it crashed the host",
                      "<id> [options]",
                      "A plugin that crashes the host (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) is quarantined:\n"
                      "'plugins list' shows it as quarantined and pipelines skip it until its file changes\n"
                      "(rebuilt) or it is released here.",
                      [](po::options_description& d, po::positional_options_description& p) {
                        d.add_options()("plugin", po::value<std::string>()->required(), "Plugin id");
                        p.add("plugin", 1);
                      },
                      plugins_release, true});
}

}  // namespace dashflow::host
