// Cross-report meta-analysis (reference §6.2, with W9 fixed):
//  * reports are ordered newest first by timestamp (defensively re-sorted),
//    the newest `analysis_window` are used;
//  * fewer than `min_reports_for_patterns` reports: empty result, but the
//    same hypothesis_accuracy definition as the normal path;
//  * recurring gaps are keyed by the gap key (gap_key(): analyzer key or a
//    normalized signature), counted once per report, and need
//    max(2, ceil(window * recurrence_threshold)) reports;
//  * momentum compares the newest and the oldest report in the window
//    (execution_summary); plans_implemented = stored plans with status
//    Implemented completed at or after the oldest window report;
//    gaps_addressed = those of them whose fingerprint equals the fingerprint
//    of a gap found in a window report at or before the completion;
//  * dead ends = stored Failed/Superseded plans, lesson uses the title;
//  * success patterns = stored Implemented plans grouped by category (>= 2),
//    plus "Overall Improvement" when the success rate rose over the window;
//  * hypothesis_accuracy = correct / evaluated over the stored hypotheses,
//    1.0 when none is evaluated.
#pragma once

#include "dashflow/plugin.hpp"
#include "planner_config.hpp"

namespace dashflow::planner {

// correct / evaluated over hypotheses with an outcome; 1.0 when none.
double hypothesis_accuracy(const std::vector<Hypothesis>& hypotheses);

MetaAnalysisResult meta_analyze(const MetaInput& input, const PlannerConfig& config);

}  // namespace dashflow::planner
