// Data types shared by the host and every plugin. Field names and order follow
// DashFlow's serde shapes (reference/dashflow-core.md §1-§2) so files written
// by DashFlow read as they are; fields marked "extension" are ours and are
// only written when set. JSON read/write lives in json.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace dashflow {

// Lowercase hyphenated UUID string.
using Uuid = std::string;
// RFC 3339 string as found in the file ("...Z" or "+00:00"); see time.hpp.
using Timestamp = std::string;

// A JSON value kept as its original text until someone asks for it
// (state snapshots, final_state, metadata). Empty text means absent/null.
struct RawJson {
  std::string text;
  bool empty() const { return text.empty() || text == "null"; }
  bool operator==(const RawJson&) const = default;
};

// ---------------------------------------------------------------- traces

// Extension: token split reported by richer sources (OTLP GenAI, OpenInference).
struct TokenUsage {
  uint64_t input = 0;
  uint64_t output = 0;
  uint64_t cached = 0;     // part of input served from cache
  uint64_t reasoning = 0;  // part of output spent on reasoning
  bool operator==(const TokenUsage&) const = default;
};

// Extension: timing of one tool call inside a node.
struct ToolCall {
  std::string name;
  uint64_t duration_ms = 0;
  bool success = true;
  std::optional<std::string> error;
  bool operator==(const ToolCall&) const = default;
};

struct NodeExecution {
  std::string node;
  uint64_t duration_ms = 0;
  uint64_t tokens_used = 0;
  RawJson state_before;
  RawJson state_after;
  std::vector<std::string> tools_called;
  bool success = true;
  std::optional<std::string> error_message;
  uint64_t index = 0;
  std::optional<Timestamp> started_at;
  RawJson metadata;
  // extensions
  std::optional<std::string> span_id;
  std::optional<std::string> parent_span_id;
  std::optional<TokenUsage> token_usage;
  std::optional<double> cost_usd;
  std::optional<std::string> model;
  std::vector<ToolCall> tool_calls;
  bool operator==(const NodeExecution&) const = default;
};

struct ErrorTrace {
  std::string node;
  std::string message;
  std::optional<std::string> error_type;
  RawJson state_at_error;
  std::optional<Timestamp> timestamp;
  std::optional<uint64_t> execution_index;
  bool recoverable = false;
  bool retry_attempted = false;
  std::optional<std::string> context;
  RawJson metadata;
  bool operator==(const ErrorTrace&) const = default;
};

struct ExecutionTrace {
  std::optional<std::string> thread_id;
  std::optional<std::string> execution_id;
  std::optional<std::string> parent_execution_id;
  std::optional<std::string> root_execution_id;
  std::optional<uint32_t> depth;
  std::vector<NodeExecution> nodes_executed;
  uint64_t total_duration_ms = 0;
  uint64_t total_tokens = 0;
  std::vector<ErrorTrace> errors;
  bool completed = false;
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> ended_at;
  RawJson final_state;
  RawJson metadata;             // required in DashFlow files; "{}" when written
  RawJson execution_metrics;    // kept raw: analyzers never need it
  RawJson performance_metrics;  // kept raw
  // extensions
  std::optional<double> cost_usd;

  bool is_successful() const { return completed && errors.empty(); }
  bool has_errors() const { return !errors.empty(); }
  bool operator==(const ExecutionTrace&) const = default;
};

// Where a trace came from: used for time ordering, citations and skip reports.
struct TraceOrigin {
  std::string source;         // file path or other locator
  uint64_t line = 0;          // 1-based line for JSON Lines, 0 for whole files
  int64_t started_at_ms = 0;  // parsed started_at (0 when absent/unparsable)
};

// ---------------------------------------------------------------- common

struct ModelIdentifier {
  // "Anthropic" | "OpenAI" | "Google" | "Other"
  std::string provider;
  std::string model;
  bool operator==(const ModelIdentifier&) const = default;
};

enum class Priority { High, Medium, Low };
enum class AnalysisDepth { Metrics, LocalAnalysis, DeepAnalysis };

// ---------------------------------------------------------------- citations

