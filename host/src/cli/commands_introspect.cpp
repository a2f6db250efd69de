// dashflow introspect health: storage, traces directory, plugins, the
// analysis cache and the daemon (from the status document it keeps in
// storage). Levels: healthy, degraded, unhealthy; exit 1 when unhealthy.
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <iostream>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "dashflow/time.hpp"
#include "pipeline/cache/analysis_cache.hpp"
#include "pipeline/plugin_set.hpp"

using nlohmann::json;

namespace dashflow::host {
namespace {

enum class Level { Healthy, Degraded, Unhealthy };

int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const char* level_name(Level l) {
  switch (l) {
    case Level::Healthy: return "healthy";
    case Level::Degraded: return "degraded";
    case Level::Unhealthy: return "unhealthy";
  }
  return "unhealthy";
}

struct Component {
  explicit Component(std::string component) : name(std::move(component)) {}
  std::string name;
  Level level = Level::Healthy;
  std::string message;
  std::vector<std::string> problems;
  json details = json::object();

  void degrade(std::string why) {
    if (level == Level::Healthy) level = Level::Degraded;
    problems.push_back(std::move(why));
  }
  void fail(std::string why) {
    level = Level::Unhealthy;
    problems.push_back(std::move(why));
  }
};

Component check_storage(CliContext& ctx, const std::optional<std::string>& dir,
                        std::optional<PluginInstance<StorageBackend>>& storage) {
  Component c{"storage"};
  try {
    storage = open_storage_to_look(ctx, dir);  // a check creates nothing
    c.details["location"] = (*storage)->location();
    StorageHealth h = storage->call("health", [](StorageBackend& s) { return s.health(); });
    StorageStatistics st = storage->call("stats", [](StorageBackend& s) { return s.stats(); });
    c.details["writable"] = h.writable;
    c.details["size_bytes"] = st.total_size_bytes;
    c.details["reports"] = st.report_count;
    c.details["plans"] = {{"pending", st.plans_pending}, {"approved", st.plans_approved},
                          {"implemented", st.plans_implemented}, {"failed", st.plans_failed}};
    c.details["hypotheses"] = {{"active", st.hypotheses_active}, {"evaluated", st.hypotheses_evaluated}};
    for (const auto& w : h.warnings) {
      if (h.level == StorageHealth::Level::Critical) c.fail(w);
      else c.degrade(w);
    }
    if (!h.writable) c.fail("storage is not writable");
    if (h.level == StorageHealth::Level::Critical && c.problems.empty()) c.fail("storage reports a critical state");
    c.message = (*storage)->location() + ": " + std::to_string(st.report_count) + " reports, " +
                std::to_string(st.plans_pending + st.plans_approved + st.plans_implemented + st.plans_failed) +
                " plans, " + std::to_string(st.total_size_bytes / 1024) + " KiB";
  } catch (const std::exception& e) {
    c.fail(e.what());
    c.message = "cannot open the storage";
  }
  return c;
}

Component check_traces(CliContext& ctx, const std::optional<std::string>& storage_dir,
                       const std::optional<std::string>& traces_dir) {
  Component c{"traces"};
  try {
    PluginSetOptions what;
    what.storage = false;
    what.analyzers = false;
    what.planners = false;
    PluginSet set = build_plugin_set(ctx, {storage_dir, traces_dir, ""}, what);
    uint64_t units = 0, bytes = 0;
    json sources = json::array();
    for (auto& source : set.sources) {
      const std::string where = source->location();
      auto list = source.call("list_units", [](TraceSource& t) { return t.list_units(); });
      for (const auto& u : list) bytes += u.size;
      units += list.size();
      sources.push_back({{"plugin", source.id()}, {"location", where}, {"units", list.size()}});
      if (list.empty()) c.degrade(where + ": no trace files yet");
    }
    c.details["sources"] = sources;
    c.details["units"] = units;
    c.details["bytes"] = bytes;
    c.message = std::to_string(units) + " trace files, " + std::to_string(bytes / 1024) + " KiB";
  } catch (const std::exception& e) {
    c.fail(e.what());
    c.message = "cannot list traces";
  }
  return c;
}

Component check_plugins(CliContext& ctx) {
  Component c{"plugins"};
  size_t ok = 0;
  json refused = json::array(), quarantined = json::array();
  for (const auto& cand : ctx.registry().candidates()) {
    const std::string id = cand.manifest ? cand.manifest->id : cand.path;
    switch (cand.status) {
      case PluginCandidate::Status::Ok: ++ok; break;
      case PluginCandidate::Status::Ignored: break;
      case PluginCandidate::Status::Refused:
        refused.push_back({{"plugin", id}, {"path", cand.path}, {"reason", cand.reason}});
        c.degrade("refused " + cand.path + ": " + cand.reason);
        break;
      case PluginCandidate::Status::Quarantined:
        quarantined.push_back({{"plugin", id}, {"path", cand.path}, {"reason", cand.reason}});
        c.degrade("plugin '" + id + "' " + cand.reason);
        break;
    }
  }
  for (const auto& p : ctx.registry().problems()) c.degrade(p);
  if (ok == 0) c.fail("no usable plugin found; run 'dashflow plugins list'");
  c.details = {{"loadable", ok}, {"refused", refused}, {"quarantined", quarantined}};
  c.message = std::to_string(ok) + " loadable, " + std::to_string(refused.size()) + " refused, " +
              std::to_string(quarantined.size()) + " quarantined";
  return c;
}

// Read-only: an unusable cache costs speed (every trace is read again), never
// results, so its problems degrade and never fail the check.
Component check_cache(CliContext& ctx) {
  Component c{"cache"};
  CacheSettings settings;
  try {
    settings = CacheSettings::from_config(ctx.config().raw);
  } catch (const std::exception& e) {
    c.fail(e.what());
    c.message = "bad 'cache' section in the config file";
    return c;
  }
  if (!settings.enabled) {
    c.message = "off (config cache.enabled is false)";
    c.details = {{"enabled", false}};
    return c;
  }
  const CacheInspection in = inspect_cache(settings);
  c.details = {{"enabled", true},          {"dir", in.dir.string()},  {"entries", in.entries},
               {"bytes", in.bytes},        {"max_bytes", settings.max_bytes}, {"damaged", in.damaged},
               {"stale_temp_files", in.stale_temp}, {"last_snapshot", in.snapshot_present}};
  if (!in.exists) {
    c.message = in.dir.string() + ": empty (the next analyze fills it)";
    return c;
  }
  if (!in.writable)
    c.degrade(in.dir.string() + " is not writable: analyze reads every trace again; fix its permissions or set cache.dir");
  if (in.damaged)
    c.degrade(std::to_string(in.damaged) + " damaged entries (truncated or foreign files): their traces are read again "
              "and the entries replaced");
  if (in.stale_temp)
    c.degrade(std::to_string(in.stale_temp) + " temp files left by killed runs (the next analyze removes them)");
  if (in.bytes > settings.max_bytes)
    c.degrade("entries take " + std::to_string(in.bytes >> 20) + " MiB, over cache.max_mb (" +
              std::to_string(settings.max_bytes >> 20) + "); the next analyze evicts the least recently used");
  if (in.snapshot_named && !in.snapshot_present)
    c.degrade("the last run's snapshot is missing: the next re-run loads every chunk instead");
  c.message = in.dir.string() + ": " + std::to_string(in.entries) + " entries, " + std::to_string(in.bytes >> 20) +
              " of " + std::to_string(settings.max_bytes >> 20) + " MiB";
  return c;
}

Component check_daemon(std::optional<PluginInstance<StorageBackend>>& storage) {
  Component c{"daemon"};
  if (!storage) {
    c.message = "unknown (no storage)";
    return c;
  }
  std::optional<std::string> text;
  try {
    text = storage->call("get_document", [](StorageBackend& s) { return s.get_document("state/daemon.json"); });
  } catch (const std::exception& e) {
    c.degrade(std::string("cannot read the daemon status: ") + e.what());
    return c;
  }
  if (!text) {
    c.message = "not running (never started with this storage)";
    c.details = {{"state", "never-started"}};
    return c;
  }
  json s;
  try {
    s = json::parse(*text);
  } catch (const std::exception& e) {
    c.degrade(std::string("damaged daemon status document: ") + e.what());
    return c;
  }
  c.details = s;
  const std::string state = s.value("state", "unknown");
  const int pid = s.value("pid", 0);
  const uint64_t cycles = s.value("cycles", uint64_t{0});
  const int64_t interval_ms = s.value("interval_seconds", int64_t{60}) * 1000;
  const auto updated = parse_rfc3339_ms(s.value("updated_at", ""));
  const int64_t age_ms = updated ? now_unix_ms() - *updated : -1;
  if (state == "running") {
    const bool alive = pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
    if (!alive) {
      c.degrade("the daemon (pid " + std::to_string(pid) + ") is gone without stopping cleanly");
    } else if (age_ms > 3 * interval_ms + 60000) {
      // The status is rewritten every cycle; silence for three intervals means a stuck cycle.
      c.degrade("no cycle finished for " + std::to_string(age_ms / 1000) + " s (interval " +
                std::to_string(interval_ms / 1000) + " s)");
    }
  }
  if (s.contains("last_cycle") && s["last_cycle"].contains("errors") && !s["last_cycle"]["errors"].empty())
    c.degrade("last cycle had " + std::to_string(s["last_cycle"]["errors"].size()) +
              " errors, first: " + s["last_cycle"]["errors"][0].get<std::string>());
  c.message = state + " (pid " + std::to_string(pid) + "), " + std::to_string(cycles) + " cycles";
  if (s.contains("last_cycle")) c.message += ", last at " + s["last_cycle"].value("completed_at", "?");
  return c;
}

int health(CliContext& ctx, const po::variables_map& vm) {
  std::optional<std::string> storage_dir, traces_dir;
  if (vm.count("storage")) storage_dir = vm["storage"].as<std::string>();
  if (vm.count("traces")) traces_dir = vm["traces"].as<std::string>();
  std::optional<PluginInstance<StorageBackend>> storage;
  std::vector<Component> components;
  components.push_back(check_storage(ctx, storage_dir, storage));
  components.push_back(check_traces(ctx, storage_dir, traces_dir));
  components.push_back(check_plugins(ctx));
  components.push_back(check_cache(ctx));
  components.push_back(check_daemon(storage));
  Level overall = Level::Healthy;
  for (const auto& c : components) overall = std::max(overall, c.level);

  if (ctx.format == OutputFormat::Json) {
    json list = json::array();
    for (const auto& c : components)
      list.push_back({{"name", c.name}, {"level", level_name(c.level)}, {"message", c.message},
                      {"problems", c.problems}, {"details", c.details}});
    print_json({{"level", level_name(overall)}, {"checked_at", now_rfc3339()}, {"components", list}});
  } else {
    for (const auto& c : components) {
      std::cout << "  " << level_name(c.level) << std::string(11 - std::string(level_name(c.level)).size(), ' ')
                << c.name << ": " << c.message << "\n";
      for (const auto& p : c.problems) std::cout << "             - " << p << "\n";
    }
    std::cout << "overall: " << level_name(overall) << "\n";
  }
  return overall == Level::Unhealthy ? 1 : 0;
}

}  // namespace

void register_introspect_commands(std::vector<Command>& commands) {
  commands.push_back({{"introspect", "health"}, "Check storage, traces, plugins and the daemon; exit 1 when unhealthy",
                      "[options]", "",
                      [](po::options_description& d, po::positional_options_description&) {
                        d.add_options()("storage", po::value<std::string>(), "Storage directory (default .dashflow/introspection)")(
                            "traces", po::value<std::string>(), "Traces directory (default .dashflow/traces)");
                      },
                      health, true});
}

}  // namespace dashflow::host
