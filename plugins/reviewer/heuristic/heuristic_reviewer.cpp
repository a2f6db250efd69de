#include "heuristic_reviewer.hpp"

#include <algorithm>
#include <cstdio>

namespace dashflow_plugins {

using namespace dashflow;

HeuristicReviewer::HeuristicReviewer(const PluginContext& ctx)
    : min_citations_(ctx.config().value("min_citations", 1u)), min_score_(ctx.config().value("min_score", 0.6)) {}

ModelIdentifier HeuristicReviewer::model() const { return {"Other", "heuristic-rules-v1"}; }

bool HeuristicReviewer::available(std::string&) const { return true; }

ModelReview HeuristicReviewer::review(const ReviewRequest& request) {
  const ExecutionPlan& plan = request.plan;
  ModelReview r;
  r.model = model();
  auto critique = [&](std::string target, std::string text, CritiqueSeverity severity, std::string fix) {
    r.critiques.push_back({std::move(target), std::move(text), severity, std::move(fix)});
  };
  const size_t citations = plan.citations.size() + request.evidence.size();
  if (citations < min_citations_)
    critique("evidence", "Plan cites " + std::to_string(citations) + " traces or aggregates; at least " +
                             std::to_string(min_citations_) + " are needed to trust it",
             CritiqueSeverity::Major, "Attach the traces that show the problem");
  if (plan.steps.empty())
    critique("steps", "Plan has no implementation steps", CritiqueSeverity::Critical, "Add concrete steps");
  if (plan.success_criteria.empty())
    critique("success_criteria", "Plan has no success criteria, so its effect cannot be verified",
             CritiqueSeverity::Major, "State a measurable criterion (error rate, latency)");
  if (plan.rollback_plan.empty())
    critique("rollback", "Plan has no rollback", CritiqueSeverity::Moderate, "Describe how to revert it");
  if (plan.validation_score < min_score_) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "Source confidence %.2f is below %.2f", plan.validation_score, min_score_);
    critique("confidence", buf, CritiqueSeverity::Moderate, "Collect more traces before acting");
  }
  if (request.summary.total_executions > 0 && request.summary.total_executions < 10)
    critique("sample_size", "Only " + std::to_string(request.summary.total_executions) + " executions analyzed",
             CritiqueSeverity::Minor, "Re-run the analysis on more traces");

  // Score: start from the plan's own confidence, subtract for each critique.
  double score = std::clamp(plan.validation_score, 0.0, 1.0);
  bool critical = false;
  for (const auto& c : r.critiques) {
    switch (c.severity) {
      case CritiqueSeverity::Minor: score -= 0.05; break;
      case CritiqueSeverity::Moderate: score -= 0.15; break;
      case CritiqueSeverity::Major: score -= 0.30; break;
      case CritiqueSeverity::Critical: score -= 0.50, critical = true; break;
    }
  }
  score = std::clamp(score, 0.0, 1.0);
  if (critical || score < 0.2) r.assessment = Assessment::StronglyDisagree;
  else if (score < 0.45) r.assessment = Assessment::Disagree;
  else if (score < 0.6) r.assessment = Assessment::Neutral;
  else if (score < 0.8) r.assessment = Assessment::Agree;
  else r.assessment = Assessment::StronglyAgree;
  // Rules are certain about what they check, not about the plan's merit.
  r.confidence = 0.6;
  for (const auto& c : r.critiques)
    if (c.suggested_fix) r.suggestions.push_back(*c.suggested_fix);
  r.raw_response = "heuristic review of plan " + plan.id + ": " + to_string(r.assessment) + " (" +
                   std::to_string(r.critiques.size()) + " critiques)";
  return r;
}

}  // namespace dashflow_plugins
