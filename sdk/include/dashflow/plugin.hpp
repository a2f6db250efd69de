// The plugin interfaces, one per kind. A plugin is a class deriving from
// exactly one of them, exported with DASHFLOW_PLUGIN (export.hpp).
//
// Lifecycle (OpenTelemetry Collector style): construct(PluginContext) ->
// start() -> calls -> stop() -> destroy. stop() must be safe without start()
// and when called twice. Exceptions thrown by any method are caught by the
// host and recorded as a failure of that plugin; the run goes on.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/host.hpp"
#include "dashflow/json.hpp"
#include "dashflow/types.hpp"

namespace dashflow {

enum class PluginKind { Analyzer, Planner, Storage, AlertSink, Reviewer, TraceSource };

// "analyzer", "planner", "storage", "alert-sink", "reviewer", "trace-source"
const char* kind_name(PluginKind kind);
std::optional<PluginKind> kind_from_name(std::string_view name);

// What a plugin constructor receives: host services and its configuration,
// already validated against the manifest's config_schema with defaults filled.
class PluginContext {
 public:
  PluginContext(const dashflow_host_api* api, std::string_view config_json)
      : host_(api), config_(config_json.empty() ? json::object() : json::parse(config_json)) {}
  const HostServices& host() const { return host_; }
  const json& config() const { return config_; }

 private:
  HostServices host_;
  json config_;
};

class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual void start() {}
  virtual void stop() {}
};

// ------------------------------------------------------------------ analyzer

// Partial analysis state. Analyzers define their own subclass.
class AnalyzerState {
 public:
  virtual ~AnalyzerState() = default;
};

struct AnalysisContext {
  AnalysisDepth depth = AnalysisDepth::LocalAnalysis;
  std::vector<std::string> known_nodes;  // from config or a graph manifest
  std::vector<std::string> known_tools;
  uint64_t traces_total = 0;    // traces consumed in this run
  uint64_t inputs_skipped = 0;  // unreadable inputs in this run
  int64_t now_unix_ms = 0;
};

struct AnalysisOutput {
  std::vector<CapabilityGap> capability_gaps;
  std::vector<DeprecationRecommendation> deprecations;
  std::optional<RetrospectiveAnalysis> retrospective;
  std::vector<DetectedPattern> patterns;
  std::vector<std::string> warnings;
};

// Analyzers stream: the host makes one state per worker, feeds each trace to
// consume() on some state, merges the states and calls finish(). merge must
// be order-independent so that any split gives the single-pass result, and
// finish must be deterministic (sort by count desc, then name).
class Analyzer : public Plugin {
 public:
  static constexpr PluginKind kKind = PluginKind::Analyzer;
  virtual std::unique_ptr<AnalyzerState> make_state() const = 0;
  // Called concurrently, but never on the same state from two threads.
  virtual void consume(AnalyzerState& state, const ExecutionTrace& trace, const TraceOrigin& origin) const = 0;
  virtual void merge(AnalyzerState& into, AnalyzerState& from) const = 0;
  virtual AnalysisOutput finish(const AnalyzerState& state, const AnalysisContext& context) const = 0;
  // Optional persistence of states (per-file cache, several daemons sharing
  // one analysis). An empty string means "not supported".
  virtual std::string save_state(const AnalyzerState&) const { return {}; }
  virtual std::unique_ptr<AnalyzerState> load_state(std::string_view) const { return nullptr; }

  // Since ABI 1.1. Conditions worth an alert right now (slow node, error rate,
  // retries, unused capability, ...), from the same state as finish(). The host
  // fills Alert::fingerprint from the labels and dispatches the alerts to the
  // pipeline's alert sinks; the daemon sends a resolved notice when an alert
  // stops firing. The host never calls this on plugins built for ABI 1.0.
  virtual std::vector<Alert> alerts(const AnalyzerState&, const AnalysisContext&) const { return {}; }
};

// ------------------------------------------------------------------ planner

struct PlannerInput {
  Uuid report_id;
  std::vector<CapabilityGap> gaps;
  std::vector<DeprecationRecommendation> deprecations;
  RetrospectiveAnalysis retrospective;
  std::vector<DetectedPattern> patterns;
  ReportExecutionSummary summary;
  AnalysisContext context;
};

struct PlannerOutput {
  std::vector<ExecutionPlan> plans;      // each with a stable fingerprint
  std::vector<Hypothesis> hypotheses;    // each with the fingerprint of its finding
};

struct MetaInput {
  std::vector<IntrospectionReport> reports;  // newest first
  std::vector<ExecutionPlan> plans;          // every stored plan
  std::vector<Hypothesis> hypotheses;        // every stored hypothesis
};

class Planner : public Plugin {
 public:
  static constexpr PluginKind kKind = PluginKind::Planner;
  virtual PlannerOutput generate(const PlannerInput& input) const = 0;
  // Judge a hypothesis against the summary of the traces that arrived after
  // it was made. nullopt: not ready yet, or not this planner's business.
  virtual std::optional<HypothesisOutcome> evaluate(const Hypothesis& /*hypothesis*/,
                                                    const ReportExecutionSummary& /*since*/,
                                                    uint64_t /*traces_since*/) const {
    return std::nullopt;
  }
  // Cross-report analysis written to meta/patterns.json and meta/momentum.json.
  virtual std::optional<MetaAnalysisResult> meta_analyze(const MetaInput&) const { return std::nullopt; }
};

