// Streams traces from the trace sources through the analyzers, in parallel:
// each worker thread owns one partial state per analyzer; the states are
// merged at the end (analyzers guarantee order-independent merges, so the
// result equals a single-threaded pass). Traces are never all held at once.
//
// With the analysis cache (IngestOptions::cache, pipeline/cache/), the units
// of each source are grouped into content-defined chunks; a chunk whose
// entry exists is loaded (saved analyzer states merged, no file opened), the
// others are read and stored. The result is the same with or without the
// cache. The cache is skipped for the whole run when a unit filter is set
// (daemon cycles read only new files: chunks would rarely be whole), when an
// analyzer cannot save and load its state, or when it is disabled.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dashflow/plugin.hpp"
#include "dashflow/summary.hpp"
#include "pipeline/cache/analysis_cache.hpp"
#include "pipeline/trace_facts.hpp"
#include "plugin/registry.hpp"

namespace dashflow::host {

struct IngestOptions {
  unsigned threads = 0;  // 0 = hardware concurrency
  bool progress = false; // progress line on stderr
  bool keep_facts = true;
  bool keep_units = false;  // return the units read (daemon cursor); off to save memory
  std::function<bool(const TraceUnit&)> include;  // unit filter (daemon cursor); null = all
  size_t max_skipped_listed = 1000;
  CacheSettings cache;  // disabled by default; CacheSettings::from_config for the CLI
};

// How the analysis cache served a run. Hits and misses count trace units
// (files), like the dashflow_self_improve_cache_{hits,misses}_total metrics.
struct CacheStats {
  bool used = false;
  std::string off_reason;  // why it was not used, when it was enabled
  std::string dir;
  uint64_t chunks = 0, chunks_loaded = 0, chunks_saved = 0;
  uint64_t entries_invalid = 0;  // present but unreadable, corrupt or foreign: read again
  bool snapshot_loaded = false;  // every file unchanged: the run snapshot was the whole result
  bool snapshot_saved = false;
  uint64_t units_hit = 0, units_missed = 0;
  uint64_t entries = 0, bytes = 0, evicted = 0;  // the cache directory after the run
};

struct IngestResult {
  std::vector<std::unique_ptr<AnalyzerState>> states;  // per analyzer; null when the analyzer failed
  SummaryAccumulator summary;
  std::vector<SkippedInput> skipped;  // the first max_skipped_listed by (source, line)
  uint64_t skipped_count = 0;
  std::vector<TraceFacts> facts;
  std::vector<PluginFailure> failures;
  std::vector<TraceUnit> units_read;  // only with IngestOptions::keep_units
  uint64_t traces = 0;
  CacheStats cache;
};

IngestResult ingest_traces(const std::vector<PluginInstance<TraceSource>>& sources,
                           const std::vector<PluginInstance<Analyzer>>& analyzers, const IngestOptions& options);

}  // namespace dashflow::host
