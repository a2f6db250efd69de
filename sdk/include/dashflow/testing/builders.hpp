// Test kit for plugin authors: fluent builders of traces, reports, plans,
// hypotheses and gaps with sensible, deterministic defaults (fixed ids and
// timestamps unless you set them). Header-only; link DashflowSDK::sdk.
//
//   auto trace = dashflow::testing::TraceBuilder()
//                    .thread("t").started_at("2025-12-15T10:30:00Z")
//                    .node("planner", 412, 1250).tool("search")
//                    .failed_node("fetch", 900, "timeout")
//                    .error("fetch", "timeout", /*retry=*/true, "Timeout")
//                    .build();
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dashflow/scoring.hpp"
#include "dashflow/time.hpp"
#include "dashflow/types.hpp"

namespace dashflow::testing {

inline constexpr const char* kFixedTimestamp = "2025-12-15T10:31:07Z";

// ------------------------------------------------------------ small helpers

inline double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

inline Citation aggregation_citation(std::string id, std::string query, std::string summary) {
  Citation c;
  c.id = std::move(id);
  c.source_type.value = CitationSource::Aggregation{std::move(query), summary};
  c.description = "Aggregation: " + summary;
  c.retrieval = CitationRetrieval{CitationRetrieval::Kind::Inline, std::move(summary)};
  return c;
}

// ------------------------------------------------------------ traces

class TraceBuilder {
 public:
  TraceBuilder& thread(std::string id) { return trace_.thread_id = std::move(id), *this; }
  TraceBuilder& execution(std::string id) { return trace_.execution_id = std::move(id), *this; }
  // Nodes get started_at = trace start + the durations before them.
  TraceBuilder& started_at(std::string ts) { return trace_.started_at = std::move(ts), *this; }
  TraceBuilder& ended_at(std::string ts) { return trace_.ended_at = std::move(ts), *this; }
  TraceBuilder& graph(const std::string& name) {
    trace_.metadata.text = "{\"graph_name\":\"" + name + "\"}";
    return *this;
  }
  TraceBuilder& metadata_json(std::string text) { return trace_.metadata.text = std::move(text), *this; }

  TraceBuilder& node(std::string name, uint64_t duration_ms, uint64_t tokens = 0) {
    NodeExecution n;
    n.node = std::move(name);
    n.duration_ms = duration_ms;
    n.tokens_used = tokens;
    n.index = trace_.nodes_executed.size();
    trace_.nodes_executed.push_back(std::move(n));
    return *this;
  }
  // A node run that failed (success=false, error_message set). Add an
  // .error(...) too when the run should also carry an ErrorTrace.
  TraceBuilder& failed_node(std::string name, uint64_t duration_ms, std::string message, uint64_t tokens = 0) {
    node(std::move(name), duration_ms, tokens);
    trace_.nodes_executed.back().success = false;
    trace_.nodes_executed.back().error_message = std::move(message);
    return *this;
  }
  // A tool call on the last node (a node "tool_node" is added if there is none).
  TraceBuilder& tool(std::string name) {
    if (trace_.nodes_executed.empty()) node("tool_node", 0);
    trace_.nodes_executed.back().tools_called.push_back(std::move(name));
    return *this;
  }
  // A timed tool call (extension) on the last node; also listed in tools_called.
  TraceBuilder& tool_call(std::string name, uint64_t duration_ms, bool success = true,
                          std::optional<std::string> error = std::nullopt) {
    tool(name);
    trace_.nodes_executed.back().tool_calls.push_back(ToolCall{std::move(name), duration_ms, success, std::move(error)});
    return *this;
  }
  TraceBuilder& model(std::string name) {
    if (trace_.nodes_executed.empty()) node("llm_node", 0);
    trace_.nodes_executed.back().model = std::move(name);
    return *this;
  }
  TraceBuilder& error(std::string node_name, std::string message, bool retry_attempted = false,
                      std::optional<std::string> error_type = std::nullopt) {
    ErrorTrace e;
    e.node = std::move(node_name);
    e.message = std::move(message);
    e.error_type = std::move(error_type);
    e.retry_attempted = retry_attempted;
    e.recoverable = retry_attempted;
    for (const auto& n : trace_.nodes_executed)
      if (n.node == e.node) e.execution_index = n.index;  // the last run of that node
    trace_.errors.push_back(std::move(e));
    return *this;
  }
  // Not calling completed(): completed = no errors (as DashFlow's test helper).
  TraceBuilder& completed(bool value = true) { return completed_ = value, *this; }
  TraceBuilder& total_duration(uint64_t ms) { return total_duration_ = ms, *this; }
  TraceBuilder& total_tokens(uint64_t tokens) { return total_tokens_ = tokens, *this; }
  TraceBuilder& cost(double usd) { return trace_.cost_usd = usd, *this; }

