// JSON for execution plans and hypotheses (reference/dashflow-core.md §2.5,
// §2.6) with our extensions (fingerprint, timestamps, review, baseline).
#include "dashflow/time.hpp"
#include "json_support.hpp"

namespace dashflow {

using namespace detail;

// ------------------------------------------------------------ plans

void to_json(json& j, const ImplementationStep& v) {
  j = json::object();
  j["order"] = v.order;
  j["action"] = v.action;
  j["files"] = v.files;
  j["verification"] = v.verification;
}

void from_json(const json& j, ImplementationStep& v) {
  expect_object(j);
  required(j, "order", v.order);
  required(j, "action", v.action);
  required(j, "files", v.files);
  required(j, "verification", v.verification);
}

void to_json(json& j, const PlanStatus& v) {
  if (std::holds_alternative<PlanStatus::Proposed>(v.value)) {
    j = "Proposed";
  } else if (std::holds_alternative<PlanStatus::Validated>(v.value)) {
    j = "Validated";
  } else if (auto* s = std::get_if<PlanStatus::InProgress>(&v.value)) {
    j = tagged("InProgress", {{"started", s->started}, {"assignee", s->assignee}});
  } else if (auto* s = std::get_if<PlanStatus::Implemented>(&v.value)) {
    j = tagged("Implemented", {{"completed", s->completed}, {"commit_hash", s->commit_hash}});
  } else if (auto* s = std::get_if<PlanStatus::Failed>(&v.value)) {
    j = tagged("Failed", {{"reason", s->reason}});
  } else {
    j = tagged("Superseded", {{"by", std::get<PlanStatus::Superseded>(v.value).by}});
  }
}

void from_json(const json& j, PlanStatus& v) {
  const Tagged t = read_tag(j);
  if (t.tag == "Proposed") {
    expect_unit(t);
    v.value = PlanStatus::Proposed{};
  } else if (t.tag == "Validated") {
    expect_unit(t);
    v.value = PlanStatus::Validated{};
  } else if (t.tag == "InProgress") {
    PlanStatus::InProgress s;
    read_variant(t, [&](const json& b) {
      required(b, "started", s.started);
      required(b, "assignee", s.assignee);
    });
    v.value = s;
  } else if (t.tag == "Implemented") {
    PlanStatus::Implemented s;
    read_variant(t, [&](const json& b) {
      required(b, "completed", s.completed);
      required(b, "commit_hash", s.commit_hash);
    });
    v.value = s;
  } else if (t.tag == "Failed") {
    PlanStatus::Failed s;
    read_variant(t, [&](const json& b) { required(b, "reason", s.reason); });
    v.value = s;
  } else if (t.tag == "Superseded") {
    PlanStatus::Superseded s;
    read_variant(t, [&](const json& b) { required(b, "by", s.by); });
    v.value = s;
  } else {
    unknown_variant(t.tag, {"Proposed", "Validated", "InProgress", "Implemented", "Failed", "Superseded"});
  }
}

void to_json(json& j, const PlanAction& v) {
  j = json::object();
  j["action_type"] = raw_value(RawJson{v.action_type_json});
  j["rationale"] = v.rationale;
  j["expected_impact"] = value_or_null(v.expected_impact);
}

void from_json(const json& j, PlanAction& v) {
  expect_object(j);
  v = PlanAction{};
  RawJson action;
  required(j, "action_type", action);
  v.action_type_json = action.text;
  required(j, "rationale", v.rationale);
  optional(j, "expected_impact", v.expected_impact);
}

void to_json(json& j, const ExecutionPlan& v) {
  j = json::object();
  j["id"] = v.id;
  j["title"] = v.title;
  j["description"] = v.description;
  j["category"] = v.category;
  j["priority"] = v.priority;
  j["estimated_commits"] = v.estimated_commits;
  j["steps"] = v.steps;
  j["success_criteria"] = v.success_criteria;
  j["rollback_plan"] = v.rollback_plan;
  j["dependencies"] = v.dependencies;
  j["citations"] = v.citations;
  j["validation_score"] = v.validation_score;
  j["status"] = v.status;
  j["actions"] = v.actions;
  put_if_nonempty(j, "fingerprint", v.fingerprint);
  put_if_set(j, "created_at", v.created_at);
  put_if_set(j, "updated_at", v.updated_at);
  if (!v.fingerprint.empty()) j["occurrences"] = v.occurrences;
  put_if_set(j, "source_report_id", v.source_report_id);
  put_if_set(j, "review", v.review);
}

void from_json(const json& j, ExecutionPlan& v) {
  expect_object(j);
  v = ExecutionPlan{};
  required(j, "id", v.id);
  required(j, "title", v.title);
  required(j, "description", v.description);
  required(j, "category", v.category);
  required(j, "priority", v.priority);
  required(j, "estimated_commits", v.estimated_commits);
  required(j, "steps", v.steps);
  required(j, "success_criteria", v.success_criteria);
  required(j, "rollback_plan", v.rollback_plan);
  required(j, "dependencies", v.dependencies);
  required(j, "citations", v.citations);
  required(j, "validation_score", v.validation_score);
  required(j, "status", v.status);
  defaulted(j, "actions", v.actions);  // serde default: []
  defaulted(j, "fingerprint", v.fingerprint);
  optional(j, "created_at", v.created_at);
  optional(j, "updated_at", v.updated_at);
  defaulted(j, "occurrences", v.occurrences);
  optional(j, "source_report_id", v.source_report_id);
  optional(j, "review", v.review);
}

// ------------------------------------------------------------ hypotheses

void to_json(json& j, const ExpectedEvidence& v) {
  j = json::object();
  j["metric"] = v.metric;
  j["expected_value"] = v.expected_value;
  j["measurement_method"] = v.measurement_method;
}

void from_json(const json& j, ExpectedEvidence& v) {
  expect_object(j);
  required(j, "metric", v.metric);
  required(j, "expected_value", v.expected_value);
  required(j, "measurement_method", v.measurement_method);
}

void to_json(json& j, const EvaluationTrigger& v) {
  using K = EvaluationTrigger::Kind;
  switch (v.kind) {
    case K::AfterExecutions: j = tagged("AfterExecutions", v.executions); return;
    case K::AfterDuration: j = tagged("AfterDuration", json::array({v.duration_secs, v.duration_nanos})); return;
    case K::AfterPlan: j = tagged("AfterPlan", v.plan_id); return;
    case K::Manual: j = "Manual"; return;
  }
}

void from_json(const json& j, EvaluationTrigger& v) {
  using K = EvaluationTrigger::Kind;
  const Tagged t = read_tag(j);
  v = EvaluationTrigger{};
  // Newtype variants: {"AfterExecutions": 50}; the body is the value itself.
  auto body = [&]() -> const json& {
    if (!t.body) throw JsonError("", "variant '" + t.tag + "' needs a value, got a bare string");
    return *t.body;
  };
  if (t.tag == "AfterExecutions") {
    v.kind = K::AfterExecutions;
    within(t.tag, [&] { read_value(body(), v.executions); });
  } else if (t.tag == "AfterDuration") {
    v.kind = K::AfterDuration;
    // chrono::Duration is [secs, nanos]; signed in Rust, but a negative wait is meaningless.
    std::pair<uint64_t, uint64_t> d;
    within(t.tag, [&] { read_value(body(), d); });
    if (d.second > 999999999) throw JsonError(t.tag + "[1]", "nanoseconds must be below 1000000000");
    v.duration_secs = d.first;
    v.duration_nanos = static_cast<uint32_t>(d.second);
  } else if (t.tag == "AfterPlan") {
    v.kind = K::AfterPlan;
    within(t.tag, [&] { read_value(body(), v.plan_id); });
  } else if (t.tag == "Manual") {
    expect_unit(t);
    v.kind = K::Manual;
  } else {
    unknown_variant(t.tag, {"AfterExecutions", "AfterDuration", "AfterPlan", "Manual"});
  }
}

void to_json(json& j, const HypothesisStatus& v) {
  using K = HypothesisStatus::Kind;
  switch (v.kind) {
    case K::Active: j = "Active"; return;
    case K::Pending: j = tagged("Pending", {{"waiting_for", v.detail}}); return;
    case K::Evaluated: j = "Evaluated"; return;
    case K::Superseded: j = tagged("Superseded", {{"by", v.detail}}); return;
  }
}

void from_json(const json& j, HypothesisStatus& v) {
  using K = HypothesisStatus::Kind;
  const Tagged t = read_tag(j);
  v = HypothesisStatus{};
  if (t.tag == "Active") {
    expect_unit(t);
    v.kind = K::Active;
  } else if (t.tag == "Pending") {
    v.kind = K::Pending;
    read_variant(t, [&](const json& b) { required(b, "waiting_for", v.detail); });
  } else if (t.tag == "Evaluated") {
    expect_unit(t);
    v.kind = K::Evaluated;
  } else if (t.tag == "Superseded") {
    v.kind = K::Superseded;
    read_variant(t, [&](const json& b) { required(b, "by", v.detail); });
  } else {
    unknown_variant(t.tag, {"Active", "Pending", "Evaluated", "Superseded"});
  }
}

void to_json(json& j, const ObservedEvidence& v) {
  j = json::object();
  j["metric"] = v.metric;
  j["observed_value"] = v.observed_value;
  j["matches_expected"] = v.matches_expected;
  j["citation"] = v.citation;
}

void from_json(const json& j, ObservedEvidence& v) {
  expect_object(j);
  required(j, "metric", v.metric);
  required(j, "observed_value", v.observed_value);
  required(j, "matches_expected", v.matches_expected);
  required(j, "citation", v.citation);
}

void to_json(json& j, const HypothesisOutcome& v) {
  j = json::object();
  j["correct"] = v.correct;
  j["observed_evidence"] = v.observed_evidence;
  j["analysis"] = v.analysis;
  j["improvements_for_future"] = v.improvements_for_future;
}

void from_json(const json& j, HypothesisOutcome& v) {
  expect_object(j);
  required(j, "correct", v.correct);
  required(j, "observed_evidence", v.observed_evidence);
  required(j, "analysis", v.analysis);
  required(j, "improvements_for_future", v.improvements_for_future);
}

void to_json(json& j, const Hypothesis& v) {
  j = json::object();
  j["id"] = v.id;
  j["statement"] = v.statement;
  j["reasoning"] = v.reasoning;
  j["expected_evidence"] = v.expected_evidence;
  j["evaluation_trigger"] = v.evaluation_trigger;
  j["status"] = v.status;
  j["outcome"] = value_or_null(v.outcome);
  j["lessons"] = v.lessons;
  j["source"] = v.source;
  j["created_at"] = v.created_at;
  put_if_nonempty(j, "fingerprint", v.fingerprint);
  put_if_set(j, "baseline", v.baseline);
  if (v.baseline_trace_count != 0) j["baseline_trace_count"] = v.baseline_trace_count;
}

void from_json(const json& j, Hypothesis& v) {
  expect_object(j);
  v = Hypothesis{};
  required(j, "id", v.id);
  required(j, "statement", v.statement);
  required(j, "reasoning", v.reasoning);
  required(j, "expected_evidence", v.expected_evidence);
  required(j, "evaluation_trigger", v.evaluation_trigger);
  required(j, "status", v.status);
  optional(j, "outcome", v.outcome);
  required(j, "lessons", v.lessons);
  defaulted(j, "source", v.source);  // serde default: Manual
  defaulted(j, "created_at", v.created_at);
  if (v.created_at.empty()) v.created_at = now_rfc3339();  // serde default: now
  defaulted(j, "fingerprint", v.fingerprint);
  optional(j, "baseline", v.baseline);
  defaulted(j, "baseline_trace_count", v.baseline_trace_count);
}

}  // namespace dashflow
