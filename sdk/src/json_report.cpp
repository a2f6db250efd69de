// JSON for reports and what they contain: citations, gaps, deprecations,
// retrospective, proposals, consensus, scope; plus our alerts and the
// meta-analysis result (reference/dashflow-core.md §2.1-§2.4, §2.7, §6.2).
#include "json_support.hpp"

namespace dashflow {

using namespace detail;

// ------------------------------------------------------------ ModelIdentifier

void to_json(json& j, const ModelIdentifier& v) {
  json body = json::object();
  if (v.provider == "Anthropic" || v.provider == "OpenAI" || v.provider == "Google") {
    body["model"] = v.model;
    j = tagged(v.provider.c_str(), std::move(body));
    return;
  }
  body["provider"] = v.provider;
  body["model"] = v.model;
  j = tagged("Other", std::move(body));
}

void from_json(const json& j, ModelIdentifier& v) {
  const Tagged t = read_tag(j);
  v = ModelIdentifier{};
  if (t.tag == "Anthropic" || t.tag == "OpenAI" || t.tag == "Google") {
    v.provider = t.tag;
    read_variant(t, [&](const json& b) { required(b, "model", v.model); });
  } else if (t.tag == "Other") {
    read_variant(t, [&](const json& b) {
      required(b, "provider", v.provider);
      required(b, "model", v.model);
    });
  } else {
    unknown_variant(t.tag, {"Anthropic", "OpenAI", "Google", "Other"});
  }
}

// ------------------------------------------------------------ citations

void to_json(json& j, const CitationSource& v) {
  json b = json::object();
  if (auto* s = std::get_if<CitationSource::ExecutionTrace>(&v.value)) {
    b["thread_id"] = s->thread_id;
    b["timestamp"] = s->timestamp;
    j = tagged("ExecutionTrace", std::move(b));
  } else if (auto* s = std::get_if<CitationSource::Aggregation>(&v.value)) {
    b["query"] = s->query;
    b["result_summary"] = s->result_summary;
    j = tagged("Aggregation", std::move(b));
  } else if (auto* s = std::get_if<CitationSource::IntrospectionReport>(&v.value)) {
    b["report_id"] = s->report_id;
    j = tagged("IntrospectionReport", std::move(b));
  } else if (auto* s = std::get_if<CitationSource::GitCommit>(&v.value)) {
    b["hash"] = s->hash;
    b["message_summary"] = s->message_summary;
    j = tagged("GitCommit", std::move(b));
  } else if (auto* s = std::get_if<CitationSource::ModelReview>(&v.value)) {
    b["model"] = s->model;
    b["timestamp"] = s->timestamp;
    j = tagged("ModelReview", std::move(b));
  } else {
    const auto& l = std::get<CitationSource::LogFile>(v.value);
    b["path"] = l.path;
    b["line_range"] = value_or_null(l.line_range);
    j = tagged("LogFile", std::move(b));
  }
}

void from_json(const json& j, CitationSource& v) {
  const Tagged t = read_tag(j);
  if (t.tag == "ExecutionTrace") {
    CitationSource::ExecutionTrace s;
    read_variant(t, [&](const json& b) {
      required(b, "thread_id", s.thread_id);
      required(b, "timestamp", s.timestamp);
    });
    v.value = s;
  } else if (t.tag == "Aggregation") {
    CitationSource::Aggregation s;
    read_variant(t, [&](const json& b) {
      required(b, "query", s.query);
      required(b, "result_summary", s.result_summary);
    });
    v.value = s;
  } else if (t.tag == "IntrospectionReport") {
    CitationSource::IntrospectionReport s;
    read_variant(t, [&](const json& b) { required(b, "report_id", s.report_id); });
    v.value = s;
  } else if (t.tag == "GitCommit") {
    CitationSource::GitCommit s;
    read_variant(t, [&](const json& b) {
      required(b, "hash", s.hash);
      required(b, "message_summary", s.message_summary);
    });
    v.value = s;
  } else if (t.tag == "ModelReview") {
    CitationSource::ModelReview s;
    read_variant(t, [&](const json& b) {
      required(b, "model", s.model);
      required(b, "timestamp", s.timestamp);
    });
    v.value = s;
  } else if (t.tag == "LogFile") {
    CitationSource::LogFile s;
    read_variant(t, [&](const json& b) {
      required(b, "path", s.path);
      optional(b, "line_range", s.line_range);
    });
    v.value = s;
  } else {
    unknown_variant(t.tag, {"ExecutionTrace", "Aggregation", "IntrospectionReport", "GitCommit", "ModelReview", "LogFile"});
  }
}

namespace {
struct RetrievalName {
  CitationRetrieval::Kind kind;
  const char* tag;
  const char* field;
};
constexpr RetrievalName kRetrievals[] = {{CitationRetrieval::Kind::TraceStorage, "TraceStorage", "query"},
                                         {CitationRetrieval::Kind::Git, "Git", "command"},
                                         {CitationRetrieval::Kind::File, "File", "path"},
                                         {CitationRetrieval::Kind::Inline, "Inline", "data"}};
}  // namespace

void to_json(json& j, const CitationRetrieval& v) {
  for (const auto& r : kRetrievals) {
    if (r.kind == v.kind) {
      json b = json::object();
      b[r.field] = v.value;
      j = tagged(r.tag, std::move(b));
      return;
    }
  }
}

void from_json(const json& j, CitationRetrieval& v) {
  const Tagged t = read_tag(j);
  for (const auto& r : kRetrievals) {
    if (t.tag == r.tag) {
      v.kind = r.kind;
      read_variant(t, [&](const json& b) { required(b, r.field, v.value); });
      return;
    }
  }
  unknown_variant(t.tag, {"TraceStorage", "Git", "File", "Inline"});
}

void to_json(json& j, const Citation& v) {
  j = json::object();
  j["id"] = v.id;
  j["source_type"] = v.source_type;
  j["description"] = v.description;
  j["retrieval"] = v.retrieval;
}

void from_json(const json& j, Citation& v) {
  expect_object(j);
  required(j, "id", v.id);
  required(j, "source_type", v.source_type);
  required(j, "description", v.description);
  required(j, "retrieval", v.retrieval);
}

// ------------------------------------------------------------ gaps

void to_json(json& j, const Impact& v) {
  j = json::object();
  j["error_reduction"] = v.error_reduction;
  j["latency_reduction_ms"] = v.latency_reduction_ms;
  j["accuracy_improvement"] = v.accuracy_improvement;
  j["description"] = v.description;
}

void from_json(const json& j, Impact& v) {
  expect_object(j);
  required(j, "error_reduction", v.error_reduction);
  required(j, "latency_reduction_ms", v.latency_reduction_ms);
  required(j, "accuracy_improvement", v.accuracy_improvement);
  required(j, "description", v.description);
}

void to_json(json& j, const GapCategory& v) {
  json b = json::object();
  if (auto* s = std::get_if<GapCategory::MissingNode>(&v.value)) {
    b["suggested_signature"] = s->suggested_signature;
  } else if (auto* s = std::get_if<GapCategory::MissingTool>(&v.value)) {
    b["tool_description"] = s->tool_description;
  } else if (auto* s = std::get_if<GapCategory::InadequateFunctionality>(&v.value)) {
    b["node"] = s->node;
    b["limitation"] = s->limitation;
  } else if (auto* s = std::get_if<GapCategory::MissingIntegration>(&v.value)) {
    b["external_system"] = s->external_system;
  } else {
    b["bottleneck"] = std::get<GapCategory::PerformanceGap>(v.value).bottleneck;
  }
  j = tagged(category_name(v).c_str(), std::move(b));
}

void from_json(const json& j, GapCategory& v) {
  const Tagged t = read_tag(j);
  if (t.tag == "MissingNode") {
    GapCategory::MissingNode s;
    read_variant(t, [&](const json& b) { required(b, "suggested_signature", s.suggested_signature); });
    v.value = s;
  } else if (t.tag == "MissingTool") {
    GapCategory::MissingTool s;
    read_variant(t, [&](const json& b) { required(b, "tool_description", s.tool_description); });
    v.value = s;
  } else if (t.tag == "InadequateFunctionality") {
    GapCategory::InadequateFunctionality s;
    read_variant(t, [&](const json& b) {
      required(b, "node", s.node);
      required(b, "limitation", s.limitation);
    });
    v.value = s;
  } else if (t.tag == "MissingIntegration") {
    GapCategory::MissingIntegration s;
    read_variant(t, [&](const json& b) { required(b, "external_system", s.external_system); });
    v.value = s;
  } else if (t.tag == "PerformanceGap") {
    GapCategory::PerformanceGap s;
    read_variant(t, [&](const json& b) { required(b, "bottleneck", s.bottleneck); });
    v.value = s;
  } else {
    unknown_variant(t.tag, {"MissingNode", "MissingTool", "InadequateFunctionality", "MissingIntegration", "PerformanceGap"});
  }
}

void to_json(json& j, const GapManifestation& v) {
  json b = json::object();
  if (auto* s = std::get_if<GapManifestation::Errors>(&v.value)) {
    b["count"] = s->count;
    b["sample_messages"] = s->sample_messages;
    j = tagged("Errors", std::move(b));
  } else if (auto* s = std::get_if<GapManifestation::Retries>(&v.value)) {
    b["rate"] = s->rate;
    b["affected_nodes"] = s->affected_nodes;
    j = tagged("Retries", std::move(b));
  } else if (auto* s = std::get_if<GapManifestation::PromptWorkarounds>(&v.value)) {
    b["patterns"] = s->patterns;
    j = tagged("PromptWorkarounds", std::move(b));
  } else if (auto* s = std::get_if<GapManifestation::SuboptimalPaths>(&v.value)) {
    b["description"] = s->description;
    j = tagged("SuboptimalPaths", std::move(b));
  } else {
    b["what"] = std::get<GapManifestation::MissingContext>(v.value).what;
    j = tagged("MissingContext", std::move(b));
  }
}

void from_json(const json& j, GapManifestation& v) {
  const Tagged t = read_tag(j);
  if (t.tag == "Errors") {
    GapManifestation::Errors s;
    read_variant(t, [&](const json& b) {
      required(b, "count", s.count);
      required(b, "sample_messages", s.sample_messages);
    });
    v.value = s;
  } else if (t.tag == "Retries") {
    GapManifestation::Retries s;
    read_variant(t, [&](const json& b) {
      required(b, "rate", s.rate);
      required(b, "affected_nodes", s.affected_nodes);
    });
    v.value = s;
  } else if (t.tag == "PromptWorkarounds") {
    GapManifestation::PromptWorkarounds s;
    read_variant(t, [&](const json& b) { required(b, "patterns", s.patterns); });
    v.value = s;
  } else if (t.tag == "SuboptimalPaths") {
    GapManifestation::SuboptimalPaths s;
    read_variant(t, [&](const json& b) { required(b, "description", s.description); });
    v.value = s;
  } else if (t.tag == "MissingContext") {
    GapManifestation::MissingContext s;
    read_variant(t, [&](const json& b) { required(b, "what", s.what); });
    v.value = s;
  } else {
    unknown_variant(t.tag, {"Errors", "Retries", "PromptWorkarounds", "SuboptimalPaths", "MissingContext"});
  }
}

void to_json(json& j, const CapabilityGap& v) {
  j = json::object();
  j["description"] = v.description;
  j["evidence"] = v.evidence;
  j["manifestation"] = v.manifestation;
  j["proposed_solution"] = v.proposed_solution;
  j["expected_impact"] = v.expected_impact;
  j["confidence"] = v.confidence;
  j["category"] = v.category;
  put_if_nonempty(j, "key", v.key);
  put_if_nonempty(j, "source", v.source);
}

void from_json(const json& j, CapabilityGap& v) {
  expect_object(j);
  v = CapabilityGap{};
  required(j, "description", v.description);
  required(j, "evidence", v.evidence);
  required(j, "manifestation", v.manifestation);
  required(j, "proposed_solution", v.proposed_solution);
  required(j, "expected_impact", v.expected_impact);
  required(j, "confidence", v.confidence);
  required(j, "category", v.category);
  defaulted(j, "key", v.key);
  defaulted(j, "source", v.source);
}

// ------------------------------------------------------------ deprecations

void to_json(json& j, const DeprecationTarget& v) {
  json b = json::object();
  if (auto* s = std::get_if<DeprecationTarget::Node>(&v.value)) {
    b["name"] = s->name;
    b["usage_count"] = s->usage_count;
    j = tagged("Node", std::move(b));
  } else if (auto* s = std::get_if<DeprecationTarget::Tool>(&v.value)) {
    b["name"] = s->name;
    b["last_used"] = value_or_null(s->last_used);
    j = tagged("Tool", std::move(b));
  } else if (auto* s = std::get_if<DeprecationTarget::Edge>(&v.value)) {
    b["from"] = s->from;
    b["to"] = s->to;
    j = tagged("Edge", std::move(b));
  } else if (auto* s = std::get_if<DeprecationTarget::Feature>(&v.value)) {
    b["name"] = s->name;
    j = tagged("Feature", std::move(b));
  } else {
    b["location"] = std::get<DeprecationTarget::CodePath>(v.value).location;
    j = tagged("CodePath", std::move(b));
  }
}

void from_json(const json& j, DeprecationTarget& v) {
  const Tagged t = read_tag(j);
  if (t.tag == "Node") {
    DeprecationTarget::Node s;
    read_variant(t, [&](const json& b) {
      required(b, "name", s.name);
      required(b, "usage_count", s.usage_count);
    });
    v.value = s;
  } else if (t.tag == "Tool") {
    DeprecationTarget::Tool s;
    read_variant(t, [&](const json& b) {
      required(b, "name", s.name);
      optional(b, "last_used", s.last_used);
    });
    v.value = s;
  } else if (t.tag == "Edge") {
    DeprecationTarget::Edge s;
    read_variant(t, [&](const json& b) {
      required(b, "from", s.from);
      required(b, "to", s.to);
    });
    v.value = s;
  } else if (t.tag == "Feature") {
    DeprecationTarget::Feature s;
    read_variant(t, [&](const json& b) { required(b, "name", s.name); });
    v.value = s;
  } else if (t.tag == "CodePath") {
    DeprecationTarget::CodePath s;
    read_variant(t, [&](const json& b) { required(b, "location", s.location); });
    v.value = s;
  } else {
    unknown_variant(t.tag, {"Node", "Tool", "Edge", "Feature", "CodePath"});
  }
}

void to_json(json& j, const DeprecationRecommendation& v) {
  j = json::object();
  j["target"] = v.target;
  j["rationale"] = v.rationale;
  j["evidence"] = v.evidence;
  j["benefits"] = v.benefits;
  j["risks"] = v.risks;
  j["confidence"] = v.confidence;
  j["migration_path"] = value_or_null(v.migration_path);
  put_if_nonempty(j, "key", v.key);
  put_if_nonempty(j, "source", v.source);
}

void from_json(const json& j, DeprecationRecommendation& v) {
  expect_object(j);
  v = DeprecationRecommendation{};
  required(j, "target", v.target);
  required(j, "rationale", v.rationale);
  required(j, "evidence", v.evidence);
  required(j, "benefits", v.benefits);
  required(j, "risks", v.risks);
  required(j, "confidence", v.confidence);
  optional(j, "migration_path", v.migration_path);
  defaulted(j, "key", v.key);
  defaulted(j, "source", v.source);
}

// ------------------------------------------------------------ summaries

void to_json(json& j, const ComparisonMetrics& v) {
  j = json::object();
  j["execution_delta"] = v.execution_delta;
  j["success_rate_delta"] = v.success_rate_delta;
  j["duration_delta_ms"] = v.duration_delta_ms;
  j["retry_rate_delta"] = v.retry_rate_delta;
}

void from_json(const json& j, ComparisonMetrics& v) {
  expect_object(j);
  required(j, "execution_delta", v.execution_delta);
  required(j, "success_rate_delta", v.success_rate_delta);
  required(j, "duration_delta_ms", v.duration_delta_ms);
  required(j, "retry_rate_delta", v.retry_rate_delta);
}

void to_json(json& j, const ReportExecutionSummary& v) {
  j = json::object();
  j["total_executions"] = v.total_executions;
  j["successful_executions"] = v.successful_executions;
  j["failed_executions"] = v.failed_executions;
  j["success_rate"] = v.success_rate;
  j["avg_duration_ms"] = v.avg_duration_ms;
  j["total_tokens"] = v.total_tokens;
  j["avg_tokens"] = v.avg_tokens;
  j["retry_rate"] = v.retry_rate;
  j["vs_previous"] = value_or_null(v.vs_previous);
}

void from_json(const json& j, ReportExecutionSummary& v) {
  expect_object(j);
  v = ReportExecutionSummary{};
  required(j, "total_executions", v.total_executions);
  required(j, "successful_executions", v.successful_executions);
  required(j, "failed_executions", v.failed_executions);
  required(j, "success_rate", v.success_rate);
  required(j, "avg_duration_ms", v.avg_duration_ms);
  required(j, "total_tokens", v.total_tokens);
  required(j, "avg_tokens", v.avg_tokens);
  required(j, "retry_rate", v.retry_rate);
  optional(j, "vs_previous", v.vs_previous);
}

// ------------------------------------------------------------ retrospective

void to_json(json& j, const Counterfactual& v) {
  j = json::object();
  j["alternative"] = v.alternative;
  j["expected_outcome"] = v.expected_outcome;
  j["why_not_taken"] = v.why_not_taken;
  j["confidence"] = v.confidence;
}

void from_json(const json& j, Counterfactual& v) {
  expect_object(j);
  required(j, "alternative", v.alternative);
  required(j, "expected_outcome", v.expected_outcome);
  required(j, "why_not_taken", v.why_not_taken);
  required(j, "confidence", v.confidence);
}

void to_json(json& j, const MissingToolAnalysis& v) {
  j = json::object();
  j["tool_name"] = v.tool_name;
  j["description"] = v.description;
  j["benefit"] = v.benefit;
  j["impact"] = v.impact;
}

void from_json(const json& j, MissingToolAnalysis& v) {
  expect_object(j);
  required(j, "tool_name", v.tool_name);
  required(j, "description", v.description);
  required(j, "benefit", v.benefit);
  required(j, "impact", v.impact);
}

void to_json(json& j, const RetrospectiveAnalysis& v) {
  j = json::object();
  j["actual_execution"] = v.actual_execution;
  j["counterfactuals"] = v.counterfactuals;
  j["missing_tools"] = v.missing_tools;
  j["application_insights"] = v.application_insights;
  j["task_insights"] = v.task_insights;
  j["platform_insights"] = v.platform_insights;
}

void from_json(const json& j, RetrospectiveAnalysis& v) {
  expect_object(j);
  required(j, "actual_execution", v.actual_execution);
  required(j, "counterfactuals", v.counterfactuals);
  required(j, "missing_tools", v.missing_tools);
  required(j, "application_insights", v.application_insights);
  required(j, "task_insights", v.task_insights);
  required(j, "platform_insights", v.platform_insights);
}

// ------------------------------------------------------------ patterns (ours)

void to_json(json& j, const DetectedPattern& v) {
  j = json::object();
  j["description"] = v.description;
  j["pattern_type"] = v.pattern_type;
  j["occurrences"] = v.occurrences;
  j["affected_nodes"] = v.affected_nodes;
  j["confidence"] = v.confidence;
  j["suggestion"] = v.suggestion;
  j["evidence"] = v.evidence;
  put_if_nonempty(j, "key", v.key);
  put_if_nonempty(j, "source", v.source);
}

void from_json(const json& j, DetectedPattern& v) {
  expect_object(j);
  v = DetectedPattern{};
  required(j, "description", v.description);
  required(j, "pattern_type", v.pattern_type);
  required(j, "occurrences", v.occurrences);
  defaulted(j, "affected_nodes", v.affected_nodes);
  required(j, "confidence", v.confidence);
  defaulted(j, "suggestion", v.suggestion);
  defaulted(j, "evidence", v.evidence);
  defaulted(j, "key", v.key);
  defaulted(j, "source", v.source);
}

// ------------------------------------------------------------ proposals

void to_json(json& j, const ProposalSource& v) {
  switch (v.kind) {
    case ProposalSource::Kind::CapabilityGap: j = tagged("CapabilityGap", {{"gap_index", v.index}}); return;
    case ProposalSource::Kind::Deprecation: j = tagged("Deprecation", {{"dep_index", v.index}}); return;
    case ProposalSource::Kind::Retrospective: j = "Retrospective"; return;
    case ProposalSource::Kind::PatternDetection: j = "PatternDetection"; return;
    case ProposalSource::Kind::Manual: j = "Manual"; return;
  }
}

void from_json(const json& j, ProposalSource& v) {
  const Tagged t = read_tag(j);
  v = ProposalSource{};
  if (t.tag == "CapabilityGap") {
    v.kind = ProposalSource::Kind::CapabilityGap;
    read_variant(t, [&](const json& b) { required(b, "gap_index", v.index); });
  } else if (t.tag == "Deprecation") {
    v.kind = ProposalSource::Kind::Deprecation;
    read_variant(t, [&](const json& b) { required(b, "dep_index", v.index); });
  } else if (t.tag == "Retrospective") {
    expect_unit(t);
    v.kind = ProposalSource::Kind::Retrospective;
  } else if (t.tag == "PatternDetection") {
    expect_unit(t);
    v.kind = ProposalSource::Kind::PatternDetection;
  } else if (t.tag == "Manual") {
    expect_unit(t);
    v.kind = ProposalSource::Kind::Manual;
  } else {
    unknown_variant(t.tag, {"CapabilityGap", "Deprecation", "Retrospective", "PatternDetection", "Manual"});
  }
}

void to_json(json& j, const ImprovementProposal& v) {
  j = json::object();
  j["id"] = v.id;
  j["title"] = v.title;
  j["description"] = v.description;
  j["source"] = v.source;
  j["initial_confidence"] = v.initial_confidence;
  j["evidence"] = v.evidence;
}

void from_json(const json& j, ImprovementProposal& v) {
  expect_object(j);
  required(j, "id", v.id);
  required(j, "title", v.title);
  required(j, "description", v.description);
  required(j, "source", v.source);
  required(j, "initial_confidence", v.initial_confidence);
  required(j, "evidence", v.evidence);
}

// ------------------------------------------------------------ consensus

void to_json(json& j, const Critique& v) {
  j = json::object();
  j["target"] = v.target;
  j["criticism"] = v.criticism;
  j["severity"] = v.severity;
  j["suggested_fix"] = value_or_null(v.suggested_fix);
}

void from_json(const json& j, Critique& v) {
  expect_object(j);
  v = Critique{};
  required(j, "target", v.target);
  required(j, "criticism", v.criticism);
  required(j, "severity", v.severity);
  optional(j, "suggested_fix", v.suggested_fix);
}

void to_json(json& j, const ModelReview& v) {
  j = json::object();
  j["model"] = v.model;
  j["assessment"] = v.assessment;
  j["critiques"] = v.critiques;
  j["suggestions"] = v.suggestions;
  j["confidence"] = v.confidence;
  j["raw_response"] = v.raw_response;
}

void from_json(const json& j, ModelReview& v) {
  expect_object(j);
  required(j, "model", v.model);
  required(j, "assessment", v.assessment);
  required(j, "critiques", v.critiques);
  required(j, "suggestions", v.suggestions);
  required(j, "confidence", v.confidence);
  required(j, "raw_response", v.raw_response);
}

void to_json(json& j, const Disagreement& v) {
  j = json::object();
  j["topic"] = v.topic;
  j["position_a"] = v.position_a;
  j["position_b"] = v.position_b;
  j["models_a"] = v.models_a;
  j["models_b"] = v.models_b;
}

void from_json(const json& j, Disagreement& v) {
  expect_object(j);
  required(j, "topic", v.topic);
  required(j, "position_a", v.position_a);
  required(j, "position_b", v.position_b);
  required(j, "models_a", v.models_a);
  required(j, "models_b", v.models_b);
}

void to_json(json& j, const ConsensusResult& v) {
  j = json::object();
  j["reviews"] = v.reviews;
  j["consensus_score"] = v.consensus_score;
  j["agreements"] = v.agreements;
  j["disagreements"] = v.disagreements;
  j["synthesis"] = v.synthesis;
  j["validated"] = v.validated;
  j["modifications"] = v.modifications;
  put_if_nonempty(j, "plan_id", v.plan_id);
  put_if_nonempty(j, "failures", v.failures);
  put_if_set(j, "agreement_kappa", v.agreement_kappa);
  put_if_set(j, "score_spread", v.score_spread);
}

void from_json(const json& j, ConsensusResult& v) {
  expect_object(j);
  v = ConsensusResult{};
  required(j, "reviews", v.reviews);
  required(j, "consensus_score", v.consensus_score);
  required(j, "agreements", v.agreements);
  required(j, "disagreements", v.disagreements);
  required(j, "synthesis", v.synthesis);
  required(j, "validated", v.validated);
  required(j, "modifications", v.modifications);
  defaulted(j, "plan_id", v.plan_id);
  defaulted(j, "failures", v.failures);
  optional(j, "agreement_kappa", v.agreement_kappa);
  optional(j, "score_spread", v.score_spread);
}

// ------------------------------------------------------------ scope

void to_json(json& j, const IntrospectionScope& v) {
  using K = IntrospectionScope::Kind;
  switch (v.kind) {
    case K::Execution: j = tagged("Execution", {{"thread_id", v.thread_id}}); return;
    case K::GraphAggregate:
      j = tagged("GraphAggregate", {{"graph_id", v.graph_id}, {"execution_count", v.execution_count}});
      return;
    case K::TimeWindow: j = tagged("TimeWindow", {{"start", v.start}, {"end", v.end}}); return;
    case K::Periodic: j = tagged("Periodic", {{"period", v.period}, {"iteration", v.iteration}}); return;
    case K::System: j = "System"; return;
  }
}

void from_json(const json& j, IntrospectionScope& v) {
  using K = IntrospectionScope::Kind;
  const Tagged t = read_tag(j);
  v = IntrospectionScope{};
  if (t.tag == "Execution") {
    v.kind = K::Execution;
    read_variant(t, [&](const json& b) { required(b, "thread_id", v.thread_id); });
  } else if (t.tag == "GraphAggregate") {
    v.kind = K::GraphAggregate;
    read_variant(t, [&](const json& b) {
      required(b, "graph_id", v.graph_id);
      required(b, "execution_count", v.execution_count);
    });
  } else if (t.tag == "TimeWindow") {
    v.kind = K::TimeWindow;
    read_variant(t, [&](const json& b) {
      required(b, "start", v.start);
      required(b, "end", v.end);
    });
  } else if (t.tag == "Periodic") {
    v.kind = K::Periodic;
    read_variant(t, [&](const json& b) {
      required(b, "period", v.period);
      required(b, "iteration", v.iteration);
    });
  } else if (t.tag == "System") {
    expect_unit(t);
    v.kind = K::System;
  } else {
    unknown_variant(t.tag, {"Execution", "GraphAggregate", "TimeWindow", "Periodic", "System"});
  }
}

// ------------------------------------------------------------ run problems (ours)

void to_json(json& j, const SkippedInput& v) {
  j = json::object();
  j["source"] = v.source;
  j["line"] = v.line;
  j["reason"] = v.reason;
}

void from_json(const json& j, SkippedInput& v) {
  expect_object(j);
  v = SkippedInput{};
  required(j, "source", v.source);
  defaulted(j, "line", v.line);
  required(j, "reason", v.reason);
}

void to_json(json& j, const PluginFailure& v) {
  j = json::object();
  j["plugin"] = v.plugin;
  j["stage"] = v.stage;
  j["message"] = v.message;
}

void from_json(const json& j, PluginFailure& v) {
  expect_object(j);
  v = PluginFailure{};
  required(j, "plugin", v.plugin);
  defaulted(j, "stage", v.stage);
  required(j, "message", v.message);
}

// ------------------------------------------------------------ report

void to_json(json& j, const IntrospectionReport& v) {
  j = json::object();
  j["id"] = v.id;
  j["timestamp"] = v.timestamp;
  j["scope"] = v.scope;
  j["execution_summary"] = v.execution_summary;
  j["capability_gaps"] = v.capability_gaps;
  j["deprecations"] = v.deprecations;
  j["retrospective"] = v.retrospective;
  j["proposals"] = v.proposals;
  j["consensus"] = value_or_null(v.consensus);
  j["execution_plans"] = v.execution_plans;
  j["hypotheses"] = v.hypotheses;
  j["citations"] = v.citations;
  j["previous_report_id"] = value_or_null(v.previous_report_id);
  j["depth"] = v.depth;
  put_if_nonempty(j, "reason", v.reason);
  put_if_nonempty(j, "patterns", v.patterns);
  put_if_nonempty(j, "plan_reviews", v.plan_reviews);
  put_if_nonempty(j, "skipped_inputs", v.skipped_inputs);
  put_if_nonempty(j, "plugin_failures", v.plugin_failures);
  put_if_nonempty(j, "warnings", v.warnings);
}

void from_json(const json& j, IntrospectionReport& v) {
  expect_object(j);
  v = IntrospectionReport{};
  required(j, "id", v.id);
  required(j, "timestamp", v.timestamp);
  required(j, "scope", v.scope);
  required(j, "execution_summary", v.execution_summary);
  required(j, "capability_gaps", v.capability_gaps);
  required(j, "deprecations", v.deprecations);
  required(j, "retrospective", v.retrospective);
  required(j, "proposals", v.proposals);
  optional(j, "consensus", v.consensus);
  required(j, "execution_plans", v.execution_plans);
  required(j, "hypotheses", v.hypotheses);
  required(j, "citations", v.citations);
  optional(j, "previous_report_id", v.previous_report_id);
  defaulted(j, "depth", v.depth);
  defaulted(j, "reason", v.reason);
  defaulted(j, "patterns", v.patterns);
  defaulted(j, "plan_reviews", v.plan_reviews);
  defaulted(j, "skipped_inputs", v.skipped_inputs);
  defaulted(j, "plugin_failures", v.plugin_failures);
  defaulted(j, "warnings", v.warnings);
}

// ------------------------------------------------------------ alerts (ours)

void to_json(json& j, const Alert& v) {
  j = json::object();
  j["kind"] = v.kind;
  j["severity"] = v.severity;
  j["title"] = v.title;
  j["message"] = v.message;
  j["labels"] = v.labels;
  j["annotations"] = v.annotations;
  j["starts_at"] = v.starts_at;
  put_if_set(j, "ends_at", v.ends_at);
  j["resolved"] = v.resolved;
  j["fingerprint"] = v.fingerprint;
}

void from_json(const json& j, Alert& v) {
  expect_object(j);
  v = Alert{};
  required(j, "kind", v.kind);
  required(j, "severity", v.severity);
  required(j, "title", v.title);
  defaulted(j, "message", v.message);
  defaulted(j, "labels", v.labels);
  defaulted(j, "annotations", v.annotations);
  defaulted(j, "starts_at", v.starts_at);
  optional(j, "ends_at", v.ends_at);
  defaulted(j, "resolved", v.resolved);
  defaulted(j, "fingerprint", v.fingerprint);
}

// ------------------------------------------------------------ meta-analysis

void to_json(json& j, const RecurringPattern& v) {
  j = json::object();
  j["description"] = v.description;
  j["occurrence_count"] = v.occurrence_count;
  j["first_seen"] = v.first_seen;
  j["last_seen"] = v.last_seen;
  j["pattern_type"] = v.pattern_type;
}

void from_json(const json& j, RecurringPattern& v) {
  expect_object(j);
  v = RecurringPattern{};
  required(j, "description", v.description);
  required(j, "occurrence_count", v.occurrence_count);
  required(j, "first_seen", v.first_seen);
  required(j, "last_seen", v.last_seen);
  defaulted(j, "pattern_type", v.pattern_type);
}

void to_json(json& j, const ImprovementMomentum& v) {
  j = json::object();
  j["success_rate_trend"] = v.success_rate_trend;
  j["retry_rate_trend"] = v.retry_rate_trend;
  j["latency_trend_ms"] = v.latency_trend_ms;
  j["plans_implemented"] = v.plans_implemented;
  j["gaps_addressed"] = v.gaps_addressed;
  j["velocity_score"] = v.velocity_score;
  j["is_positive"] = v.is_positive;
}

void from_json(const json& j, ImprovementMomentum& v) {
  expect_object(j);
  required(j, "success_rate_trend", v.success_rate_trend);
  required(j, "retry_rate_trend", v.retry_rate_trend);
  required(j, "latency_trend_ms", v.latency_trend_ms);
  required(j, "plans_implemented", v.plans_implemented);
  required(j, "gaps_addressed", v.gaps_addressed);
  required(j, "velocity_score", v.velocity_score);
  required(j, "is_positive", v.is_positive);
}

void to_json(json& j, const DeadEnd& v) {
  j = json::object();
  j["plan_title"] = v.plan_title;
  j["plan_id"] = v.plan_id;
  j["failure_reason"] = v.failure_reason;
  j["lesson_learned"] = v.lesson_learned;
}

void from_json(const json& j, DeadEnd& v) {
  expect_object(j);
  required(j, "plan_title", v.plan_title);
  required(j, "plan_id", v.plan_id);
  required(j, "failure_reason", v.failure_reason);
  required(j, "lesson_learned", v.lesson_learned);
}

void to_json(json& j, const SuccessPattern& v) {
  j = json::object();
  j["category"] = v.category;
  j["success_count"] = v.success_count;
  j["average_validation_score"] = v.average_validation_score;
  j["common_characteristics"] = v.common_characteristics;
}

void from_json(const json& j, SuccessPattern& v) {
  expect_object(j);
  required(j, "category", v.category);
  required(j, "success_count", v.success_count);
  required(j, "average_validation_score", v.average_validation_score);
  required(j, "common_characteristics", v.common_characteristics);
}

void to_json(json& j, const MetaAnalysisResult& v) {
  j = json::object();
  j["recurring_gaps"] = v.recurring_gaps;
  j["improvement_momentum"] = v.improvement_momentum;
  j["dead_ends"] = v.dead_ends;
  j["success_patterns"] = v.success_patterns;
  j["hypothesis_accuracy"] = v.hypothesis_accuracy;
  j["reports_analyzed"] = v.reports_analyzed;
}

void from_json(const json& j, MetaAnalysisResult& v) {
  expect_object(j);
  required(j, "recurring_gaps", v.recurring_gaps);
  required(j, "improvement_momentum", v.improvement_momentum);
  required(j, "dead_ends", v.dead_ends);
  required(j, "success_patterns", v.success_patterns);
  required(j, "hypothesis_accuracy", v.hypothesis_accuracy);
  required(j, "reports_analyzed", v.reports_analyzed);
}

}  // namespace dashflow
