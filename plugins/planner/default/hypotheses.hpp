// Hypotheses from findings (reference §6.1 create_from_gap /
// create_from_deprecation), each carrying the fingerprint of its finding's
// plan, the baseline summary, and at least one measurable expectation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dashflow/types.hpp"
#include "planner_config.hpp"

namespace dashflow::planner {

// What a hypothesis is measured against.
struct HypothesisBaseline {
  ReportExecutionSummary summary;
  uint64_t trace_count = 0;
  Timestamp now;  // created_at
};

// DashFlow's GapManifestation.description(): "Errors (4 occurrences): m1; m2", ...
std::string manifestation_description(const GapManifestation& manifestation);

// The expected evidence of a gap: DashFlow's three impact-derived items, and
// when none applies (e.g. a performance gap whose impact is all zero) one
// measurable fallback chosen from the gap itself, so evaluation is never vacuous.
std::vector<ExpectedEvidence> expected_evidence_for_gap(const CapabilityGap& gap);

// nullopt when gap.confidence < min_confidence_for_hypothesis.
std::optional<Hypothesis> hypothesis_from_gap(const CapabilityGap& gap, const HypothesisBaseline& baseline,
                                              const PlannerConfig& config);
// nullopt when dep.confidence < min_confidence_for_hypothesis.
std::optional<Hypothesis> hypothesis_from_deprecation(const DeprecationRecommendation& dep,
                                                      const HypothesisBaseline& baseline,
                                                      const PlannerConfig& config);

// All hypotheses of one run: one per finding fingerprint (the more confident
// finding wins), sorted by fingerprint.
std::vector<Hypothesis> hypotheses_for_findings(const std::vector<CapabilityGap>& gaps,
                                                const std::vector<DeprecationRecommendation>& deprecations,
                                                const HypothesisBaseline& baseline, const PlannerConfig& config);

}  // namespace dashflow::planner
