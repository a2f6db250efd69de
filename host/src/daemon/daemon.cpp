#include "daemon/daemon.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "alerts/dispatcher.hpp"
#include "audit/audit_log.hpp"
#include "audit/config_change.hpp"
#include "cli/output.hpp"
#include "daemon/cursor.hpp"
#include "daemon/daemon_settings.hpp"
#include "daemon/trace_watcher.hpp"
#include "dashflow/time.hpp"
#include "observability/event_bus.hpp"
#include "observability/metrics.hpp"
#include "observability/metrics_server.hpp"
#include "observability/standard_metrics.hpp"
#include "pipeline/analysis.hpp"
#include "pipeline/plugin_set.hpp"
#include "pipeline/trace_dirs.hpp"
#include "retention/retention_config.hpp"
#include "retention/trace_retention.hpp"
#include "util/cancel.hpp"

namespace dashflow::host {
namespace {

constexpr const char* kStatusDocument = "state/daemon.json";
constexpr const char* kAlertStateDocument = "state/alerts.json";  // dispatcher dedup + firing alerts

void publish(const std::string& topic, const json& payload) { EventBus::global().publish(topic, payload.dump()); }

// The directory the daemon watches and keeps within retention: --traces, or
// the "path" of the pipeline's first trace source that has one; walked as
// that source walks it (recursive or not).
struct WatchedTraces {
  std::optional<std::string> dir;
  bool recursive = true;
};

WatchedTraces watched_traces(CliContext& ctx, const PluginSet& plugins, const DaemonOptions& options) {
  WatchedTraces w;
  for (const TraceSourceDir& source : trace_source_dirs(ctx.registry(), *plugins.pipeline)) {
    if (!source.path) continue;  // a config problem is reported by the source itself when it is created
    w.dir = source.path;
    w.recursive = source.recursive;
    break;
  }
  if (options.traces_dir) w.dir = options.traces_dir;  // read like the first source reads its directory
  return w;
}

// The daemon's durable state besides storage proper: which units it has
// analyzed, which alerts fire (for resolved notices) and the dispatcher's
// dedup marks. Read at start, written after every cycle.
class DaemonState {
 public:
  explicit DaemonState(PluginInstance<StorageBackend>& storage) : storage_(storage) {}

  void load(AlertDispatcher& dispatcher) {
    if (auto text = get(DaemonCursor::kDocument)) cursor = DaemonCursor::from_json(parse(*text, DaemonCursor::kDocument));
    if (auto text = get(kAlertStateDocument)) {
      json j = parse(*text, kAlertStateDocument);
      if (j.contains("dispatcher")) dispatcher.from_json(j["dispatcher"]);
      if (j.contains("firing"))
        for (const auto& [fingerprint, alert] : j["firing"].items()) firing[fingerprint] = alert.get<Alert>();
    }
  }

  void save(const AlertDispatcher& dispatcher) {
    storage_.call("put_document", [&](StorageBackend& s) { s.put_document(DaemonCursor::kDocument, cursor.to_json().dump()); });
    json firing_json = json::object();
    for (const auto& [fingerprint, alert] : firing) firing_json[fingerprint] = alert;
    json doc = {{"state_version", 1}, {"dispatcher", dispatcher.to_json()}, {"firing", firing_json}};
    storage_.call("put_document", [&](StorageBackend& s) { s.put_document(kAlertStateDocument, doc.dump()); });
  }

  DaemonCursor cursor;
  std::map<std::string, Alert> firing;  // fingerprint -> last firing alert

 private:
  std::optional<std::string> get(const char* name) {
    return storage_.call("get_document", [&](StorageBackend& s) { return s.get_document(name); });
  }
  static json parse(const std::string& text, const char* name) {
    try {
      return json::parse(text);
    } catch (const std::exception& e) {
      throw CommandError("storage", std::string("damaged daemon state document ") + name + ": " + e.what(),
                         {"delete it to start over (the daemon then re-analyzes every trace once)"});
    }
  }
  PluginInstance<StorageBackend>& storage_;
};

class Daemon {
 public:
  Daemon(CliContext& ctx, const DaemonOptions& options) : ctx_(ctx), options_(options) {}

  int run();

 private:
  void setup();
  CycleResult cycle();
  void dispatch(CycleResult& result, std::vector<Alert> alerts, bool traces_seen);
  void cleanup(CycleResult& result);
  void update_gauges();
  void count_plan_transitions();
  void write_status(const std::string& state, const CycleResult* last);
  void print(const CycleResult& result);