  ExecutionTrace build() const {
    ExecutionTrace t = trace_;
    uint64_t duration = 0, tokens = 0;
    for (const auto& n : t.nodes_executed) duration += n.duration_ms, tokens += n.tokens_used;
    t.total_duration_ms = total_duration_.value_or(duration);
    t.total_tokens = total_tokens_.value_or(tokens);
    t.completed = completed_.value_or(t.errors.empty());
    if (t.started_at) {
      if (auto start = parse_rfc3339_ms(*t.started_at)) {
        int64_t at = *start;
        for (auto& n : t.nodes_executed) {
          if (!n.started_at) n.started_at = format_rfc3339_ms(at);
          at += static_cast<int64_t>(n.duration_ms);
        }
        if (!t.ended_at) t.ended_at = format_rfc3339_ms(*start + static_cast<int64_t>(t.total_duration_ms));
      }
    }
    return t;
  }

 private:
  ExecutionTrace trace_;
  std::optional<bool> completed_;
  std::optional<uint64_t> total_duration_;
  std::optional<uint64_t> total_tokens_;
};

// ------------------------------------------------------------ gaps

class GapBuilder {
 public:
  GapBuilder() {
    gap_.description = "Test gap";
    gap_.category.value = GapCategory::PerformanceGap{"test_node"};
    gap_.manifestation.value = GapManifestation::SuboptimalPaths{"test_node is slow"};
    gap_.proposed_solution = "Optimize test_node";
    gap_.expected_impact = impact_medium("Medium impact");
    gap_.confidence = 0.8;
    gap_.key = "performance:node:test_node";
    gap_.source = "test";
  }
  GapBuilder& description(std::string d) { return gap_.description = std::move(d), *this; }
  GapBuilder& solution(std::string s) { return gap_.proposed_solution = std::move(s), *this; }
  GapBuilder& confidence(double c) { return gap_.confidence = clamp01(c), *this; }
  GapBuilder& impact(Impact i) { return gap_.expected_impact = std::move(i), *this; }
  GapBuilder& high_impact() { return impact(impact_high("High impact")); }
  GapBuilder& low_impact() { return impact(impact_low("Low impact")); }
  GapBuilder& key(std::string k) { return gap_.key = std::move(k), *this; }
  GapBuilder& source(std::string s) { return gap_.source = std::move(s), *this; }
  GapBuilder& evidence(Citation c) { return gap_.evidence.push_back(std::move(c)), *this; }
  GapBuilder& category(GapCategory c) { return gap_.category = std::move(c), *this; }
  GapBuilder& manifestation(GapManifestation m) { return gap_.manifestation = std::move(m), *this; }

  GapBuilder& performance(const std::string& node, std::string bottleneck = "") {
    gap_.category.value = GapCategory::PerformanceGap{bottleneck.empty() ? node : std::move(bottleneck)};
    gap_.key = "performance:node:" + node;
    return *this;
  }
  GapBuilder& missing_tool(const std::string& tool, uint64_t errors = 1) {
    gap_.category.value = GapCategory::MissingTool{"Tool '" + tool + "' referenced but not available"};
    gap_.manifestation.value = GapManifestation::Errors{errors, {"tool '" + tool + "' not found"}};
    gap_.key = "missing_tool:tool:" + tool;
    return *this;
  }
  GapBuilder& retries(const std::string& node, double rate) {
    gap_.category.value = GapCategory::InadequateFunctionality{node, "High retry rate"};
    gap_.manifestation.value = GapManifestation::Retries{rate, {node}};
    gap_.key = "retry:node:" + node;
    return *this;
  }

  CapabilityGap build() const { return gap_; }