struct CitationSource {
  // Exactly one is set, matching the enum variant.
  struct ExecutionTrace { std::string thread_id; Timestamp timestamp; bool operator==(const ExecutionTrace&) const = default; };
  struct Aggregation { std::string query; std::string result_summary; bool operator==(const Aggregation&) const = default; };
  struct IntrospectionReport { Uuid report_id; bool operator==(const IntrospectionReport&) const = default; };
  struct GitCommit { std::string hash; std::string message_summary; bool operator==(const GitCommit&) const = default; };
  struct ModelReview { ModelIdentifier model; Timestamp timestamp; bool operator==(const ModelReview&) const = default; };
  struct LogFile { std::string path; std::optional<std::pair<uint64_t, uint64_t>> line_range; bool operator==(const LogFile&) const = default; };
  std::variant<ExecutionTrace, Aggregation, IntrospectionReport, GitCommit, ModelReview, LogFile> value;
  bool operator==(const CitationSource&) const = default;
};

struct CitationRetrieval {
  enum class Kind { TraceStorage, Git, File, Inline };
  Kind kind = Kind::Inline;
  std::string value;  // query | command | path | data
  bool operator==(const CitationRetrieval&) const = default;
};

struct Citation {
  std::string id;
  CitationSource source_type;
  std::string description;
  CitationRetrieval retrieval;
  bool operator==(const Citation&) const = default;
};

// ---------------------------------------------------------------- gaps

struct Impact {
  double error_reduction = 0;
  double latency_reduction_ms = 0;
  double accuracy_improvement = 0;
  std::string description;
  bool operator==(const Impact&) const = default;
};

struct GapCategory {
  struct MissingNode { std::string suggested_signature; bool operator==(const MissingNode&) const = default; };
  struct MissingTool { std::string tool_description; bool operator==(const MissingTool&) const = default; };
  struct InadequateFunctionality { std::string node; std::string limitation; bool operator==(const InadequateFunctionality&) const = default; };
  struct MissingIntegration { std::string external_system; bool operator==(const MissingIntegration&) const = default; };
  struct PerformanceGap { std::string bottleneck; bool operator==(const PerformanceGap&) const = default; };
  std::variant<MissingNode, MissingTool, InadequateFunctionality, MissingIntegration, PerformanceGap> value;
  bool operator==(const GapCategory&) const = default;
};

// Variant alternatives with default member initializers are declared at
// namespace scope: GCC cannot default-construct a variant of nested structs
// whose initializers are parsed only at the end of the enclosing class.
struct ManifestationErrors { uint64_t count = 0; std::vector<std::string> sample_messages; bool operator==(const ManifestationErrors&) const = default; };
struct ManifestationRetries { double rate = 0; std::vector<std::string> affected_nodes; bool operator==(const ManifestationRetries&) const = default; };

struct GapManifestation {
  using Errors = ManifestationErrors;
  using Retries = ManifestationRetries;
  struct PromptWorkarounds { std::vector<std::string> patterns; bool operator==(const PromptWorkarounds&) const = default; };
  struct SuboptimalPaths { std::string description; bool operator==(const SuboptimalPaths&) const = default; };
  struct MissingContext { std::string what; bool operator==(const MissingContext&) const = default; };
  std::variant<Errors, Retries, PromptWorkarounds, SuboptimalPaths, MissingContext> value;
  bool operator==(const GapManifestation&) const = default;
};

struct CapabilityGap {
  std::string description;
  std::vector<Citation> evidence;
  GapManifestation manifestation;
  std::string proposed_solution;
  Impact expected_impact;
  double confidence = 0.5;
  GapCategory category;
  // extensions
  std::string key;     // stable dedup/fingerprint key, e.g. "retry:node:fetch"
  std::string source;  // id of the analyzer that found it
  bool operator==(const CapabilityGap&) const = default;
};

struct DeprecatedNode { std::string name; uint64_t usage_count = 0; bool operator==(const DeprecatedNode&) const = default; };

struct DeprecationTarget {
  using Node = DeprecatedNode;
  struct Tool { std::string name; std::optional<Timestamp> last_used; bool operator==(const Tool&) const = default; };
  struct Edge { std::string from; std::string to; bool operator==(const Edge&) const = default; };
  struct Feature { std::string name; bool operator==(const Feature&) const = default; };
  struct CodePath { std::string location; bool operator==(const CodePath&) const = default; };
  std::variant<Node, Tool, Edge, Feature, CodePath> value;
  bool operator==(const DeprecationTarget&) const = default;
};

