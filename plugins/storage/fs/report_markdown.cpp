#include "report_markdown.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdarg>

#include "dashflow/time.hpp"

namespace dashflow::fsstore {
namespace {

std::string fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* format, ...) {
  char buf[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
}

std::string pct(double fraction) { return fmt("%.1f%%", fraction * 100.0); }

// "ApplicationImprovement" -> "Application improvement"
std::string words(const std::string& camel) {
  std::string out;
  for (size_t i = 0; i < camel.size(); ++i) {
    const char c = camel[i];
    if (i > 0 && c >= 'A' && c <= 'Z') {
      out += ' ';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// "2025-12-15T10:30:00" (UTC) from an RFC 3339 timestamp.
std::string seconds_utc(const Timestamp& ts) {
  if (auto ms = parse_rfc3339_ms(ts)) return format_rfc3339_ms(*ms / 1000 * 1000).substr(0, 19);
  return ts;
}

std::string minutes_utc(const Timestamp& ts) {
  std::string s = seconds_utc(ts);
  if (s.size() >= 16) {
    s = s.substr(0, 16);
    s[10] = ' ';
  }
  return s;
}

std::string scope_text(const IntrospectionScope& s) {
  switch (s.kind) {
    case IntrospectionScope::Kind::Execution: return "Execution (thread: " + s.thread_id + ")";
    case IntrospectionScope::Kind::GraphAggregate:
      return "GraphAggregate (" + s.graph_id + ", " + std::to_string(s.execution_count) + " executions)";
    case IntrospectionScope::Kind::TimeWindow:
      return "TimeWindow (" + minutes_utc(s.start) + " to " + minutes_utc(s.end) + ")";
    case IntrospectionScope::Kind::Periodic:
      return "Periodic (every " + std::to_string(s.period) + " executions, iteration " + std::to_string(s.iteration) +
             ")";
    case IntrospectionScope::Kind::System: return "System-wide";
  }
  return "System-wide";
}

std::string depth_text(AnalysisDepth d) {
  switch (d) {
    case AnalysisDepth::Metrics: return "Metrics";
    case AnalysisDepth::LocalAnalysis: return "Local analysis";
    case AnalysisDepth::DeepAnalysis: return "Deep analysis";
  }
  return "Local analysis";
}

std::string category_text(const GapCategory& c) {
  if (auto* v = std::get_if<GapCategory::MissingNode>(&c.value)) return "Missing node: " + v->suggested_signature;
  if (auto* v = std::get_if<GapCategory::MissingTool>(&c.value)) return "Missing tool: " + v->tool_description;
  if (auto* v = std::get_if<GapCategory::InadequateFunctionality>(&c.value))
    return "Inadequate functionality in '" + v->node + "': " + v->limitation;
  if (auto* v = std::get_if<GapCategory::MissingIntegration>(&c.value))
    return "Missing integration: " + v->external_system;
  if (auto* v = std::get_if<GapCategory::PerformanceGap>(&c.value)) return "Performance gap: " + v->bottleneck;
  return "Unknown";
}

std::string manifestation_text(const GapManifestation& m) {
  if (auto* v = std::get_if<GapManifestation::Errors>(&m.value))
    return "Errors (" + std::to_string(v->count) + " occurrences): " + join(v->sample_messages, "; ");
  if (auto* v = std::get_if<GapManifestation::Retries>(&m.value))
    return "High retry rate (" + pct(v->rate) + ") in nodes: " + join(v->affected_nodes, ", ");
  if (auto* v = std::get_if<GapManifestation::PromptWorkarounds>(&m.value))
    return "Prompt workarounds detected: " + join(v->patterns, ", ");
  if (auto* v = std::get_if<GapManifestation::SuboptimalPaths>(&m.value))
    return "Suboptimal execution path: " + v->description;
  if (auto* v = std::get_if<GapManifestation::MissingContext>(&m.value)) return "Missing context: " + v->what;
  return "Unknown";
}

// DashFlow's CapabilityGap::priority(): impact score x confidence.
std::string gap_priority(const CapabilityGap& gap) {
  const Impact& i = gap.expected_impact;
  double score = 0.4 * std::min(i.error_reduction, 1.0) + 0.3 * std::min(i.latency_reduction_ms / 500.0, 1.0) +
                 0.3 * std::min(i.accuracy_improvement, 1.0);
  score = std::clamp(score, 0.0, 1.0) * gap.confidence;
  return score > 0.7 ? "High" : score > 0.4 ? "Medium" : "Low";
}

std::string target_text(const DeprecationTarget& t) {
  if (auto* v = std::get_if<DeprecationTarget::Node>(&t.value))
    return "Node '" + v->name + "' (used " + std::to_string(v->usage_count) + " times)";
  if (auto* v = std::get_if<DeprecationTarget::Tool>(&t.value))
    return "Tool '" + v->name + "' (" + (v->last_used ? "last used " + *v->last_used : std::string("never used")) + ")";
  if (auto* v = std::get_if<DeprecationTarget::Edge>(&t.value)) return "Edge " + v->from + " -> " + v->to;
  if (auto* v = std::get_if<DeprecationTarget::Feature>(&t.value)) return "Feature '" + v->name + "'";
  if (auto* v = std::get_if<DeprecationTarget::CodePath>(&t.value)) return "Code path " + v->location;
  return "Unknown";
}

std::string status_text(const PlanStatus& s) {
  if (std::holds_alternative<PlanStatus::Proposed>(s.value)) return "Proposed";
  if (std::holds_alternative<PlanStatus::Validated>(s.value)) return "Validated";
  if (auto* v = std::get_if<PlanStatus::InProgress>(&s.value))
    return "In progress" + (v->assignee.empty() ? std::string() : " (assignee " + v->assignee + ")") +
           (v->started.empty() ? std::string() : ", started " + seconds_utc(v->started));
  if (auto* v = std::get_if<PlanStatus::Implemented>(&s.value))
    return "Implemented" + (v->completed.empty() ? std::string() : " " + seconds_utc(v->completed)) +
           (v->commit_hash.empty() ? std::string() : " in commit " + v->commit_hash);
  if (auto* v = std::get_if<PlanStatus::Failed>(&s.value)) return "Failed: " + v->reason;
  if (auto* v = std::get_if<PlanStatus::Superseded>(&s.value)) return "Superseded by " + v->by;
  return "Unknown";
}

std::string status_tag(const PlanStatus& s) {
  static const char* tags[] = {"PROPOSED", "VALIDATED", "IN PROGRESS", "IMPLEMENTED", "FAILED", "SUPERSEDED"};
  return tags[s.value.index()];
}

std::string plan_category_text(PlanCategory c) {
  switch (c) {
    case PlanCategory::Optimization: return "Optimization";
    case PlanCategory::ApplicationImprovement: return "Application improvement";
    case PlanCategory::PlatformImprovement: return "Platform improvement";
    case PlanCategory::ProcessImprovement: return "Process improvement";
  }
  return "Application improvement";
}

std::string assessment_text(Assessment a) {
  switch (a) {
    case Assessment::StronglyAgree: return "Strongly agree";
    case Assessment::Agree: return "Agree";
    case Assessment::Neutral: return "Neutral";
    case Assessment::Disagree: return "Disagree";
    case Assessment::StronglyDisagree: return "Strongly disagree";
  }
  return "Neutral";
}

std::string severity_text(CritiqueSeverity s) {
  switch (s) {
    case CritiqueSeverity::Minor: return "minor";
    case CritiqueSeverity::Moderate: return "moderate";
    case CritiqueSeverity::Major: return "major";
    case CritiqueSeverity::Critical: return "critical";
  }
  return "minor";
}

std::string model_text(const ModelIdentifier& m) {
  return m.provider.empty() ? m.model : m.provider + " " + m.model;
}

std::string proposal_source_text(const ProposalSource& s) {
  switch (s.kind) {
    case ProposalSource::Kind::CapabilityGap: return "capability gap " + std::to_string(s.index + 1);
    case ProposalSource::Kind::Deprecation: return "deprecation " + std::to_string(s.index + 1);
    case ProposalSource::Kind::Retrospective: return "retrospective";
    case ProposalSource::Kind::PatternDetection: return "pattern detection";
    case ProposalSource::Kind::Manual: return "manual";
  }
  return "manual";
}

std::string hypothesis_status_text(const HypothesisStatus& s) {
  switch (s.kind) {
    case HypothesisStatus::Kind::Active: return "Active";
    case HypothesisStatus::Kind::Pending: return "Pending (waiting for " + s.detail + ")";
    case HypothesisStatus::Kind::Evaluated: return "Evaluated";
    case HypothesisStatus::Kind::Superseded: return "Superseded by " + s.detail;
  }
  return "Active";
}

std::string hypothesis_source_text(HypothesisSource s) {
  switch (s) {
    case HypothesisSource::CapabilityGap: return "Capability Gap";
    case HypothesisSource::ExecutionPlan: return "Execution Plan";
    case HypothesisSource::Deprecation: return "Deprecation";
    case HypothesisSource::Manual: return "Manual";
  }
  return "Manual";
}

std::string trigger_text(const EvaluationTrigger& t) {
  switch (t.kind) {
    case EvaluationTrigger::Kind::AfterExecutions: return "after " + std::to_string(t.executions) + " executions";
    case EvaluationTrigger::Kind::AfterDuration: return "after " + std::to_string(t.duration_secs) + " s";
    case EvaluationTrigger::Kind::AfterPlan: return "after plan " + t.plan_id;
    case EvaluationTrigger::Kind::Manual: return "manual";
  }
  return "manual";
}

void bullets(std::string& md, const std::string& heading, const std::vector<std::string>& items) {
  if (items.empty()) return;
  md += heading + "\n\n";
  for (const std::string& s : items) md += "- " + s + "\n";
  md += "\n";
}

void render_summary(std::string& md, const ReportExecutionSummary& s) {
  md += "## Execution Summary\n\n";
  const std::optional<ComparisonMetrics>& d = s.vs_previous;
  if (d) {
    md += "| Metric | Value | vs Previous |\n|--------|-------|-------------|\n";
    md += "| Total Executions | " + std::to_string(s.total_executions) + " | " +
          fmt("%+lld", static_cast<long long>(d->execution_delta)) + " |\n";
    md += "| Success Rate | " + pct(s.success_rate) + " | " + fmt("%+.1f%%", d->success_rate_delta * 100.0) + " |\n";
    md += "| Avg Duration | " + fmt("%.1fms", s.avg_duration_ms) + " | " + fmt("%+.1fms", d->duration_delta_ms) +
          " |\n";
    md += "| Retry Rate | " + pct(s.retry_rate) + " | " + fmt("%+.1f%%", d->retry_rate_delta * 100.0) + " |\n";
  } else {
    md += "| Metric | Value |\n|--------|-------|\n";
    md += "| Total Executions | " + std::to_string(s.total_executions) + " |\n";
    md += "| Success Rate | " + pct(s.success_rate) + " |\n";
    md += "| Avg Duration | " + fmt("%.1fms", s.avg_duration_ms) + " |\n";
    md += "| Retry Rate | " + pct(s.retry_rate) + " |\n";
  }
  md += "\nSuccessful: " + std::to_string(s.successful_executions) + ", failed: " +
        std::to_string(s.failed_executions) + ", total tokens: " + std::to_string(s.total_tokens) +
        fmt(" (%.1f per execution)", s.avg_tokens) + "\n\n";
}

void render_gaps(std::string& md, const std::vector<CapabilityGap>& gaps) {
  md += "## Capability Gap Analysis\n\n";
  if (gaps.empty()) md += "No capability gaps found.\n\n";
  for (size_t i = 0; i < gaps.size(); ++i) {
    const CapabilityGap& g = gaps[i];
    md += "### Gap " + std::to_string(i + 1) + ": " + g.description + " [" + gap_priority(g) + "]\n\n";
    md += "**Category:** " + category_text(g.category) + "\n\n";
    if (!g.evidence.empty()) {
      std::vector<std::string> ids;
      for (const Citation& c : g.evidence) ids.push_back(c.id);
      md += "**Evidence:** [" + join(ids, ", ") + "]\n\n";
    }
    md += "**Manifestation:** " + manifestation_text(g.manifestation) + "\n\n";
    md += "**Proposed Solution:** " + g.proposed_solution + "\n\n";
    md += "**Expected Impact:**\n";
    md += fmt("- Error reduction: ~%.0f%%\n", g.expected_impact.error_reduction * 100.0);
    md += fmt("- Latency reduction: ~%.0fms\n", g.expected_impact.latency_reduction_ms);
    md += fmt("- Accuracy improvement: ~%.0f%%\n", g.expected_impact.accuracy_improvement * 100.0);
    if (!g.expected_impact.description.empty()) md += "- " + g.expected_impact.description + "\n";
    md += fmt("\n**Confidence:** %.0f%%\n\n", g.confidence * 100.0);
  }
}

void render_deprecations(std::string& md, const std::vector<DeprecationRecommendation>& deps) {
  md += "## Deprecation Recommendations\n\n";
  if (deps.empty()) md += "No deprecations recommended.\n\n";
  for (size_t i = 0; i < deps.size(); ++i) {
    const DeprecationRecommendation& d = deps[i];
    md += "### Deprecation " + std::to_string(i + 1) + ": " + target_text(d.target) + "\n\n";
    md += "**Rationale:** " + d.rationale + "\n\n";
    bullets(md, "**Benefits:**", d.benefits);
    bullets(md, "**Risks:**", d.risks);
    if (d.migration_path) md += "**Migration Path:** " + *d.migration_path + "\n\n";
    md += fmt("**Confidence:** %.0f%%\n\n", d.confidence * 100.0);
  }
}

void render_retrospective(std::string& md, const RetrospectiveAnalysis& r) {
  if (r.counterfactuals.empty() && r.missing_tools.empty() && r.application_insights.empty() &&
      r.task_insights.empty() && r.platform_insights.empty())
    return;
  md += "## Retrospective Analysis\n\n";
  if (!r.counterfactuals.empty()) {
    md += "### Counterfactuals\n\n";
    for (const Counterfactual& c : r.counterfactuals) {
      md += "- **" + c.alternative + "**: " + c.expected_outcome + " (not taken: " + c.why_not_taken +
            fmt("; confidence %.0f%%)\n", c.confidence * 100.0);
    }
    md += "\n";
  }
  if (!r.missing_tools.empty()) {
    md += "### Missing Tools\n\n";
    for (const MissingToolAnalysis& t : r.missing_tools) {
      md += "- **" + t.tool_name + "**: " + t.description + ". " + t.benefit + "\n";
    }
    md += "\n";
  }
  bullets(md, "### Application Insights", r.application_insights);
  bullets(md, "### Task Insights", r.task_insights);
  bullets(md, "### Platform Insights", r.platform_insights);
}

void render_proposals(std::string& md, const std::vector<ImprovementProposal>& proposals) {
  if (proposals.empty()) return;
  md += "## Improvement Proposals\n\n";
  for (const ImprovementProposal& p : proposals) {
    md += "### " + p.title + "\n\n";
    md += "**Source:** " + proposal_source_text(p.source) + fmt(", initial confidence %.0f%%", p.initial_confidence * 100.0) +
          "\n\n" + p.description + "\n\n";
  }
}

void render_patterns(std::string& md, const std::vector<DetectedPattern>& patterns) {
  if (patterns.empty()) return;
  md += "## Detected Patterns\n\n";
  for (const DetectedPattern& p : patterns) {
    md += "- **" + words(p.pattern_type) + "**: " + p.description + " (" + std::to_string(p.occurrences) +
          " occurrences" + (p.affected_nodes.empty() ? std::string() : "; nodes: " + join(p.affected_nodes, ", ")) +
          fmt("; confidence %.0f%%)", p.confidence * 100.0) +
          (p.suggestion.empty() ? std::string() : ". Suggestion: " + p.suggestion) + "\n";
  }
  md += "\n";
}

void render_consensus(std::string& md, const ConsensusResult& c, const std::string& heading) {
  md += heading + "\n\n";
  md += fmt("**Consensus Score:** %.2f\n\n", c.consensus_score);
  md += std::string("**Validated:** ") + (c.validated ? "yes" : "no") + "\n\n";
  for (const ModelReview& r : c.reviews) {
    md += "- **" + model_text(r.model) + "**: " + assessment_text(r.assessment) +
          fmt(" (confidence %.0f%%)", r.confidence * 100.0) + "\n";
    for (const Critique& k : r.critiques) {
      md += "  - " + severity_text(k.severity) + " critique of " + k.target + ": " + k.criticism +
            (k.suggested_fix ? " (fix: " + *k.suggested_fix + ")" : std::string()) + "\n";
    }
  }
  if (!c.reviews.empty()) md += "\n";
  bullets(md, "**Agreements:**", c.agreements);
  if (!c.disagreements.empty()) {
    md += "**Disagreements:**\n\n";
    for (const Disagreement& d : c.disagreements) md += "- " + d.topic + ": " + d.position_a + " vs " + d.position_b + "\n";
    md += "\n";
  }
  if (!c.synthesis.empty()) md += "**Synthesis:** " + c.synthesis + "\n\n";
  bullets(md, "**Modifications:**", c.modifications);
  bullets(md, "**Failed reviews:**", c.failures);
}

void render_plans(std::string& md, const std::vector<ExecutionPlan>& plans) {
  md += "## Execution Plans\n\n";
  if (plans.empty()) md += "No execution plans.\n\n";
  for (const ExecutionPlan& p : plans) {
    md += "### Plan " + p.id + ": " + p.title + " [" + status_tag(p.status) + "]\n\n";
    md += "**Status:** " + status_text(p.status) + "\n\n";
    md += "**Priority:** " + std::to_string(p.priority) + " | **Category:** " + plan_category_text(p.category) +
          " | **Estimated Commits:** " + std::to_string(p.estimated_commits) +
          fmt(" | **Validation Score:** %.2f", p.validation_score) +
          (p.occurrences > 1 ? " | **Seen in runs:** " + std::to_string(p.occurrences) : std::string()) + "\n\n";
    if (!p.description.empty()) md += p.description + "\n\n";
    if (!p.steps.empty()) {
      md += "**Steps:**\n\n";
      for (const ImplementationStep& s : p.steps) {
        md += std::to_string(s.order) + ". " + s.action;
        if (!s.files.empty()) md += " (files: " + join(s.files, ", ") + ")";
        if (!s.verification.empty()) md += " - verify: " + s.verification;
        md += "\n";
      }
      md += "\n";
    }
    bullets(md, "**Success Criteria:**", p.success_criteria);
    if (!p.rollback_plan.empty()) md += "**Rollback:** " + p.rollback_plan + "\n\n";
  }
}

void render_hypotheses(std::string& md, const std::vector<Hypothesis>& hypotheses) {
  md += "## Hypotheses\n\n";
  if (hypotheses.empty()) md += "No hypotheses.\n\n";
  for (const Hypothesis& h : hypotheses) {
    md += "### Hypothesis " + h.id + "\n\n";
    md += "**Statement:** " + h.statement + "\n\n";
    md += "**Status:** " + hypothesis_status_text(h.status) + " | **Source:** " + hypothesis_source_text(h.source) +
          " | **Evaluate:** " + trigger_text(h.evaluation_trigger) + "\n\n";
    if (!h.reasoning.empty()) md += "**Reasoning:** " + h.reasoning + "\n\n";
    if (!h.expected_evidence.empty()) {
      md += "**Expected Evidence:**\n\n";
      for (const ExpectedEvidence& e : h.expected_evidence)
        md += "- " + e.metric + ": " + e.expected_value + " (" + e.measurement_method + ")\n";
      md += "\n";
    }
    if (h.outcome) {
      md += std::string("**Outcome:** ") + (h.outcome->correct ? "confirmed" : "not confirmed") +
            (h.outcome->analysis.empty() ? std::string() : ". " + h.outcome->analysis) + "\n\n";
      for (const ObservedEvidence& e : h.outcome->observed_evidence)
        md += "- " + e.metric + ": " + e.observed_value + (e.matches_expected ? " (as expected)" : " (not as expected)") +
              "\n";
      if (!h.outcome->observed_evidence.empty()) md += "\n";
    }
    bullets(md, "**Lessons:**", h.lessons);
  }
}

}  // namespace

std::string render_report_markdown(const IntrospectionReport& r) {
  std::string md;
  md += "# Introspection Report: " + seconds_utc(r.timestamp) + "\n\n";
  md += "**Report ID:** " + r.id + "\n";
  md += "**Scope:** " + scope_text(r.scope) + "\n";
  md += "**Depth:** " + depth_text(r.depth) + "\n";
  if (!r.reason.empty()) md += "**Reason:** " + r.reason + "\n";
  if (r.previous_report_id) md += "**Previous Report:** " + *r.previous_report_id + "\n";
  md += "\n---\n\n";
  render_summary(md, r.execution_summary);
  md += "---\n\n";
  render_gaps(md, r.capability_gaps);
  md += "---\n\n";
  render_deprecations(md, r.deprecations);
  md += "---\n\n";
  render_retrospective(md, r.retrospective);
  render_proposals(md, r.proposals);
  render_patterns(md, r.patterns);
  if (r.consensus) {
    md += "---\n\n";
    render_consensus(md, *r.consensus, "## Multi-Model Consensus");
  }
  if (!r.plan_reviews.empty()) {
    md += "---\n\n## Plan Reviews\n\n";
    for (const ConsensusResult& c : r.plan_reviews) render_consensus(md, c, "### Review of plan " + c.plan_id);
  }
  md += "---\n\n";
  render_plans(md, r.execution_plans);
  md += "---\n\n";
  render_hypotheses(md, r.hypotheses);
  if (!r.skipped_inputs.empty()) {
    md += "---\n\n## Skipped Inputs\n\n";
    for (const SkippedInput& s : r.skipped_inputs)
      md += "- " + s.source + (s.line > 0 ? ":" + std::to_string(s.line) : std::string()) + ": " + s.reason + "\n";
    md += "\n";
  }
  if (!r.plugin_failures.empty()) {
    md += "---\n\n## Plugin Failures\n\n";
    for (const PluginFailure& f : r.plugin_failures) md += "- " + f.plugin + " (" + f.stage + "): " + f.message + "\n";
    md += "\n";
  }
  if (!r.warnings.empty()) {
    md += "---\n\n";
    bullets(md, "## Warnings", r.warnings);
  }
  md += "---\n\n## Citations\n\n";
  if (r.citations.empty()) md += "No citations.\n";
  for (const Citation& c : r.citations) md += "- " + c.id + ": " + c.description + "\n";
  return md;
}

}  // namespace dashflow::fsstore
