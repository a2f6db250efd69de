// value -> JSON -> value gives the same value, for every SDK type and every
// enum variant, with all optional and extension fields both set and unset.
#include <gtest/gtest.h>

#include "dashflow/json.hpp"

namespace {

using namespace dashflow;

template <class T>
T round_trip(const T& value) {
  const std::string text = to_json_text(value);
  return from_json_text<T>(text);
}

#define EXPECT_ROUND_TRIP(...)                                           \
  do {                                                                   \
    const auto v_ = (__VA_ARGS__);                                       \
    EXPECT_TRUE(round_trip(v_) == v_) << "round trip changed: " << to_json_text(v_); \
  } while (0)

// ------------------------------------------------------------ samples

Citation trace_citation() {
  Citation c;
  c.id = "trace-session-";
  c.source_type.value = CitationSource::ExecutionTrace{"session-42", "2025-12-15T10:30:00Z"};
  c.description = "ExecutionTrace thread_id=session-42";
  c.retrieval = CitationRetrieval{CitationRetrieval::Kind::TraceStorage, "thread_id = 'session-42'"};
  return c;
}

std::vector<CitationSource> all_citation_sources() {
  std::vector<CitationSource> out(6);
  out[0].value = CitationSource::ExecutionTrace{"t1", "2025-12-15T10:30:00.120+00:00"};
  out[1].value = CitationSource::Aggregation{"q", "summary"};
  out[2].value = CitationSource::IntrospectionReport{"5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68"};
  out[3].value = CitationSource::GitCommit{"abc1234", "fix"};
  out[4].value = CitationSource::ModelReview{ModelIdentifier{"Anthropic", "claude"}, "2025-12-15T10:30:00Z"};
  out[5].value = CitationSource::LogFile{"/var/log/x.log", std::make_pair<uint64_t, uint64_t>(3, 9)};
  return out;
}

std::vector<ModelIdentifier> all_models() {
  return {{"Anthropic", "claude-3-5-sonnet-latest"}, {"OpenAI", "gpt-4-turbo"}, {"Google", "gemini-1.5-pro"},
          {"Mistral", "mistral-large"}};
}

NodeExecution full_node() {
  NodeExecution n;
  n.node = "tool_executor";
  n.duration_ms = 1830;
  n.tokens_used = 17;
  n.state_before.text = R"({"query":"weather in Paris"})";
  n.state_after.text = R"({"query":"weather in Paris","result":null})";
  n.tools_called = {"search", "search"};
  n.success = false;
  n.error_message = "tool 'geocode' not found";
  n.index = 1;
  n.started_at = "2025-12-15T10:30:00.512+00:00";
  n.metadata.text = R"({"attempt":2})";
  n.span_id = "b7ad6b7169203331";
  n.parent_span_id = "00f067aa0ba902b7";
  n.token_usage = TokenUsage{10, 7, 3, 2};
  n.cost_usd = 0.25;
  n.model = "gpt-4o";
  n.tool_calls = {ToolCall{"search", 120, false, "timeout"}, ToolCall{"search", 80, true, std::nullopt}};
  return n;
}

ExecutionTrace full_trace() {
  ExecutionTrace t;
  t.thread_id = "session-42";
  t.execution_id = "7f3c2a9e-5b1d-4c8e-9a0f-2d6b8e1c4a57";
  t.parent_execution_id = "p";
  t.root_execution_id = "r";
  t.depth = 1;
  NodeExecution plain;
  plain.node = "planner";
  plain.duration_ms = 412;
  t.nodes_executed = {plain, full_node()};
  t.total_duration_ms = 2310;
  t.total_tokens = 1250;
  ErrorTrace e;
  e.node = "tool_executor";
  e.message = "boom";
  e.error_type = "ToolError";
  e.state_at_error.text = R"({"k":[1,2]})";
  e.timestamp = "2025-12-15T10:30:02.342+00:00";
  e.execution_index = 1;
  e.recoverable = true;
  e.retry_attempted = true;
  e.context = "stack";
  e.metadata.text = R"({"x":"y"})";
  ErrorTrace bare;
  bare.node = "n";
  bare.message = "m";
  t.errors = {e, bare};
  t.completed = false;
  t.started_at = "2025-12-15T10:30:00.100+00:00";
  t.ended_at = "2025-12-15T10:30:02.410Z";
  t.final_state.text = R"({"result":"ok"})";
  t.metadata.text = R"({"graph_name":"weather_bot"})";
  t.execution_metrics.text = R"({"total_tokens":1250})";
  t.performance_metrics.text = R"({"error_rate":0.5})";
  t.cost_usd = 1.5;
  return t;
}

CapabilityGap gap_with(GapCategory category, GapManifestation manifestation) {
  CapabilityGap g;
  g.description = "Missing tool: geocode";
  g.evidence = {trace_citation()};
  g.manifestation = std::move(manifestation);
  g.proposed_solution = "Implement geocode";
  g.expected_impact = Impact{0.8, 400, 0.8, "big"};
  g.confidence = 0.8;
  g.category = std::move(category);
  g.key = "missing_tool:tool:geocode";
  g.source = "gaps";
  return g;
}

std::vector<CapabilityGap> all_gaps() {
  return {
      gap_with(GapCategory{GapCategory::MissingNode{"fn x()"}}, GapManifestation{GapManifestation::Errors{4, {"a", "b"}}}),
      gap_with(GapCategory{GapCategory::MissingTool{"geocode"}}, GapManifestation{GapManifestation::Retries{0.125, {"n1"}}}),
      gap_with(GapCategory{GapCategory::InadequateFunctionality{"fetch", "retries"}},
               GapManifestation{GapManifestation::PromptWorkarounds{{"p"}}}),
      gap_with(GapCategory{GapCategory::MissingIntegration{"slack"}},
               GapManifestation{GapManifestation::SuboptimalPaths{"loop"}}),
      gap_with(GapCategory{GapCategory::PerformanceGap{"p95 1830ms"}},
               GapManifestation{GapManifestation::MissingContext{"user locale"}}),
  };
}

std::vector<DeprecationRecommendation> all_deprecations() {
  std::vector<DeprecationTarget> targets = {
      DeprecationTarget{DeprecationTarget::Node{"old", 3}},
      DeprecationTarget{DeprecationTarget::Tool{"t", "2025-12-01T00:00:00Z"}},
      DeprecationTarget{DeprecationTarget::Tool{"t2", std::nullopt}},
      DeprecationTarget{DeprecationTarget::Edge{"a", "b"}},
      DeprecationTarget{DeprecationTarget::Feature{"f"}},
      DeprecationTarget{DeprecationTarget::CodePath{"src/x.rs:10"}},
  };
  std::vector<DeprecationRecommendation> out;
  for (size_t i = 0; i < targets.size(); ++i) {
    DeprecationRecommendation d;
    d.target = targets[i];
    d.rationale = "unused";
    d.evidence = {trace_citation()};
    d.benefits = {"less code"};
    d.risks = {};
    d.confidence = 0.7;
    if (i % 2 == 0) d.migration_path = "use new";
    if (i == 0) d.key = "unused:node:old", d.source = "deprecation";
    out.push_back(d);
  }
  return out;
}

ReportExecutionSummary summary(bool with_previous) {
  ReportExecutionSummary s{4, 1, 3, 0.25, 2310.5, 5000, 1250, 1.0, std::nullopt};
  if (with_previous) s.vs_previous = ComparisonMetrics{-3, -0.1, 12.5, 0.2};
  return s;
}

RetrospectiveAnalysis retrospective() {
  RetrospectiveAnalysis r;
  r.actual_execution = summary(false);
  r.counterfactuals = {Counterfactual{"alt", "better", "no time", 0.7}};
  r.missing_tools = {MissingToolAnalysis{"geocode", "d", "b", Impact{0.4, 200, 0.4, "m"}}};
  r.application_insights = {"a"};
  r.task_insights = {"t"};
  r.platform_insights = {"p"};
  return r;
}

ConsensusResult consensus(bool extensions) {
  ConsensusResult c;
  ModelReview review;
  review.model = ModelIdentifier{"OpenAI", "gpt-4-turbo"};
  review.assessment = Assessment::StronglyDisagree;
  review.critiques = {Critique{"step 1", "vague", CritiqueSeverity::Major, "be specific"},
                      Critique{"step 2", "risky", CritiqueSeverity::Critical, std::nullopt}};
  review.suggestions = {"s"};
  review.confidence = 0.6;
  review.raw_response = "raw";
  c.reviews = {review};
  c.consensus_score = 0.55;
  c.agreements = {"x"};
  c.disagreements = {Disagreement{"topic", "a", "b", {ModelIdentifier{"Anthropic", "c"}}, {ModelIdentifier{"Other", "m"}}}};
  c.synthesis = "mixed";
  c.validated = false;
  c.modifications = {"m"};
  if (extensions) {
    c.plan_id = "9a4e7c21-3f5b-4d8a-b6e2-1c0f8d9e2a73";
    c.failures = {"google: timeout"};
    c.agreement_kappa = 0.31;
    c.score_spread = 0.25;
  }
  return c;
}

std::vector<PlanStatus> all_plan_statuses() {
  return {PlanStatus{PlanStatus::Proposed{}},
          PlanStatus{PlanStatus::Validated{}},
          PlanStatus{PlanStatus::InProgress{"2025-12-16T09:00:00Z", "ai-worker"}},
          PlanStatus{PlanStatus::Implemented{"2025-12-17T09:00:00Z", "deadbeef"}},
          PlanStatus{PlanStatus::Failed{"no luck"}},
          PlanStatus{PlanStatus::Superseded{"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"}}};
}

ExecutionPlan full_plan() {
  ExecutionPlan p;
  p.id = "9a4e7c21-3f5b-4d8a-b6e2-1c0f8d9e2a73";
  p.title = "Add Tool: geocode";
  p.description = "d";
  p.category = PlanCategory::PlatformImprovement;
  p.priority = 1;
  p.estimated_commits = 255;
  p.steps = {ImplementationStep{1, "a", {"f.rs"}, "v"}, ImplementationStep{2, "b", {}, "w"}};
  p.success_criteria = {"c"};
  p.rollback_plan = "r";
  p.dependencies = {"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"};
  p.citations = {trace_citation()};
  p.validation_score = 0.84;
  p.status.value = PlanStatus::InProgress{"2025-12-16T09:00:00Z", "ai-worker"};
  p.actions = {PlanAction{R"({"UpdateParameter":{"node":"n","param":"p","value":1}})", "why", "faster"},
               PlanAction{R"({"RemoveConfig":{"node":"n"}})", "why not", std::nullopt}};
  p.fingerprint = "plan:retry:node:fetch";
  p.created_at = "2025-12-15T10:31:07Z";
  p.updated_at = "2025-12-16T10:31:07Z";
  p.occurrences = 3;
  p.source_report_id = "5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68";
  p.review = consensus(true);
  return p;
}

std::vector<EvaluationTrigger> all_triggers() {
  EvaluationTrigger a, b, c, d;
  a.kind = EvaluationTrigger::Kind::AfterExecutions, a.executions = 50;
  b.kind = EvaluationTrigger::Kind::AfterDuration, b.duration_secs = 3600, b.duration_nanos = 5;
  c.kind = EvaluationTrigger::Kind::AfterPlan, c.plan_id = "9a4e7c21-3f5b-4d8a-b6e2-1c0f8d9e2a73";
  d.kind = EvaluationTrigger::Kind::Manual;
  return {a, b, c, d};
}

std::vector<HypothesisStatus> all_hypothesis_statuses() {
  return {HypothesisStatus{HypothesisStatus::Kind::Active, ""}, HypothesisStatus{HypothesisStatus::Kind::Pending, "plan x"},
          HypothesisStatus{HypothesisStatus::Kind::Evaluated, ""},
          HypothesisStatus{HypothesisStatus::Kind::Superseded, "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"}};
}

Hypothesis full_hypothesis() {
  Hypothesis h;
  h.id = "3d1f0c7e-8a52-4b9e-b3c1-6f2e9a4d7b10";
  h.statement = "s";
  h.reasoning = "r";
  h.expected_evidence = {ExpectedEvidence{"error_rate", "reduced by 64%", "compare"}};
  h.evaluation_trigger = all_triggers()[1];
  h.status = all_hypothesis_statuses()[2];
  HypothesisOutcome o;
  o.correct = false;
  o.observed_evidence = {ObservedEvidence{"error_rate", "reduced by 10.0%", false, trace_citation()}};
  o.analysis = "partially failed";
  o.improvements_for_future = {"be conservative"};
  h.outcome = o;
  h.lessons = {"l"};
  h.source = HypothesisSource::Deprecation;
  h.created_at = "2025-12-15T10:31:07.482913245Z";
  h.fingerprint = "retry:node:fetch";
  h.baseline = summary(true);
  h.baseline_trace_count = 40;
  return h;
}

std::vector<IntrospectionScope> all_scopes() {
  std::vector<IntrospectionScope> out(5);
  out[0].kind = IntrospectionScope::Kind::Execution, out[0].thread_id = "t";
  out[1].kind = IntrospectionScope::Kind::GraphAggregate, out[1].graph_id = "g", out[1].execution_count = 4;
  out[2].kind = IntrospectionScope::Kind::TimeWindow, out[2].start = "2025-12-15T00:00:00Z", out[2].end = "2025-12-16T00:00:00Z";
  out[3].kind = IntrospectionScope::Kind::Periodic, out[3].period = 10, out[3].iteration = 3;
  out[4].kind = IntrospectionScope::Kind::System;
  return out;
}

DetectedPattern pattern() {
  return DetectedPattern{"Recurring error: timeout (5 occurrences)", "RecurringError", 5, {"fetch"}, 0.75,
                         "Investigate root cause", {trace_citation()}, "recurring_error:timeout", "patterns"};
}

IntrospectionReport full_report() {
  IntrospectionReport r;
  r.id = "5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68";
  r.timestamp = "2025-12-15T10:31:07.481002118Z";
  r.scope = all_scopes()[1];
  r.execution_summary = summary(true);
  r.capability_gaps = all_gaps();
  r.deprecations = all_deprecations();
  r.retrospective = retrospective();
  r.proposals = {ImprovementProposal{"id1", "t", "d", ProposalSource{ProposalSource::Kind::CapabilityGap, 2}, 0.8, {trace_citation()}}};
  r.consensus = consensus(false);
  r.execution_plans = {full_plan()};
  r.hypotheses = {full_hypothesis()};
  r.citations = {trace_citation()};
  r.previous_report_id = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
  r.depth = AnalysisDepth::DeepAnalysis;
  r.reason = "scheduled";
  r.patterns = {pattern()};
  r.plan_reviews = {consensus(true)};
  r.skipped_inputs = {SkippedInput{"traces/bad.json", 0, "nodes_executed: missing required field"}};
  r.plugin_failures = {PluginFailure{"my-analyzer", "consume", "boom"}};
  r.warnings = {"w"};
  return r;
}

// ------------------------------------------------------------ tests

TEST(JsonRoundTrip, RawJson) {
  EXPECT_ROUND_TRIP(RawJson{});
  EXPECT_ROUND_TRIP(RawJson{R"({"a":[1,2,{"b":null}]})"});
  EXPECT_ROUND_TRIP(RawJson{"42"});
}

TEST(JsonRoundTrip, TraceTypes) {
  EXPECT_ROUND_TRIP(TokenUsage{1, 2, 3, 4});
  EXPECT_ROUND_TRIP(ToolCall{"search", 12, false, "timeout"});
  EXPECT_ROUND_TRIP(full_node());
  EXPECT_ROUND_TRIP(NodeExecution{});
  EXPECT_ROUND_TRIP(full_trace().errors[0]);
  EXPECT_ROUND_TRIP(ErrorTrace{});
  EXPECT_ROUND_TRIP(full_trace());
  EXPECT_ROUND_TRIP(ExecutionTrace{});
}

TEST(JsonRoundTrip, CommonAndCitations) {
  for (const auto& m : all_models()) EXPECT_ROUND_TRIP(m);
  for (auto p : {Priority::High, Priority::Medium, Priority::Low}) EXPECT_ROUND_TRIP(p);
  for (auto d : {AnalysisDepth::Metrics, AnalysisDepth::LocalAnalysis, AnalysisDepth::DeepAnalysis}) EXPECT_ROUND_TRIP(d);
  for (const auto& s : all_citation_sources()) EXPECT_ROUND_TRIP(s);
  CitationSource no_range;
  no_range.value = CitationSource::LogFile{"x", std::nullopt};
  EXPECT_ROUND_TRIP(no_range);
  for (auto k : {CitationRetrieval::Kind::TraceStorage, CitationRetrieval::Kind::Git, CitationRetrieval::Kind::File,
                 CitationRetrieval::Kind::Inline})
    EXPECT_ROUND_TRIP((CitationRetrieval{k, "value"}));
  EXPECT_ROUND_TRIP(trace_citation());
}

TEST(JsonRoundTrip, GapsAndDeprecations) {
  EXPECT_ROUND_TRIP((Impact{0.8, 400, 0.8, "d"}));
  for (const auto& g : all_gaps()) {
    EXPECT_ROUND_TRIP(g.category);
    EXPECT_ROUND_TRIP(g.manifestation);
    EXPECT_ROUND_TRIP(g);
  }
  CapabilityGap no_ext = all_gaps()[0];
  no_ext.key.clear(), no_ext.source.clear();
  EXPECT_ROUND_TRIP(no_ext);
  for (const auto& d : all_deprecations()) {
    EXPECT_ROUND_TRIP(d.target);
    EXPECT_ROUND_TRIP(d);
  }
}

TEST(JsonRoundTrip, SummariesAndRetrospective) {
  EXPECT_ROUND_TRIP((ComparisonMetrics{-3, -0.1, 12.5, 0.2}));
  EXPECT_ROUND_TRIP(summary(false));
  EXPECT_ROUND_TRIP(summary(true));
  EXPECT_ROUND_TRIP((Counterfactual{"a", "b", "c", 0.5}));
  EXPECT_ROUND_TRIP((MissingToolAnalysis{"t", "d", "b", Impact{}}));
  EXPECT_ROUND_TRIP(retrospective());
  EXPECT_ROUND_TRIP(RetrospectiveAnalysis{});
  EXPECT_ROUND_TRIP(pattern());
}

TEST(JsonRoundTrip, Proposals) {
  for (auto k : {ProposalSource::Kind::CapabilityGap, ProposalSource::Kind::Deprecation})
    EXPECT_ROUND_TRIP((ProposalSource{k, 7}));
  for (auto k : {ProposalSource::Kind::Retrospective, ProposalSource::Kind::PatternDetection, ProposalSource::Kind::Manual})
    EXPECT_ROUND_TRIP((ProposalSource{k, 0}));
  EXPECT_ROUND_TRIP(full_report().proposals[0]);
}

TEST(JsonRoundTrip, Consensus) {
  for (auto a : {Assessment::StronglyAgree, Assessment::Agree, Assessment::Neutral, Assessment::Disagree,
                 Assessment::StronglyDisagree})
    EXPECT_ROUND_TRIP(a);
  for (auto s : {CritiqueSeverity::Minor, CritiqueSeverity::Moderate, CritiqueSeverity::Major, CritiqueSeverity::Critical})
    EXPECT_ROUND_TRIP(s);
  const ConsensusResult c = consensus(true);
  EXPECT_ROUND_TRIP(c.reviews[0].critiques[0]);
  EXPECT_ROUND_TRIP(c.reviews[0].critiques[1]);
  EXPECT_ROUND_TRIP(c.reviews[0]);
  EXPECT_ROUND_TRIP(c.disagreements[0]);
  EXPECT_ROUND_TRIP(c);
  EXPECT_ROUND_TRIP(consensus(false));
}

TEST(JsonRoundTrip, Plans) {
  for (auto c : {PlanCategory::Optimization, PlanCategory::ApplicationImprovement, PlanCategory::PlatformImprovement,
                 PlanCategory::ProcessImprovement})
    EXPECT_ROUND_TRIP(c);
  for (const auto& s : all_plan_statuses()) EXPECT_ROUND_TRIP(s);
  const ExecutionPlan p = full_plan();
  EXPECT_ROUND_TRIP(p.steps[0]);
  EXPECT_ROUND_TRIP(p.actions[0]);
  EXPECT_ROUND_TRIP(p.actions[1]);
  EXPECT_ROUND_TRIP(p);
  EXPECT_ROUND_TRIP(ExecutionPlan{});
  for (const auto& s : all_plan_statuses()) {
    ExecutionPlan q = p;
    q.status = s;
    EXPECT_ROUND_TRIP(q);
  }
}

TEST(JsonRoundTrip, Hypotheses) {
  EXPECT_ROUND_TRIP((ExpectedEvidence{"m", "e", "how"}));
  for (const auto& t : all_triggers()) EXPECT_ROUND_TRIP(t);
  for (const auto& s : all_hypothesis_statuses()) EXPECT_ROUND_TRIP(s);
  for (auto s : {HypothesisSource::CapabilityGap, HypothesisSource::ExecutionPlan, HypothesisSource::Deprecation,
                 HypothesisSource::Manual})
    EXPECT_ROUND_TRIP(s);
  const Hypothesis h = full_hypothesis();
  EXPECT_ROUND_TRIP(h.outcome->observed_evidence[0]);
  EXPECT_ROUND_TRIP(*h.outcome);
  EXPECT_ROUND_TRIP(h);
  Hypothesis bare;
  bare.created_at = "2025-12-15T10:31:07Z";
  EXPECT_ROUND_TRIP(bare);
}

TEST(JsonRoundTrip, Reports) {
  for (const auto& s : all_scopes()) EXPECT_ROUND_TRIP(s);
  EXPECT_ROUND_TRIP((SkippedInput{"a.jsonl", 3, "bad"}));
  EXPECT_ROUND_TRIP((PluginFailure{"p", "finish", "m"}));
  EXPECT_ROUND_TRIP(full_report());
  IntrospectionReport bare;
  bare.id = "x";
  bare.timestamp = "2025-12-15T10:31:07Z";
  EXPECT_ROUND_TRIP(bare);
}

TEST(JsonRoundTrip, Alerts) {
  for (auto s : {AlertSeverity::Info, AlertSeverity::Warning, AlertSeverity::Error, AlertSeverity::Critical})
    EXPECT_ROUND_TRIP(s);
  Alert a;
  a.kind = "slow_node";
  a.severity = AlertSeverity::Error;
  a.title = "Slow node detected: 'fetch'";
  a.message = "took 9000ms";
  a.labels = {{"alertname", "slow_node"}, {"node", "fetch"}};
  a.annotations = {{"suggested_action", "cache"}};
  a.starts_at = "2025-12-15T10:30:00Z";
  a.ends_at = "2025-12-15T11:30:00Z";
  a.resolved = true;
  a.fingerprint = "0123456789abcdef";
  EXPECT_ROUND_TRIP(a);
  a.ends_at.reset();
  EXPECT_ROUND_TRIP(a);
}

TEST(JsonRoundTrip, Meta) {
  MetaAnalysisResult m;
  m.recurring_gaps = {RecurringPattern{"missing_tool:geocode", 3, "a", "b", "RecurringGap"}};
  m.improvement_momentum = ImprovementMomentum{0.1, 0.05, 12.0, 2, 2, 13.7, true};
  m.dead_ends = {DeadEnd{"t", "id", "why", "lesson"}};
  m.success_patterns = {SuccessPattern{"Optimization", 3, 0.8, {"Average 2 steps per plan"}}};
  m.hypothesis_accuracy = 0.75;
  m.reports_analyzed = 10;
  EXPECT_ROUND_TRIP(m.recurring_gaps[0]);
  EXPECT_ROUND_TRIP(m.improvement_momentum);
  EXPECT_ROUND_TRIP(m.dead_ends[0]);
  EXPECT_ROUND_TRIP(m.success_patterns[0]);
  EXPECT_ROUND_TRIP(m);
  EXPECT_ROUND_TRIP(MetaAnalysisResult{});
}

// ------------------------------------------------------------ written shapes

TEST(JsonWrite, EnumsAreExternallyTagged) {
  EXPECT_EQ(json(PlanStatus{PlanStatus::Proposed{}}), json("Proposed"));
  EXPECT_EQ(json(all_plan_statuses()[2]), json::parse(R"({"InProgress":{"started":"2025-12-16T09:00:00Z","assignee":"ai-worker"}})"));
  EXPECT_EQ(json(all_triggers()[0]), json::parse(R"({"AfterExecutions":50})"));
  EXPECT_EQ(json(all_triggers()[1]), json::parse(R"({"AfterDuration":[3600,5]})"));
  EXPECT_EQ(json(all_triggers()[2]), json::parse(R"({"AfterPlan":"9a4e7c21-3f5b-4d8a-b6e2-1c0f8d9e2a73"})"));
  EXPECT_EQ(json(all_triggers()[3]), json("Manual"));
  EXPECT_EQ(json(all_models()[0]), json::parse(R"({"Anthropic":{"model":"claude-3-5-sonnet-latest"}})"));
  EXPECT_EQ(json(all_models()[3]), json::parse(R"({"Other":{"provider":"Mistral","model":"mistral-large"}})"));
  EXPECT_EQ(json(all_scopes()[4]), json("System"));
  EXPECT_EQ(json(all_citation_sources()[5]), json::parse(R"({"LogFile":{"path":"/var/log/x.log","line_range":[3,9]}})"));
  EXPECT_EQ(json(ProposalSource{ProposalSource::Kind::Deprecation, 2}), json::parse(R"({"Deprecation":{"dep_index":2}})"));
  EXPECT_EQ(json(all_hypothesis_statuses()[1]), json::parse(R"({"Pending":{"waiting_for":"plan x"}})"));
  EXPECT_EQ(json(AlertSeverity::Critical), json("Critical"));
}

TEST(JsonWrite, DefaultTraceMatchesDashFlowShape) {
  // dashflow-core.md §1.7: the minimal trace plus thread_id, execution_id,
  // started_at, ended_at and final_state as null.
  const json expected = json::parse(R"({"thread_id":null,"execution_id":null,"nodes_executed":[],"total_duration_ms":0,
    "total_tokens":0,"errors":[],"completed":false,"started_at":null,"ended_at":null,"final_state":null,"metadata":{}})");
  EXPECT_EQ(json(ExecutionTrace{}), expected);
}

