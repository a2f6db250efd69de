#include "hypotheses.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <type_traits>

#include "dashflow/ids.hpp"
#include "finding_keys.hpp"
#include "text_util.hpp"

namespace dashflow::planner {
namespace {

constexpr const char* kErrorMethod = "Compare error rate before/after implementation";
constexpr const char* kLatencyMethod = "Measure average execution latency";
constexpr const char* kAccuracyMethod = "Measure task completion accuracy";
constexpr const char* kRetryMethod = "Compare retry rate before/after implementation";
// Fallback promise when a gap states no magnitude of its own: a 10% relative
// improvement of the metric that the gap is about.
constexpr double kFallbackRelativePercent = 10.0;

// Number following `label` in text ("p95 latency: 1830ms" with "p95 latency:").
std::optional<double> number_after(std::string_view text, std::string_view label) {
  const size_t at = text.find(label);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string rest(text.substr(at + label.size()));
  const char* begin = rest.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin) return std::nullopt;
  return v;
}

ExpectedEvidence fallback_evidence(const CapabilityGap& gap) {
  if (const auto* perf = std::get_if<GapCategory::PerformanceGap>(&gap.category.value)) {
    // Promise 80% of the p95-avg spread (as DashFlow does with latency
    // impacts); when the spread is zero, 10% of the node's average.
    const auto p95 = number_after(perf->bottleneck, "p95 latency:");
    const auto avg = number_after(perf->bottleneck, "avg:");
    if (p95 && avg) {
      const double spread = *p95 - *avg;
      const double target = spread > 0 ? spread * 0.8 : *avg * kFallbackRelativePercent / 100.0;
      if (target >= 1.0) return {"latency_ms", "reduced by " + format_fixed(target, 0) + "ms", kLatencyMethod};
    }
    return {"latency_ms", "reduced by " + format_fixed(kFallbackRelativePercent, 0) + "%", kLatencyMethod};
  }
  if (std::holds_alternative<GapManifestation::Retries>(gap.manifestation.value))
    return {"retry_rate", "reduced by " + format_fixed(kFallbackRelativePercent, 0) + "%", kRetryMethod};
  return {"error_rate", "reduced by " + format_fixed(kFallbackRelativePercent, 0) + "%", kErrorMethod};
}

std::string deprecation_subject(const DeprecationTarget& target) {
  return std::visit(
      [](const auto& t) -> std::string {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, DeprecationTarget::Node>) return "node '" + t.name + "'";
        else if constexpr (std::is_same_v<T, DeprecationTarget::Tool>) return "tool '" + t.name + "'";
        else if constexpr (std::is_same_v<T, DeprecationTarget::Edge>) return "edge " + t.from + " -> " + t.to;
        else if constexpr (std::is_same_v<T, DeprecationTarget::Feature>) return "feature '" + t.name + "'";
        else return "code at " + t.location;
      },
      target.value);
}

Hypothesis new_hypothesis(const HypothesisBaseline& baseline, const PlannerConfig& config) {
  Hypothesis h;
  h.id = new_uuid_v4();
  h.evaluation_trigger.kind = EvaluationTrigger::Kind::AfterExecutions;
  h.evaluation_trigger.executions = config.evaluate_after_executions;
  h.status.kind = HypothesisStatus::Kind::Active;
  h.created_at = baseline.now;
  h.baseline = baseline.summary;
  h.baseline_trace_count = baseline.trace_count;
  return h;
}

}  // namespace

std::string manifestation_description(const GapManifestation& manifestation) {
  return std::visit(
      [](const auto& m) -> std::string {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, GapManifestation::Errors>)
          return "Errors (" + std::to_string(m.count) + " occurrences): " + join(m.sample_messages, "; ");
        else if constexpr (std::is_same_v<T, GapManifestation::Retries>)
          return "High retry rate (" + format_fixed(m.rate * 100.0, 1) + "%) in nodes: " + join(m.affected_nodes, ", ");
        else if constexpr (std::is_same_v<T, GapManifestation::PromptWorkarounds>)
          return "Prompt workarounds detected: " + join(m.patterns, ", ");
        else if constexpr (std::is_same_v<T, GapManifestation::SuboptimalPaths>)
          return "Suboptimal execution path: " + m.description;
        else return "Missing context: " + m.what;
      },
      manifestation.value);
}