  CliContext& ctx_;
  DaemonOptions options_;
  DaemonSettings settings_;
  RetentionSettings retention_;
  PluginSet plugins_;
  std::unique_ptr<AlertDispatcher> dispatcher_;
  std::unique_ptr<DaemonState> state_;
  std::unique_ptr<MetricsServer> metrics_server_;
  std::optional<std::string> traces_dir_;
  bool traces_recursive_ = true;
  std::string started_at_;
  uint64_t cycles_ = 0;
  std::optional<json> last_cycle_;
  // The audit records already counted: read from audit_read_ms_ on (records of
  // the same millisecond are told apart by seq), so each cycle reads only new ones.
  int64_t audit_read_ms_ = 0;
  uint64_t audit_seq_seen_ = 0;
};

void Daemon::setup() {
  const Config& config = ctx_.config();
  settings_ = DaemonSettings::from_config(config.raw);
  if (options_.interval_seconds) settings_.interval = std::chrono::seconds(*options_.interval_seconds);
  retention_ = retention_settings_from_config(config.raw);
  const DispatcherConfig dispatcher_config =
      dispatcher_config_from_json(config.raw.is_object() && config.raw.contains("alerts") ? config.raw["alerts"] : json());

  PluginSetOptions what;
  what.alert_sinks = true;
  if (options_.no_console) what.skip_alert_sinks.push_back("console");
  if (options_.alert_file)
    what.extra_alert_sinks.push_back({"file", json{{"path", *options_.alert_file}}, true, "--alert-file"});
  if (options_.alert_webhook)
    what.extra_alert_sinks.push_back({"webhook", json{{"url", *options_.alert_webhook}}, true, "--alert-webhook"});
  plugins_ = build_plugin_set(ctx_, PipelineOverrides{options_.storage_dir, options_.traces_dir, options_.pipeline}, what);
  for (const auto& f : plugins_.failures)
    if (f.stage == "create" &&
        ((f.plugin == "file" && options_.alert_file) || (f.plugin == "webhook" && options_.alert_webhook)))
      throw CommandError("alert-sink", "the " + f.plugin + " alert sink asked for on the command line cannot start: " +
                                           f.message);

  dispatcher_ = std::make_unique<AlertDispatcher>(dispatcher_config);
  std::map<std::string, int> seen;
  for (auto& sink : plugins_.alert_sinks) {
    // Names key the dedup state: the plugin id, numbered when a plugin is used twice.
    const int n = ++seen[sink.id()];
    dispatcher_->add_sink(n == 1 ? sink.id() : sink.id() + "#" + std::to_string(n), sink);
  }
  try {
    record_config_change(config, plugins_.storage, "daemon");
  } catch (const std::exception& e) {
    throw CommandError("audit", std::string("cannot record the config in the audit trail: ") + e.what());
  }
  state_ = std::make_unique<DaemonState>(plugins_.storage);
  state_->load(*dispatcher_);
  const WatchedTraces watched = watched_traces(ctx_, plugins_, options_);
  traces_dir_ = watched.dir;
  traces_recursive_ = watched.recursive;

  describe_standard_metrics();
  if (options_.metrics_addr) {
    try {
      metrics_server_ = std::make_unique<MetricsServer>(*options_.metrics_addr);
    } catch (const std::exception& e) {
      throw CommandError("metrics", std::string("cannot serve metrics: ") + e.what(),
                         {"pick a free HOST:PORT for --metrics-addr"});
    }
  }
  started_at_ = now_rfc3339();
  audit_read_ms_ = parse_rfc3339_ms(started_at_).value_or(0);
}

// Writes the status document `introspect health` reads.
void Daemon::write_status(const std::string& state, const CycleResult* last) {
  if (last) last_cycle_ = last->to_json();
  json status = {{"state", state},
                 {"pid", static_cast<int>(getpid())},
                 {"started_at", started_at_},
                 {"updated_at", now_rfc3339()},
                 {"cycles", cycles_},
                 {"interval_seconds", settings_.interval.count()},
                 {"traces_dir", traces_dir_.value_or("")},
                 {"storage", plugins_.storage->location()},
                 {"alert_sinks", dispatcher_->sink_names()}};
  if (metrics_server_) status["metrics_addr"] = metrics_server_->host() + ":" + std::to_string(metrics_server_->port());
  if (last_cycle_) status["last_cycle"] = *last_cycle_;
  try {
    plugins_.storage.call("put_document", [&](StorageBackend& s) { s.put_document(kStatusDocument, status.dump()); });
  } catch (const std::exception& e) {
    spdlog::warn("daemon: could not write its status document: {}", e.what());
  }
}

// Alerts of this cycle: redacted, dispatched (dedup by fingerprint), and a
// resolved notice for every alert that fired before and no longer does on
// the new traces. With no new traces nothing resolves: there is no evidence.
void Daemon::dispatch(CycleResult& result, std::vector<Alert> alerts, bool traces_seen) {
  auto& metrics = MetricsRegistry::global();
  std::set<std::string> now_firing;
  std::vector<Alert> outgoing;
  for (auto& alert : alerts) {
    if (alert.fingerprint.empty()) alert.fingerprint = alert_fingerprint(alert);
    now_firing.insert(alert.fingerprint);
    outgoing.push_back(alert);
  }
  if (traces_seen) {
    for (auto it = state_->firing.begin(); it != state_->firing.end();) {
      if (now_firing.count(it->first)) {
        ++it;
        continue;
      }
      Alert resolved = it->second;
      resolved.resolved = true;
      resolved.ends_at = now_rfc3339();
      resolved.title = "Resolved: " + resolved.title;
      outgoing.push_back(std::move(resolved));
      ++result.alerts_resolved;
      it = state_->firing.erase(it);
    }
  }
  for (auto& alert : outgoing) {
    if (!alert.resolved) state_->firing[alert.fingerprint] = alert;
    try {
      if (plugins_.redaction) plugins_.redaction->apply_to(alert, "alert");
    } catch (const std::exception& e) {
      result.errors.push_back("alert '" + alert.title + "' not sent: " + e.what());
      continue;
    }
    DispatchResult d = dispatcher_->dispatch(alert);
    result.alerts_dispatched += d.delivered;
    if (d.delivered) metrics.counter_add("dashflow_self_improve_alerts_dispatched_total", {}, static_cast<double>(d.delivered));
    if (d.failed) metrics.counter_add("dashflow_self_improve_alert_failures_total", {}, static_cast<double>(d.failed));
    for (const auto& e : d.errors) result.errors.push_back("alert sink '" + e.sink + "': " + e.message);
    if (d.delivered)
      publish(alert.resolved ? "alert.resolved" : "alert.dispatched",
              {{"fingerprint", alert.fingerprint}, {"kind", alert.kind}, {"deliveries", d.delivered}});
  }
}

// Retention every N cycles: traces (compress, delete) and storage cleanup.
// The cursor follows compressed traces so they are not analyzed again.
void Daemon::cleanup(CycleResult& result) {
  if (traces_dir_ && retention_.traces.any_limit()) {
    try {
      TraceRetentionPolicy policy = retention_.traces;
      policy.recursive = traces_recursive_;  // never into subdirectories the source does not read
      TraceRetentionResult r = apply_trace_retention(*traces_dir_, policy, false);
      for (const auto& rename : r.renamed) state_->cursor.follow(rename.from, rename.to);
      for (const auto& d : r.deleted) state_->cursor.forget(d.unit.locator);
      for (const auto& e : r.errors) result.errors.push_back("trace retention: " + e);
      result.cleanup = json{{"traces_compressed", r.compressed.size()}, {"traces_deleted", r.deleted.size()}};
    } catch (const std::exception& e) {
      result.errors.push_back(std::string("trace retention: ") + e.what());
    }
  }
  if (retention_.storage_enabled) {
    try {
      CleanupResult c = plugins_.storage.call("cleanup", [&](StorageBackend& s) { return s.cleanup(retention_.storage); });
      for (const auto& e : c.errors) result.errors.push_back("storage retention: " + e);
      if (!result.cleanup.is_object()) result.cleanup = json::object();
      result.cleanup["reports_deleted"] = c.reports_deleted;
      result.cleanup["plans_deleted"] = c.plans_deleted;
      result.cleanup["hypotheses_deleted"] = c.hypotheses_deleted;
    } catch (const std::exception& e) {
      result.errors.push_back(std::string("storage retention: ") + e.what());
    }
  }
}

// Approvals, completions and failures happen in other processes (the CLI);
// the audit trail is where this process learns of them, so the counters of
// its /metrics count every transition made while it runs.
void Daemon::count_plan_transitions() {
  try {
    for (const AuditRecord& r : AuditLog(default_audit_dir(plugins_.storage->location())).read(audit_read_ms_)) {
      if (r.seq <= audit_seq_seen_) continue;
      audit_seq_seen_ = r.seq;
      audit_read_ms_ = std::max(audit_read_ms_, parse_rfc3339_ms(r.ts).value_or(audit_read_ms_));
      if (r.kind != "plan.transition") continue;
      if (const char* counter = plan_transition_counter(r.details.value("verb", "")))
        MetricsRegistry::global().counter_add(counter, {});
    }
  } catch (const std::exception& e) {
    spdlog::warn("daemon: cannot read the audit trail for plan transitions: {}", e.what());
  }
}

void Daemon::update_gauges() {
  auto& m = MetricsRegistry::global();
  try {
    StorageStatistics s = plugins_.storage.call("stats", [](StorageBackend& st) { return st.stats(); });
    m.gauge_set("dashflow_self_improve_plans_by_status", {{"status", "pending"}}, static_cast<double>(s.plans_pending));
    m.gauge_set("dashflow_self_improve_plans_by_status", {{"status", "approved"}}, static_cast<double>(s.plans_approved));
    m.gauge_set("dashflow_self_improve_plans_by_status", {{"status", "implemented"}},
                static_cast<double>(s.plans_implemented));
    m.gauge_set("dashflow_self_improve_plans_by_status", {{"status", "failed"}}, static_cast<double>(s.plans_failed));
    m.gauge_set("dashflow_self_improve_storage_size_bytes", {}, static_cast<double>(s.total_size_bytes));
    m.gauge_set("dashflow_self_improve_storage_items", {{"item_type", "report"}}, static_cast<double>(s.report_count));
    m.gauge_set("dashflow_self_improve_storage_items", {{"item_type", "plan"}},
                static_cast<double>(s.plans_pending + s.plans_approved + s.plans_implemented + s.plans_failed));
    m.gauge_set("dashflow_self_improve_storage_items", {{"item_type", "hypothesis"}},
                static_cast<double>(s.hypotheses_active + s.hypotheses_evaluated));
  } catch (const std::exception& e) {
    spdlog::warn("daemon: storage statistics unavailable: {}", e.what());
  }
}

CycleResult Daemon::cycle() {
  const auto t0 = std::chrono::steady_clock::now();
  auto& metrics = MetricsRegistry::global();
  CycleResult result;
  result.cycle = cycles_ + 1;
  result.started_at = now_rfc3339();

  AnalyzeRequest request;
  request.reason = "daemon";
  request.skip_when_no_traces = true;  // an idle cycle stores no empty report
  request.ingest.keep_units = true;
  const DaemonCursor& cursor = state_->cursor;
  request.ingest.include = [&cursor](const TraceUnit& unit) { return cursor.is_new(unit); };
  bool interrupted = false;
  try {
    AnalyzeOutcome out = run_analysis(plugins_, request);
    result.traces_analyzed = out.traces;
    result.inputs_skipped = out.skipped_count;
    result.triggers_fired = out.alerts.size();
    for (const auto& p : out.plans) (p.created ? result.plans_generated : result.plans_updated)++;
    if (!out.report_location.empty()) result.report_id = out.report.id;
    for (const auto& f : out.report.plugin_failures)
      result.errors.push_back("plugin '" + f.plugin + "' failed in " + f.stage + ": " + f.message);
    for (const auto& unit : out.units_read) state_->cursor.mark(unit);
    dispatch(result, std::move(out.alerts), out.traces > 0);
    if (result.report_id) {
      try {
        AuditLog(default_audit_dir(plugins_.storage->location()))
            .append("analysis.run", "daemon",
                    json{{"report_id", *result.report_id}, {"depth", "local"}, {"reason", "daemon"},
                         {"traces", out.traces}, {"plans", out.plans.size()}});
      } catch (const std::exception& e) {
        result.errors.push_back(std::string("audit: ") + e.what());
      }
    }
  } catch (const CommandError& e) {
    if (cancel_flag().load()) interrupted = true;  // nothing stored; the cursor stays where it was
    else result.errors.push_back(e.what());
  } catch (const std::exception& e) {
    result.errors.push_back(std::string("analysis failed: ") + e.what());
  }
  if (interrupted) {
    result.interrupted = true;
    result.completed_at = now_rfc3339();
    return result;
  }

  ++cycles_;
  if (settings_.cleanup_interval_cycles && cycles_ % settings_.cleanup_interval_cycles == 0) cleanup(result);
  try {
    state_->save(*dispatcher_);
  } catch (const std::exception& e) {
    result.errors.push_back(std::string("could not save the daemon state: ") + e.what());
  }
  result.completed_at = now_rfc3339();

  metrics.counter_add("dashflow_self_improve_cycles_total", {});
  metrics.observe("dashflow_self_improve_cycle_duration_seconds", {},
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  metrics.counter_add("dashflow_self_improve_traces_analyzed_total", {}, static_cast<double>(result.traces_analyzed));
  metrics.counter_add("dashflow_self_improve_triggers_fired_total", {}, static_cast<double>(result.triggers_fired));
  if (!result.errors.empty())
    metrics.counter_add("dashflow_self_improve_errors_total", {{"component", "daemon"}},
                        static_cast<double>(result.errors.size()));
  update_gauges();
  count_plan_transitions();
  publish("daemon.cycle", result.to_json());
  return result;
}

void Daemon::print(const CycleResult& r) {
  if (ctx_.format == OutputFormat::Json) {
    std::cout << r.to_json().dump() << std::endl;  // one line per cycle
    return;
  }
  std::cout << r.completed_at << "  cycle " << r.cycle << ": " << r.traces_analyzed << " new traces, "
            << r.triggers_fired << " triggers, " << r.plans_generated << " plans new, " << r.plans_updated
            << " updated, " << r.alerts_dispatched << " alerts sent";
  if (r.alerts_resolved) std::cout << ", " << r.alerts_resolved << " resolved";
  std::cout << "\n";
  for (const auto& e : r.errors) std::cout << "  error: " << e << "\n";
  std::cout.flush();
}

int Daemon::run() {
  install_signal_handlers();
  setup();
  publish("daemon.started", {{"pid", static_cast<int>(getpid())}, {"traces_dir", traces_dir_.value_or("")}});
  if (!options_.once && ctx_.format == OutputFormat::Table)
    std::cerr << "dashflow daemon: watching " << traces_dir_.value_or("(no traces directory)") << ", interval "
              << settings_.interval.count() << " s, storage " << plugins_.storage->location()
              << (metrics_server_ ? ", metrics on http://" + metrics_server_->host() + ":" +
                                        std::to_string(metrics_server_->port()) + "/metrics"
                                  : std::string())
              << "; Ctrl-C to stop\n";
  write_status("running", nullptr);

  std::unique_ptr<TraceWatcher> watcher;
  if (!options_.once) {
    watcher = std::make_unique<TraceWatcher>(traces_dir_.value_or(""), traces_recursive_, settings_.debounce);
    if (!watcher->watching()) spdlog::info("daemon: {}; cycles run on the interval only", watcher->problem());
  }
  CycleResult last;
  while (true) {
    last = cycle();
    if (last.interrupted) break;
    print(last);
    write_status(options_.once ? "stopped" : "running", &last);
    if (options_.once || cancel_flag().load()) break;
    if (watcher->wait(settings_.interval) == TraceWatcher::Wake::Cancelled) break;
  }

  for (const auto& e : dispatcher_->flush()) spdlog::warn("daemon: alert sink '{}' could not flush: {}", e.sink, e.message);
  try {
    state_->save(*dispatcher_);
  } catch (const std::exception& e) {
    spdlog::warn("daemon: could not save its state: {}", e.what());
  }
  write_status("stopped", nullptr);
  publish("daemon.stopped", {{"cycles", cycles_}});
  if (options_.once && ctx_.format == OutputFormat::Json && last.interrupted)
    print_json({{"interrupted", true}, {"cycles", cycles_}});
  return 0;
}

}  // namespace

json CycleResult::to_json() const {
  json j = {{"cycle", cycle},
            {"started_at", started_at},
            {"completed_at", completed_at},
            {"traces_analyzed", traces_analyzed},
            {"inputs_skipped", inputs_skipped},
            {"triggers_fired", triggers_fired},
            {"plans_generated", plans_generated},
            {"plans_updated", plans_updated},
            {"alerts_dispatched", alerts_dispatched},
            {"alerts_resolved", alerts_resolved},
            {"report_id", report_id ? json(*report_id) : json(nullptr)},
            {"errors", errors}};
  if (!cleanup.is_null()) j["cleanup"] = cleanup;
  return j;
}

int run_daemon(CliContext& ctx, const DaemonOptions& options) {
  Daemon daemon(ctx, options);
  return daemon.run();
}

}  // namespace dashflow::host
