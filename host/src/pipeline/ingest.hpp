// Streams traces from the trace sources through the analyzers, in parallel:
// each worker thread owns one partial state per analyzer; the states are
// merged at the end (analyzers guarantee order-independent merges, so the
// result equals a single-threaded pass). Traces are never all held at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "dashflow/plugin.hpp"
#include "dashflow/summary.hpp"
#include "plugin/registry.hpp"

namespace dashflow::host {

// Per-trace facts kept for evaluating hypotheses against later traces.
struct TraceFacts {
  int64_t started_at_ms = 0;
  uint64_t duration_ms = 0;
  uint64_t tokens = 0;
  uint32_t retries = 0;
  bool successful = false;
};

struct IngestOptions {
  unsigned threads = 0;  // 0 = hardware concurrency
  bool progress = false; // progress line on stderr
  bool keep_facts = true;
  bool keep_units = false;  // return the units read (daemon cursor); off to save memory
  std::function<bool(const TraceUnit&)> include;  // unit filter (daemon cursor); null = all
  size_t max_skipped_listed = 1000;
};

struct IngestResult {
  std::vector<std::unique_ptr<AnalyzerState>> states;  // per analyzer; null when the analyzer failed
  SummaryAccumulator summary;
  std::vector<SkippedInput> skipped;  // first max_skipped_listed
  uint64_t skipped_count = 0;
  std::vector<TraceFacts> facts;
  std::vector<PluginFailure> failures;
  std::vector<TraceUnit> units_read;  // only with IngestOptions::keep_units
  uint64_t traces = 0;
};

IngestResult ingest_traces(const std::vector<PluginInstance<TraceSource>>& sources,
                           const std::vector<PluginInstance<Analyzer>>& analyzers, const IngestOptions& options);

}  // namespace dashflow::host
