// dashflow self-improve retention: trace retention (compress, delete by age,
// total size and count) over the pipeline's trace directories, then storage
// retention (StorageBackend::cleanup), with --dry-run to only show what would
// happen. Policies come from the config's "retention" section
// (retention/retention_config.hpp).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

#include "audit/audit_log.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"
#include "pipeline/plugin_set.hpp"
#include "pipeline/trace_dirs.hpp"
#include "retention/retention_config.hpp"
#include "retention/trace_retention.hpp"
#include "retention/trace_scan.hpp"

using nlohmann::json;

namespace dashflow::host {
namespace {

constexpr size_t kTableRows = 50;  // per list; JSON output has everything

std::string human_bytes(uint64_t bytes) {
  char text[64];
  if (bytes < 1024) std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  else if (bytes < 1024 * 1024) std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  else std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  return text;
}

const char* level_name(StorageHealth::Level level) {
  switch (level) {
    case StorageHealth::Level::Healthy: return "healthy";
    case StorageHealth::Level::Warning: return "warning";
    case StorageHealth::Level::Critical: return "critical";
  }
  return "healthy";
}

// ---------------------------------------------------------------- targets

struct TraceTarget {
  std::string dir;
  bool recursive = true;
  std::string source;  // where it came from (for messages)
};

struct TraceOutcome {
  TraceTarget target;
  std::optional<TraceRetentionResult> result;
  std::string error;  // the run could not start (not a directory, locked)
};

// The directories the pipeline's trace sources read: each source's "path"
// (config or schema default) and "recursive". --traces replaces them all.
std::vector<TraceTarget> trace_targets(CliContext& ctx, const po::variables_map& vm, std::vector<std::string>& notes) {
  const Config& config = ctx.config();
  const PipelineConfig& pipeline = config.pipeline(vm["pipeline"].as<std::string>().empty()
                                                       ? config.default_pipeline
                                                       : vm["pipeline"].as<std::string>());
  std::vector<TraceTarget> found;
  for (const TraceSourceDir& source : trace_source_dirs(ctx.registry(), pipeline)) {
    const std::string name = "trace source '" + source.plugin + "' (" + source.where + ")";
    if (!source.error.empty()) {
      if (opt(vm, "traces")) continue;  // only its recursion was wanted
      throw CommandError("pipeline", "cannot tell which directory " + name + " reads: " + source.error,
                         {"pass --traces DIR to name the traces directory"});
    }
    if (!source.path) {
      notes.push_back(name + " has no directory; retention skips it");
      continue;
    }
    TraceTarget t;
    t.dir = normalize_dir(*source.path);
    t.recursive = source.recursive;
    t.source = source.where + " (" + source.plugin + ")";
    std::error_code ec;
    if (!opt(vm, "traces") && std::filesystem::is_regular_file(t.dir, ec)) {
      notes.push_back(name + " reads the single file " + t.dir + "; retention manages directories and skips it");
      continue;
    }
    found.push_back(std::move(t));
  }
  if (auto traces = opt(vm, "traces")) {
    TraceTarget t;
    t.dir = normalize_dir(*traces);
    // Walk it as the pipeline's first directory source does (recursively by default).
    t.recursive = found.empty() ? true : found.front().recursive;
    t.source = "--traces";
    return {t};
  }
  std::vector<TraceTarget> unique;
  std::set<std::string> seen;
  for (TraceTarget& t : found)
    if (seen.insert(t.dir).second) unique.push_back(std::move(t));
  return unique;
}

// A dry run must not create the storage.
PluginInstance<StorageBackend> storage_for(CliContext& ctx, const std::optional<std::string>& dir, bool dry_run) {
  return dry_run ? open_storage_to_look(ctx, dir) : open_storage(ctx, dir);
}

// ---------------------------------------------------------------- JSON

json policy_json(const RetentionPolicy& p, bool enabled, const std::string& section) {
  return {{"enabled", enabled},
          {"from", section},
          {"max_reports", p.max_reports},
          {"max_plans_per_status", p.max_plans_per_status},
          {"plan_archive_age_days", p.plan_archive_age_days},
          {"hypothesis_archive_age_days", p.hypothesis_archive_age_days}};
}

json stats_json(const StorageStatistics& s) {
  return {{"report_count", s.report_count},
          {"plans", {{"pending", s.plans_pending}, {"approved", s.plans_approved},
                     {"implemented", s.plans_implemented}, {"failed", s.plans_failed}}},
          {"hypotheses", {{"active", s.hypotheses_active}, {"evaluated", s.hypotheses_evaluated}}},
          {"total_size_bytes", s.total_size_bytes}};
}

json health_json(const StorageHealth& h) {
  return {{"level", level_name(h.level)},
          {"writable", h.writable},
          {"cleanup_recommended", h.level != StorageHealth::Level::Healthy},
          {"warnings", h.warnings}};
}

json cleanup_json(const CleanupResult& c) {
  return {{"reports_deleted", c.reports_deleted},
          {"plans_deleted", c.plans_deleted},
          {"hypotheses_deleted", c.hypotheses_deleted},
          {"total_deleted", c.reports_deleted + c.plans_deleted + c.hypotheses_deleted},
          {"bytes_freed", c.bytes_freed},
          {"removed", c.removed},
          {"errors", c.errors}};
}

// ---------------------------------------------------------------- table

std::string policy_text(const TraceRetentionPolicy& p) {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (p.compress_after_days) add("compress after " + std::to_string(*p.compress_after_days) + " d");
  if (p.delete_after_days) add("delete after " + std::to_string(*p.delete_after_days) + " d");
  if (p.max_total_mb) add("at most " + std::to_string(*p.max_total_mb) + " MiB");
  if (p.max_count) add("at most " + std::to_string(*p.max_count) + " files");
  return out.empty() ? "no limits configured (only crash leftovers are repaired)" : out;
}

void print_trace_table(const TraceOutcome& t, const TraceRetentionPolicy& policy, bool dry) {
  std::cout << "  " << t.target.dir << "  [" << t.target.source << "]\n";
  if (!t.result) {
    std::cout << "    not processed: " << t.error << "\n";
    return;
  }
  const TraceRetentionResult& r = *t.result;
  if (!r.dir_exists) {
    std::cout << "    does not exist; nothing to do\n";
    return;
  }
  std::cout << "    before: " << r.files_before << " files, " << human_bytes(r.bytes_before) << "   "
            << (dry ? "would be after: " : "after: ") << r.files_after << " files, " << human_bytes(r.bytes_after)
            << "\n"
            << "    " << (dry ? "would compress " : "compressed ") << r.compressed.size() << " (saving "
            << human_bytes(r.compression_saved_bytes()) << "), " << (dry ? "would delete " : "deleted ")
            << r.deleted.size() << " (age " << r.deleted_count(DeleteReason::Age) << ", size "
            << r.deleted_count(DeleteReason::Size) << ", count " << r.deleted_count(DeleteReason::Count) << "), "
            << (dry ? "would repair " : "repaired ") << r.repaired.size() << "; " << r.skipped_recent
            << " being written, left alone\n";
  if (r.compressed.empty() && r.deleted.empty() && r.repaired.empty()) return;
  Table table({"ACTION", "FILE", "BYTES", "WHY"});
  size_t rows = 0, total = r.repaired.size() + r.compressed.size() + r.deleted.size();
  for (const RepairedTrace& rep : r.repaired)
    if (rows++ < kTableRows) table.add({"repair", rep.removed, std::to_string(rep.bytes), rep.why});
  for (const TraceRename& c : r.compressed)
    if (rows++ < kTableRows)
      table.add({"compress", c.from.locator + " -> " + c.to.locator,
                 std::to_string(c.from.size) + " -> " + std::to_string(c.to.size),
                 "older than " + std::to_string(policy.compress_after_days.value_or(0)) + " d"});
  for (const DeletedTrace& d : r.deleted) {
    if (rows++ >= kTableRows) continue;
    std::string why = to_string(d.reason);
    if (d.reason == DeleteReason::Age) why = "older than " + std::to_string(policy.delete_after_days.value_or(0)) + " d";
    else if (d.reason == DeleteReason::Size) why = "total above " + std::to_string(policy.max_total_mb.value_or(0)) + " MiB";
    else why = "more than " + std::to_string(policy.max_count.value_or(0)) + " files";
    table.add({"delete", d.unit.locator, std::to_string(d.unit.size), why});
  }
  std::string rendered = table.render();
  // Indent the table under its directory.
  std::string indented = "    ";
  for (char c : rendered) {
    indented += c;
    if (c == '\n') indented += "    ";
  }
  std::cout << indented.substr(0, indented.size() - 4);
  if (total > kTableRows) std::cout << "    ... and " << total - kTableRows << " more (--format json lists all)\n";
}

// ---------------------------------------------------------------- command

int retention(CliContext& ctx, const po::variables_map& vm) {
  const bool dry = vm["dry-run"].as<bool>();
  const RetentionSettings settings = retention_settings_from_config(ctx.config().raw);
  std::vector<std::string> notes;
  std::vector<std::string> errors;

  // Traces first: they are the bulk of the bytes.
  std::vector<TraceOutcome> traces;
  for (const TraceTarget& target : trace_targets(ctx, vm, notes)) {
    TraceRetentionPolicy policy = settings.traces;
    policy.recursive = target.recursive;
    TraceOutcome outcome{target, std::nullopt, ""};
    try {
      outcome.result = apply_trace_retention(target.dir, policy, dry);
      for (const std::string& e : outcome.result->errors) errors.push_back(e);
    } catch (const TraceRetentionError& e) {
      outcome.error = e.what();
      errors.push_back(std::string("trace retention in ") + target.dir + ": " + e.what());
    }
    traces.push_back(std::move(outcome));
  }

  auto storage = storage_for(ctx, opt(vm, "storage"), dry);
  std::optional<CleanupResult> cleanup;
  if (settings.storage_enabled) {
    RetentionPolicy policy = settings.storage;
    policy.dry_run = dry;
    cleanup = storage.call("cleanup", [&](StorageBackend& s) { return s.cleanup(policy); });
    for (const std::string& e : cleanup->errors) errors.push_back(e);
  }
  const StorageStatistics stats = storage.call("stats", [](StorageBackend& s) { return s.stats(); });
  // health() writes (and removes) a probe file: not in a dry run.
  std::optional<StorageHealth> health;
  if (!dry) health = storage.call("health", [](StorageBackend& s) { return s.health(); });

  // Deleting stored items is a change worth an audit record.
  std::optional<AuditRecord> audit;
  uint64_t trace_changes = 0;
  for (const TraceOutcome& t : traces)
    if (t.result) trace_changes += t.result->compressed.size() + t.result->deleted.size() + t.result->repaired.size();
  const bool storage_changed = cleanup && !cleanup->removed.empty();
  if (!dry && (trace_changes > 0 || storage_changed)) {
    json details = {{"traces", json::array()}};
    for (const TraceOutcome& t : traces) {
      if (!t.result) continue;
      details["traces"].push_back({{"dir", t.result->dir},
                                   {"compressed", t.result->compressed.size()},
                                   {"deleted", t.result->deleted.size()},
                                   {"repaired", t.result->repaired.size()},
                                   {"freed_bytes", t.result->freed_bytes()}});
    }
    if (cleanup) details["storage"] = cleanup_json(*cleanup);
    try {
      audit = AuditLog(default_audit_dir(storage->location())).append("retention", current_actor(), details);
    } catch (const std::exception& e) {
      errors.push_back(std::string("the retention's audit record could not be written: ") + e.what());
    }
  }

  if (ctx.format == OutputFormat::Json) {
    json traces_json = json::array();
    for (const TraceOutcome& t : traces) {
      json item = t.result ? t.result->to_json() : json{{"dir", t.target.dir}, {"dry_run", dry}};
      item["source"] = t.target.source;
      item["policy"] = settings.traces.to_json();
      item["policy"]["recursive"] = t.target.recursive;
      if (!t.result) item["error"] = t.error;
      traces_json.push_back(item);
    }
    json storage_json = {{"location", storage->location()},
                         {"policy", policy_json(settings.storage, settings.storage_enabled, settings.storage_section)},
                         {"cleanup", cleanup ? cleanup_json(*cleanup) : json(nullptr)},
                         {"stats", stats_json(stats)},
                         {"health", health ? health_json(*health) : json(nullptr)}};
    print_json({{"dry_run", dry},
                {"traces", traces_json},
                {"storage", storage_json},
                {"audit_record", audit ? json{{"seq", audit->seq}, {"hash", audit->hash}} : json(nullptr)},
                {"notes", notes},
                {"errors", errors}});
    return errors.empty() ? 0 : 1;
  }

  std::cout << "Retention" << (dry ? " (dry run: nothing is changed)" : "") << "\n\n"
            << "Traces: " << policy_text(settings.traces) << "\n";
  if (traces.empty()) std::cout << "  no trace directory in the pipeline\n";
  for (const TraceOutcome& t : traces) print_trace_table(t, settings.traces, dry);

  const RetentionPolicy& p = settings.storage;
  std::cout << "\nStorage: " << storage->location() << "\n";
  if (!cleanup) {
    std::cout << "  storage retention is disabled (" << settings.storage_section << ".enabled = false)\n";
  } else {
    auto limit = [](uint64_t v, const std::string& text) { return v ? text : std::string("no limit"); };
    std::cout << "  policy (" << settings.storage_section << "): "
              << limit(p.max_reports, "keep " + std::to_string(p.max_reports) + " reports") << "; closed plans: "
              << limit(p.plan_archive_age_days, "after " + std::to_string(p.plan_archive_age_days) + " d") << ", "
              << limit(p.max_plans_per_status, "at most " + std::to_string(p.max_plans_per_status) + " per folder")
              << "; evaluated hypotheses: "
              << limit(p.hypothesis_archive_age_days, "after " + std::to_string(p.hypothesis_archive_age_days) + " d")
              << "\n"
              << "  " << (dry ? "would delete " : "deleted ") << cleanup->reports_deleted << " report(s), "
              << cleanup->plans_deleted << " plan(s), " << cleanup->hypotheses_deleted << " hypothesis(es); "
              << human_bytes(cleanup->bytes_freed) << (dry ? " would be freed\n" : " freed\n");
    for (size_t i = 0; i < cleanup->removed.size() && i < kTableRows; ++i)
      std::cout << "    " << (dry ? "would remove " : "removed ") << cleanup->removed[i] << "\n";
    if (cleanup->removed.size() > kTableRows)
      std::cout << "    ... and " << cleanup->removed.size() - kTableRows << " more (--format json lists all)\n";
  }
  std::cout << "  " << (dry ? "now: " : "after: ") << stats.report_count << " report(s); plans pending "
            << stats.plans_pending << ", approved " << stats.plans_approved << ", implemented "
            << stats.plans_implemented << ", failed " << stats.plans_failed << "; hypotheses active "
            << stats.hypotheses_active << ", evaluated " << stats.hypotheses_evaluated << "; "
            << human_bytes(stats.total_size_bytes) << "\n";
  if (health) {
    std::cout << "  health: " << level_name(health->level) << "\n";
    for (const std::string& w : health->warnings) std::cout << "    " << w << "\n";
  }
  if (audit) std::cout << "\nAudit record: seq " << audit->seq << "\n";
  for (const std::string& n : notes) std::cout << "note: " << n << "\n";
  if (!errors.empty()) {
    std::cerr << "\nProblems (" << errors.size() << "):\n";
    for (const std::string& e : errors) std::cerr << "  " << e << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void register_retention_commands(std::vector<Command>& commands) {
  commands.push_back(
      {{"self-improve", "retention"},
       "Apply trace and storage retention (compress and delete old traces; trim reports, plans, hypotheses)",
       "[options]",
       "Traces (config \"retention\": compress_after_days, delete_after_days, max_total_mb, max_count;\n"
       "absent = no limit), in each directory the pipeline's trace sources read (or --traces):\n"
       "delete by age, gzip older files to <name>.gz keeping their mtime, then delete the oldest\n"
       "while above the total size or count. Files modified in the last 60 s are left alone.\n"
       "Compression is crash-safe; leftovers of an interrupted run are repaired first.\n"
       "Storage (config \"retention.storage\": max_reports, max_plans_per_status, plan_archive_age_days,\n"
       "hypothesis_archive_age_days; defaults 100, 200, 30, 90; 0 = no limit): the storage plugin's cleanup.\n"
       "Exit 1 when anything could not be done (listed under errors).",
       [](po::options_description& d, po::positional_options_description&) {
         d.add_options()("dry-run", po::bool_switch(), "Show what would be compressed and deleted; change nothing")(
             "traces", po::value<std::string>(), "Traces directory (default: the pipeline's trace source directories)")(
             "storage", po::value<std::string>(), "Storage directory (default .dashflow/introspection)")(
             "pipeline", po::value<std::string>()->default_value(""),
             "Pipeline whose trace sources are retained (default: the config's default pipeline)");
       },
       retention, true});
}

}  // namespace dashflow::host