struct DeprecationRecommendation {
  DeprecationTarget target;
  std::string rationale;
  std::vector<Citation> evidence;
  std::vector<std::string> benefits;
  std::vector<std::string> risks;
  double confidence = 0.5;
  std::optional<std::string> migration_path;
  // extensions
  std::string key;
  std::string source;
  bool operator==(const DeprecationRecommendation&) const = default;
};

struct ComparisonMetrics {
  int64_t execution_delta = 0;
  double success_rate_delta = 0;
  double duration_delta_ms = 0;
  double retry_rate_delta = 0;
  bool operator==(const ComparisonMetrics&) const = default;
};

struct ReportExecutionSummary {
  uint64_t total_executions = 0;
  uint64_t successful_executions = 0;
  uint64_t failed_executions = 0;
  double success_rate = 0;
  double avg_duration_ms = 0;
  uint64_t total_tokens = 0;
  double avg_tokens = 0;
  double retry_rate = 0;
  std::optional<ComparisonMetrics> vs_previous;
  bool operator==(const ReportExecutionSummary&) const = default;
};

struct Counterfactual {
  std::string alternative;
  std::string expected_outcome;
  std::string why_not_taken;
  double confidence = 0;
  bool operator==(const Counterfactual&) const = default;
};

struct MissingToolAnalysis {
  std::string tool_name;
  std::string description;
  std::string benefit;
  Impact impact;
  bool operator==(const MissingToolAnalysis&) const = default;
};

struct RetrospectiveAnalysis {
  ReportExecutionSummary actual_execution;
  std::vector<Counterfactual> counterfactuals;
  std::vector<MissingToolAnalysis> missing_tools;
  std::vector<std::string> application_insights;
  std::vector<std::string> task_insights;
  std::vector<std::string> platform_insights;
  bool operator==(const RetrospectiveAnalysis&) const = default;
};

// Extension: what the patterns analyzer found (DashFlow computed and dropped these).
struct DetectedPattern {
  std::string description;
  std::string pattern_type;  // RecurringError | PerformanceDegradation | ExecutionFlow | ResourceUsage | custom
  uint64_t occurrences = 0;
  std::vector<std::string> affected_nodes;
  double confidence = 0;
  std::string suggestion;
  std::vector<Citation> evidence;
  std::string key;
  std::string source;
  bool operator==(const DetectedPattern&) const = default;
};

struct ProposalSource {
  enum class Kind { CapabilityGap, Deprecation, Retrospective, PatternDetection, Manual };
  Kind kind = Kind::Manual;
  uint64_t index = 0;  // gap_index / dep_index
  bool operator==(const ProposalSource&) const = default;
};

struct ImprovementProposal {
  Uuid id;
  std::string title;
  std::string description;
  ProposalSource source;
  double initial_confidence = 0;
  std::vector<Citation> evidence;
  bool operator==(const ImprovementProposal&) const = default;
};

// ---------------------------------------------------------------- consensus

enum class Assessment { StronglyAgree, Agree, Neutral, Disagree, StronglyDisagree };
enum class CritiqueSeverity { Minor, Moderate, Major, Critical };

struct Critique {
  std::string target;
  std::string criticism;
  CritiqueSeverity severity = CritiqueSeverity::Minor;
  std::optional<std::string> suggested_fix;
  bool operator==(const Critique&) const = default;
};

struct ModelReview {
  ModelIdentifier model;
  Assessment assessment = Assessment::Neutral;
  std::vector<Critique> critiques;
  std::vector<std::string> suggestions;
  double confidence = 0;
  std::string raw_response;
  bool operator==(const ModelReview&) const = default;
};

struct Disagreement {
  std::string topic;
  std::string position_a;
  std::string position_b;
  std::vector<ModelIdentifier> models_a;
  std::vector<ModelIdentifier> models_b;
  bool operator==(const Disagreement&) const = default;
};

struct ConsensusResult {
  std::vector<ModelReview> reviews;
  double consensus_score = 0;
  std::vector<std::string> agreements;
  std::vector<Disagreement> disagreements;
  std::string synthesis;
  bool validated = false;
  std::vector<std::string> modifications;
  // extensions
  std::string plan_id;                  // consensus is per plan
  std::vector<std::string> failures;    // reviews that failed, with reasons
  std::optional<double> agreement_kappa;
  std::optional<double> score_spread;
  bool operator==(const ConsensusResult&) const = default;
};