std::vector<ExpectedEvidence> expected_evidence_for_gap(const CapabilityGap& gap) {
  const Impact& impact = gap.expected_impact;
  std::vector<ExpectedEvidence> evidence;
  if (impact.error_reduction > 0.1)
    evidence.push_back({"error_rate", "reduced by " + format_fixed(impact.error_reduction * 80.0, 0) + "%", kErrorMethod});
  if (impact.latency_reduction_ms > 50)
    evidence.push_back(
        {"latency_ms", "reduced by " + format_fixed(impact.latency_reduction_ms * 0.8, 0) + "ms", kLatencyMethod});
  if (impact.accuracy_improvement > 0.1)
    evidence.push_back(
        {"accuracy", "improved by " + format_fixed(impact.accuracy_improvement * 80.0, 0) + "%", kAccuracyMethod});
  if (evidence.empty()) evidence.push_back(fallback_evidence(gap));
  return evidence;
}

std::optional<Hypothesis> hypothesis_from_gap(const CapabilityGap& gap, const HypothesisBaseline& baseline,
                                              const PlannerConfig& config) {
  if (gap.confidence < config.min_confidence_for_hypothesis) return std::nullopt;
  Hypothesis h = new_hypothesis(baseline, config);
  h.statement = "Addressing '" + gap.description + "' will improve system performance";
  h.reasoning = "Based on analysis showing " + manifestation_description(gap.manifestation) + " with confidence " +
                format_fixed(gap.confidence * 100.0, 0) + "%. " + gap.expected_impact.description;
  h.expected_evidence = expected_evidence_for_gap(gap);
  h.source = HypothesisSource::CapabilityGap;
  h.fingerprint = gap_fingerprint(gap);
  return h;
}

std::optional<Hypothesis> hypothesis_from_deprecation(const DeprecationRecommendation& dep,
                                                      const HypothesisBaseline& baseline,
                                                      const PlannerConfig& config) {
  if (dep.confidence < config.min_confidence_for_hypothesis) return std::nullopt;
  Hypothesis h = new_hypothesis(baseline, config);
  h.statement = "Removing " + deprecation_subject(dep.target) + " will not cause regressions";
  h.expected_evidence = {{"test_pass_rate", "100%", "All existing tests should continue to pass"},
                         {"error_rate", "no increase", "Error rate should not increase after removal"}};
  h.reasoning = "Rationale: " + dep.rationale + ". Benefits: " + join(dep.benefits, ", ") +
                ". Risks: " + (dep.risks.empty() ? std::string("none identified") : join(dep.risks, ", "));
  h.source = HypothesisSource::Deprecation;
  h.fingerprint = deprecation_fingerprint(dep);
  return h;
}

std::vector<Hypothesis> hypotheses_for_findings(const std::vector<CapabilityGap>& gaps,
                                                const std::vector<DeprecationRecommendation>& deprecations,
                                                const HypothesisBaseline& baseline, const PlannerConfig& config) {
  // fingerprint -> (confidence of the finding, hypothesis)
  std::map<std::string, std::pair<double, Hypothesis>> best;
  auto offer = [&](double confidence, std::optional<Hypothesis> h) {
    if (!h) return;
    auto it = best.find(h->fingerprint);
    if (it == best.end()) {
      std::string fp = h->fingerprint;
      best.emplace(std::move(fp), std::make_pair(confidence, std::move(*h)));
    } else if (confidence > it->second.first) {
      it->second = std::make_pair(confidence, std::move(*h));
    }
  };
  for (const auto& gap : gaps) offer(gap.confidence, hypothesis_from_gap(gap, baseline, config));
  for (const auto& dep : deprecations) offer(dep.confidence, hypothesis_from_deprecation(dep, baseline, config));
  std::vector<Hypothesis> out;
  out.reserve(best.size());
  for (auto& [fp, entry] : best) out.push_back(std::move(entry.second));
  return out;  // std::map iterates in fingerprint order
}

}  // namespace dashflow::planner