// ------------------------------------------------------------------ storage

struct ReportInfo {
  Uuid id;
  Timestamp timestamp;
  std::string location;
};

struct StorageStatistics {
  uint64_t report_count = 0;
  uint64_t plans_pending = 0, plans_approved = 0, plans_implemented = 0, plans_failed = 0;
  uint64_t hypotheses_active = 0, hypotheses_evaluated = 0;
  uint64_t total_size_bytes = 0;
};

struct StorageHealth {
  enum class Level { Healthy, Warning, Critical };
  Level level = Level::Healthy;
  bool writable = true;
  std::vector<std::string> warnings;
};

struct RetentionPolicy {
  uint64_t max_reports = 100;
  uint64_t max_plans_per_status = 200;  // implemented/ and failed/
  uint64_t plan_archive_age_days = 30;
  uint64_t hypothesis_archive_age_days = 90;
  bool dry_run = false;
};

struct CleanupResult {
  uint64_t reports_deleted = 0, plans_deleted = 0, hypotheses_deleted = 0, bytes_freed = 0;
  std::vector<std::string> removed;  // what was (or would be) removed
  std::vector<std::string> errors;
};

struct UpsertResult {
  Uuid id;
  bool created = false;
  ExecutionPlan stored;  // the plan as stored after the upsert
};

// Persistence. Every method is safe against concurrent processes (the fs
// backend takes an advisory lock); a crash at any instant leaves every item
// readable in exactly one place. Ids are accepted whole or as a unique
// prefix; an ambiguous prefix throws ConflictError naming the candidates.
class StorageBackend : public Plugin {
 public:
  static constexpr PluginKind kKind = PluginKind::Storage;
  virtual std::string location() const = 0;
  virtual void initialize() = 0;

  virtual std::string save_report(const IntrospectionReport& report) = 0;  // returns its location
  virtual IntrospectionReport load_report(std::string_view id_or_prefix) = 0;
  virtual std::vector<ReportInfo> list_reports() = 0;  // newest first

  virtual void save_plan(const ExecutionPlan& plan) = 0;
  // Create the plan, or update the open (pending/approved) plan with the same
  // fingerprint: keep its id, status and created_at; refresh the rest.
  virtual UpsertResult upsert_plan(const ExecutionPlan& plan) = 0;
  virtual ExecutionPlan load_plan(std::string_view id_or_prefix) = 0;
  virtual std::vector<ExecutionPlan> list_plans(std::optional<PlanFolder> folder) = 0;
  // Checked state change (check_plan_transition); throws TransitionError.
  virtual ExecutionPlan transition_plan(std::string_view id_or_prefix, const PlanStatus& to) = 0;

  virtual void save_hypothesis(const Hypothesis& hypothesis) = 0;
  virtual Hypothesis load_hypothesis(std::string_view id_or_prefix) = 0;
  virtual std::vector<Hypothesis> list_hypotheses(bool active_only) = 0;

  // Small named JSON documents: "meta/patterns.json", "state/daemon.json", ...
  virtual void put_document(std::string_view name, std::string_view json_text) = 0;
  virtual std::optional<std::string> get_document(std::string_view name) = 0;

  virtual StorageStatistics stats() = 0;
  virtual StorageHealth health() = 0;
  virtual CleanupResult cleanup(const RetentionPolicy& policy) = 0;
};

// ------------------------------------------------------------------ alert sink

class AlertSink : public Plugin {
 public:
  static constexpr PluginKind kKind = PluginKind::AlertSink;
  // Deliver (or durably queue) one alert; throw on failure.
  virtual void send(const Alert& alert) = 0;
  virtual void flush() {}
};

// ------------------------------------------------------------------ reviewer

struct ReviewRequest {
  ExecutionPlan plan;
  std::vector<Citation> evidence;
  ReportExecutionSummary summary;
  std::string system_context;
  std::string prompt;  // rendered by the host; reviewers may build their own
};

class Reviewer : public Plugin {
 public:
  static constexpr PluginKind kKind = PluginKind::Reviewer;
  virtual ModelIdentifier model() const = 0;
  // False with a reason (e.g. "env OPENAI_API_KEY is not set") when unusable.
  virtual bool available(std::string& why_not) const = 0;
  // One verdict on one plan; throws on failure (timeout, 429/5xx after
  // retries, malformed reply, refusal).
  virtual ModelReview review(const ReviewRequest& request) = 0;
};

// ------------------------------------------------------------------ trace source

// One readable unit (a file) with its identity, for cursors and caches.
struct TraceUnit {
  std::string locator;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  uint64_t device = 0;
  bool operator==(const TraceUnit&) const = default;
};

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_trace(ExecutionTrace&& trace, const TraceOrigin& origin) = 0;
  virtual void on_skip(const SkippedInput& skipped) = 0;
};

class TraceSource : public Plugin {
 public:
  static constexpr PluginKind kKind = PluginKind::TraceSource;
  virtual std::string location() const = 0;
  // Units sorted by locator.
  virtual std::vector<TraceUnit> list_units() = 0;
  // Thread-safe. Never throws for bad input: bad traces go to on_skip.
  virtual void read_unit(const TraceUnit& unit, TraceSink& sink) const = 0;
};

}  // namespace dashflow
