// One analysis run: traces -> analyzers -> planners -> (reviewers) ->
// report, plans (upserted by fingerprint), hypotheses (created, evaluated),
// meta-analysis. The orchestration only: every finding comes from plugins.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pipeline/ingest.hpp"
#include "pipeline/plugin_set.hpp"

namespace dashflow::host {

struct AnalyzeRequest {
  AnalysisDepth depth = AnalysisDepth::LocalAnalysis;
  std::string reason = "manual";
  bool progress = false;
  bool skip_when_no_traces = false;  // daemon: no input at all -> no report, nothing stored
  IngestOptions ingest;
};

struct AnalyzeOutcome {
  IntrospectionReport report;
  std::string report_location;
  std::vector<UpsertResult> plans;
  std::vector<Hypothesis> new_hypotheses;
  std::vector<Hypothesis> evaluated_hypotheses;
  uint64_t traces = 0;
  uint64_t skipped_count = 0;
  std::vector<std::string> saved_files;
  std::vector<TraceUnit> units_read;
  std::vector<Alert> alerts;  // from analyzers' alerts(), fingerprints filled
};

AnalyzeOutcome run_analysis(PluginSet& plugins, const AnalyzeRequest& request);

// Parses --depth strictly: metrics | local | deep (alias full). Throws UsageError.
AnalysisDepth parse_depth(const std::string& text);

}  // namespace dashflow::host