 private:
  CapabilityGap gap_;
};

// ------------------------------------------------------------ plans

class PlanBuilder {
 public:
  PlanBuilder() {
    plan_.id = "00000000-0000-4000-8000-00000000a001";
    plan_.title = "Test plan";
    plan_.description = "Plan built for a test";
    plan_.category = PlanCategory::Optimization;
    plan_.priority = 2;
    plan_.rollback_plan = "Revert the change";
    plan_.status.value = PlanStatus::Proposed{};
  }
  PlanBuilder& id(std::string v) { return plan_.id = std::move(v), *this; }
  PlanBuilder& title(std::string v) { return plan_.title = std::move(v), *this; }
  PlanBuilder& description(std::string v) { return plan_.description = std::move(v), *this; }
  PlanBuilder& category(PlanCategory c) { return plan_.category = c, *this; }
  PlanBuilder& priority(uint8_t p) { return plan_.priority = p, *this; }
  PlanBuilder& commits(uint8_t n) { return plan_.estimated_commits = n, *this; }
  PlanBuilder& fingerprint(std::string f) { return plan_.fingerprint = std::move(f), *this; }
  PlanBuilder& citation(Citation c) { return plan_.citations.push_back(std::move(c)), *this; }
  // Steps are numbered from 1 in the order added.
  PlanBuilder& step(std::string action, std::vector<std::string> files = {}, std::string verification = "tests pass") {
    ImplementationStep s;
    s.order = static_cast<uint8_t>(plan_.steps.size() + 1);
    s.action = std::move(action);
    s.files = std::move(files);
    s.verification = std::move(verification);
    plan_.steps.push_back(std::move(s));
    return *this;
  }
  PlanBuilder& criterion(std::string c) { return plan_.success_criteria.push_back(std::move(c)), *this; }
  // Validated with the score clamped to [0,1].
  PlanBuilder& validated(double score) {
    plan_.validation_score = clamp01(score);
    plan_.status.value = PlanStatus::Validated{};
    return *this;
  }
  PlanBuilder& in_progress(std::string assignee = "test-assignee", std::string started = kFixedTimestamp) {
    plan_.status.value = PlanStatus::InProgress{std::move(started), std::move(assignee)};
    return *this;
  }
  PlanBuilder& implemented(std::string commit_hash = "abc1234", std::string completed = kFixedTimestamp) {
    plan_.status.value = PlanStatus::Implemented{std::move(completed), std::move(commit_hash)};
    return *this;
  }
  PlanBuilder& failed(std::string reason) {
    plan_.status.value = PlanStatus::Failed{std::move(reason)};
    return *this;
  }

  ExecutionPlan build() const { return plan_; }

 private:
  ExecutionPlan plan_;
};

// ------------------------------------------------------------ hypotheses

class HypothesisBuilder {
 public:
  HypothesisBuilder() {
    h_.id = "00000000-0000-4000-8000-00000000b001";
    h_.statement = "Test hypothesis";
    h_.reasoning = "Generated for testing";
    h_.evaluation_trigger.kind = EvaluationTrigger::Kind::AfterExecutions;
    h_.evaluation_trigger.executions = 50;
    h_.created_at = kFixedTimestamp;
  }
  HypothesisBuilder& id(std::string v) { return h_.id = std::move(v), *this; }
  HypothesisBuilder& statement(std::string v) { return h_.statement = std::move(v), *this; }
  HypothesisBuilder& reasoning(std::string v) { return h_.reasoning = std::move(v), *this; }
  HypothesisBuilder& source(HypothesisSource s) { return h_.source = s, *this; }
  HypothesisBuilder& fingerprint(std::string f) { return h_.fingerprint = std::move(f), *this; }
  HypothesisBuilder& created_at(std::string ts) { return h_.created_at = std::move(ts), *this; }
  HypothesisBuilder& evidence(std::string metric, std::string expected, std::string method = "Measured in tests") {
    h_.expected_evidence.push_back(ExpectedEvidence{std::move(metric), std::move(expected), std::move(method)});
    return *this;
  }
  HypothesisBuilder& after_executions(uint64_t n) {
    h_.evaluation_trigger = EvaluationTrigger{};
    h_.evaluation_trigger.kind = EvaluationTrigger::Kind::AfterExecutions;
    h_.evaluation_trigger.executions = n;
    return *this;
  }
  HypothesisBuilder& after_plan(std::string plan_id) {
    h_.evaluation_trigger = EvaluationTrigger{};
    h_.evaluation_trigger.kind = EvaluationTrigger::Kind::AfterPlan;
    h_.evaluation_trigger.plan_id = std::move(plan_id);
    return *this;
  }
  HypothesisBuilder& baseline(ReportExecutionSummary s, uint64_t trace_count) {
    h_.baseline = std::move(s);
    h_.baseline_trace_count = trace_count;
    return *this;
  }
  // Evaluated, and the prediction held.
  HypothesisBuilder& confirmed() { return evaluated(true); }
  // Evaluated, and the prediction did not hold (DashFlow's builder said
  // correct=true here too; ours does not).
  HypothesisBuilder& rejected() { return evaluated(false); }