// ---------------------------------------------------------------- plans

enum class PlanCategory { Optimization, ApplicationImprovement, PlatformImprovement, ProcessImprovement };

struct ImplementationStep {
  uint8_t order = 1;
  std::string action;
  std::vector<std::string> files;
  std::string verification;
  bool operator==(const ImplementationStep&) const = default;
};

struct PlanStatus {
  struct Proposed { bool operator==(const Proposed&) const = default; };
  struct Validated { bool operator==(const Validated&) const = default; };
  struct InProgress { Timestamp started; std::string assignee; bool operator==(const InProgress&) const = default; };
  struct Implemented { Timestamp completed; std::string commit_hash; bool operator==(const Implemented&) const = default; };
  struct Failed { std::string reason; bool operator==(const Failed&) const = default; };
  struct Superseded { Uuid by; bool operator==(const Superseded&) const = default; };
  std::variant<Proposed, Validated, InProgress, Implemented, Failed, Superseded> value;
  bool operator==(const PlanStatus&) const = default;
};

// The storage folder a status lives in.
enum class PlanFolder { Pending, Approved, Implemented, Failed };

struct PlanAction {
  std::string action_type_json;  // externally tagged ActionType, kept as JSON text
  std::string rationale;
  std::optional<std::string> expected_impact;
  bool operator==(const PlanAction&) const = default;
};

struct ExecutionPlan {
  Uuid id;
  std::string title;
  std::string description;
  PlanCategory category = PlanCategory::ApplicationImprovement;
  uint8_t priority = 3;
  uint8_t estimated_commits = 1;
  std::vector<ImplementationStep> steps;
  std::vector<std::string> success_criteria;
  std::string rollback_plan;
  std::vector<Uuid> dependencies;
  std::vector<Citation> citations;
  double validation_score = 0;
  PlanStatus status;
  std::vector<PlanAction> actions;
  // extensions
  std::string fingerprint;             // kind + node/tool + category; stable across runs
  std::optional<Timestamp> created_at;
  std::optional<Timestamp> updated_at;
  uint64_t occurrences = 1;            // analyze runs that found it again
  std::optional<Uuid> source_report_id;
  std::optional<ConsensusResult> review;
  bool operator==(const ExecutionPlan&) const = default;
};

// ---------------------------------------------------------------- hypotheses

struct ExpectedEvidence {
  std::string metric;
  std::string expected_value;
  std::string measurement_method;
  bool operator==(const ExpectedEvidence&) const = default;
};

struct EvaluationTrigger {
  enum class Kind { AfterExecutions, AfterDuration, AfterPlan, Manual };
  Kind kind = Kind::Manual;
  uint64_t executions = 0;
  uint64_t duration_secs = 0;
  uint32_t duration_nanos = 0;
  Uuid plan_id;
  bool operator==(const EvaluationTrigger&) const = default;
};

struct HypothesisStatus {
  enum class Kind { Active, Pending, Evaluated, Superseded };
  Kind kind = Kind::Active;
  std::string detail;  // waiting_for / by
  bool operator==(const HypothesisStatus&) const = default;
};

enum class HypothesisSource { CapabilityGap, ExecutionPlan, Deprecation, Manual };

struct ObservedEvidence {
  std::string metric;
  std::string observed_value;
  bool matches_expected = false;
  Citation citation;
  bool operator==(const ObservedEvidence&) const = default;
};

struct HypothesisOutcome {
  bool correct = false;
  std::vector<ObservedEvidence> observed_evidence;
  std::string analysis;
  std::vector<std::string> improvements_for_future;
  bool operator==(const HypothesisOutcome&) const = default;
};

struct Hypothesis {
  Uuid id;
  std::string statement;
  std::string reasoning;
  std::vector<ExpectedEvidence> expected_evidence;
  EvaluationTrigger evaluation_trigger;
  HypothesisStatus status;
  std::optional<HypothesisOutcome> outcome;
  std::vector<std::string> lessons;
  HypothesisSource source = HypothesisSource::Manual;
  Timestamp created_at;
  // extensions
  std::string fingerprint;             // the finding it came from
  std::optional<ReportExecutionSummary> baseline;  // summary when it was made
  uint64_t baseline_trace_count = 0;   // traces seen when it was made
  bool operator==(const Hypothesis&) const = default;
};