TEST(JsonWrite, ExtensionsOnlyWhenSet) {
  const json node = json(NodeExecution{});
  for (const char* key : {"span_id", "parent_span_id", "token_usage", "cost_usd", "model", "tool_calls"})
    EXPECT_FALSE(node.contains(key)) << key;
  EXPECT_EQ(node["metadata"], json::object());
  EXPECT_TRUE(node["state_before"].is_null());
  const json plan = json(ExecutionPlan{});
  for (const char* key : {"fingerprint", "created_at", "updated_at", "occurrences", "source_report_id", "review"})
    EXPECT_FALSE(plan.contains(key)) << key;
  EXPECT_EQ(plan["actions"], json::array());
  const json full = json(full_plan());
  EXPECT_EQ(full["occurrences"], 3);
  EXPECT_EQ(full["actions"][0]["action_type"]["UpdateParameter"]["param"], "p");
  const json report = json(IntrospectionReport{});
  EXPECT_EQ(report["depth"], "LocalAnalysis");
  for (const char* key : {"reason", "patterns", "plan_reviews", "skipped_inputs", "plugin_failures", "warnings"})
    EXPECT_FALSE(report.contains(key)) << key;
  EXPECT_TRUE(report["consensus"].is_null());
  EXPECT_TRUE(report["previous_report_id"].is_null());
  EXPECT_FALSE(report.contains("_schema_version"));
  const json gap = json(CapabilityGap{});
  EXPECT_FALSE(gap.contains("key"));
  EXPECT_FALSE(gap.contains("source"));
  const json h = json(Hypothesis{});
  for (const char* key : {"fingerprint", "baseline", "baseline_trace_count"}) EXPECT_FALSE(h.contains(key)) << key;
  const json c = json(ConsensusResult{});
  for (const char* key : {"plan_id", "failures", "agreement_kappa", "score_spread"}) EXPECT_FALSE(c.contains(key)) << key;
}

TEST(JsonWrite, InvalidRawTextIsAnErrorNotACrash) {
  NodeExecution n;
  n.state_before.text = "{not json";
  EXPECT_THROW(to_json_text(n), JsonError);
}

}  // namespace