  Hypothesis build() const { return h_; }

 private:
  HypothesisBuilder& evaluated(bool correct) {
    h_.status = HypothesisStatus{HypothesisStatus::Kind::Evaluated, ""};
    HypothesisOutcome o;
    o.correct = correct;
    o.analysis = correct ? "Hypothesis validated. All expected evidence items matched observations."
                         : "Hypothesis failed. Expected evidence did not match observations.";
    if (!correct) o.improvements_for_future = {"Consider more conservative improvement estimates"};
    h_.outcome = std::move(o);
    return *this;
  }

  Hypothesis h_;
};

// ------------------------------------------------------------ reports

class ReportBuilder {
 public:
  ReportBuilder() {
    r_.id = "00000000-0000-4000-8000-00000000c001";
    r_.timestamp = kFixedTimestamp;
    r_.scope.kind = IntrospectionScope::Kind::System;
    executions(100).success_rate(0.90).avg_duration(200.0);
  }
  ReportBuilder& id(std::string v) { return r_.id = std::move(v), *this; }
  ReportBuilder& timestamp(std::string v) { return r_.timestamp = std::move(v), *this; }
  ReportBuilder& previous(std::string id) { return r_.previous_report_id = std::move(id), *this; }
  ReportBuilder& depth(AnalysisDepth d) { return r_.depth = d, *this; }
  ReportBuilder& executions(uint64_t n) {
    r_.execution_summary.total_executions = n;
    return update_counts();
  }
  ReportBuilder& success_rate(double rate) {
    r_.execution_summary.success_rate = clamp01(rate);
    return update_counts();
  }
  ReportBuilder& avg_duration(double ms) { return r_.execution_summary.avg_duration_ms = ms, *this; }
  ReportBuilder& retry_rate(double rate) { return r_.execution_summary.retry_rate = rate, *this; }
  ReportBuilder& vs_previous(ComparisonMetrics c) { return r_.execution_summary.vs_previous = c, *this; }

  // A performance gap on "test_node" with confidence 0.8.
  ReportBuilder& gap() { return gap(GapBuilder().build()); }
  ReportBuilder& gap(CapabilityGap g) {
    for (const auto& c : g.evidence) r_.citations.push_back(c);
    r_.capability_gaps.push_back(std::move(g));
    return *this;
  }
  // A node with no recent use: usage 0, "Unused for 30+ days", confidence 0.9.
  ReportBuilder& deprecation(const std::string& node_name) {
    DeprecationRecommendation d;
    d.target.value = DeprecationTarget::Node{node_name, 0};
    d.rationale = "Unused for 30+ days";
    d.confidence = 0.9;
    d.key = "unused:node:" + node_name;
    d.source = "test";
    r_.deprecations.push_back(std::move(d));
    return *this;
  }
  ReportBuilder& plan(ExecutionPlan p) { return r_.execution_plans.push_back(std::move(p)), *this; }
  ReportBuilder& hypothesis(Hypothesis h) { return r_.hypotheses.push_back(std::move(h)), *this; }

  IntrospectionReport build() const {
    IntrospectionReport r = r_;
    r.retrospective.actual_execution = r.execution_summary;
    return r;
  }

 private:
  ReportBuilder& update_counts() {
    auto& s = r_.execution_summary;
    s.successful_executions = static_cast<uint64_t>(static_cast<double>(s.total_executions) * s.success_rate + 0.5);
    s.failed_executions = s.total_executions - s.successful_executions;
    return *this;
  }

  IntrospectionReport r_;
};

}  // namespace dashflow::testing