// ---------------------------------------------------------------- reports

struct IntrospectionScope {
  enum class Kind { Execution, GraphAggregate, TimeWindow, Periodic, System };
  Kind kind = Kind::System;
  std::string thread_id;
  std::string graph_id;
  uint64_t execution_count = 0;
  Timestamp start, end;
  uint64_t period = 0, iteration = 0;
  bool operator==(const IntrospectionScope&) const = default;
};

// Extension: an input that could not be read, named with the reason.
struct SkippedInput {
  std::string source;
  uint64_t line = 0;
  std::string reason;
  bool operator==(const SkippedInput&) const = default;
};

// Extension: a plugin that failed during the run.
struct PluginFailure {
  std::string plugin;
  std::string stage;  // create | consume | finish | generate | ...
  std::string message;
  bool operator==(const PluginFailure&) const = default;
};

struct IntrospectionReport {
  Uuid id;
  Timestamp timestamp;
  IntrospectionScope scope;
  ReportExecutionSummary execution_summary;
  std::vector<CapabilityGap> capability_gaps;
  std::vector<DeprecationRecommendation> deprecations;
  RetrospectiveAnalysis retrospective;
  std::vector<ImprovementProposal> proposals;
  std::optional<ConsensusResult> consensus;
  std::vector<ExecutionPlan> execution_plans;
  std::vector<Hypothesis> hypotheses;
  std::vector<Citation> citations;
  std::optional<Uuid> previous_report_id;
  // extensions
  AnalysisDepth depth = AnalysisDepth::LocalAnalysis;
  std::string reason;
  std::vector<DetectedPattern> patterns;
  std::vector<ConsensusResult> plan_reviews;  // per-plan consensus at depth deep
  std::vector<SkippedInput> skipped_inputs;
  std::vector<PluginFailure> plugin_failures;
  std::vector<std::string> warnings;
  bool operator==(const IntrospectionReport&) const = default;
};

// ---------------------------------------------------------------- alerts

enum class AlertSeverity { Info, Warning, Error, Critical };

struct Alert {
  std::string kind;       // slow_node | high_error_rate | repeated_retry | unused_capability | custom
  AlertSeverity severity = AlertSeverity::Warning;
  std::string title;
  std::string message;
  std::map<std::string, std::string> labels;  // alertname, node, graph, ...
  std::map<std::string, std::string> annotations;
  Timestamp starts_at;
  std::optional<Timestamp> ends_at;  // set on resolved notices
  bool resolved = false;
  std::string fingerprint;           // hash of labels; filled by the host
  bool operator==(const Alert&) const = default;
};

// ---------------------------------------------------------------- meta

struct RecurringPattern {
  std::string description;  // normalized signature
  uint64_t occurrence_count = 0;
  Uuid first_seen;
  Uuid last_seen;
  std::string pattern_type = "RecurringGap";
  bool operator==(const RecurringPattern&) const = default;
};

struct ImprovementMomentum {
  double success_rate_trend = 0;
  double retry_rate_trend = 0;
  double latency_trend_ms = 0;
  uint64_t plans_implemented = 0;
  uint64_t gaps_addressed = 0;
  double velocity_score = 0;
  bool is_positive = false;
  bool operator==(const ImprovementMomentum&) const = default;
};

struct DeadEnd {
  std::string plan_title;
  Uuid plan_id;
  std::string failure_reason;
  std::string lesson_learned;
  bool operator==(const DeadEnd&) const = default;
};

struct SuccessPattern {
  std::string category;
  uint64_t success_count = 0;
  double average_validation_score = 0;
  std::vector<std::string> common_characteristics;
  bool operator==(const SuccessPattern&) const = default;
};

struct MetaAnalysisResult {
  std::vector<RecurringPattern> recurring_gaps;
  ImprovementMomentum improvement_momentum;
  std::vector<DeadEnd> dead_ends;
  std::vector<SuccessPattern> success_patterns;
  double hypothesis_accuracy = 1.0;
  uint64_t reports_analyzed = 0;
  bool operator==(const MetaAnalysisResult&) const = default;
};

}  // namespace dashflow
