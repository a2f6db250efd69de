// What ingesting some traces produced: one state per analyzer, the summary
// counters, the per-trace facts and the skipped inputs. Workers accumulate
// into one; a chunk of units (analysis cache) gets its own, which is stored
// as a cache entry and then absorbed into the worker's.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dashflow/plugin.hpp"
#include "dashflow/summary.hpp"
#include "pipeline/cache/chunk_entry.hpp"
#include "pipeline/trace_facts.hpp"
#include "plugin/registry.hpp"

namespace dashflow::host {

// The first `limit` skipped inputs by (source, line, reason) and the total
// count: the same list whatever the thread count or the order of arrival.
class SkippedList {
 public:
  explicit SkippedList(size_t limit) : limit_(limit) {}
  void add(SkippedInput s);
  void merge(const SkippedList& other);
  void add_counted(uint64_t count, const std::vector<SkippedInput>& listed);  // from a cache entry
  std::vector<SkippedInput> sorted() const;  // at most limit
  uint64_t count() const { return count_; }

 private:
  void prune();
  size_t limit_;
  uint64_t count_ = 0;
  std::vector<SkippedInput> items_;
};

class IngestPartial final : public TraceSink {
 public:
  // Makes one fresh state per analyzer; an analyzer whose make_state fails
  // is marked failed here.
  IngestPartial(const std::vector<PluginInstance<Analyzer>>& analyzers, size_t max_skipped, bool keep_facts,
                std::atomic<uint64_t>* traces_seen);

  void on_trace(ExecutionTrace&& trace, const TraceOrigin& origin) override;
  void on_skip(const SkippedInput& skipped) override;

  // Merges `other` into this one (analyzer merge; a failure on either side
  // marks the analyzer failed). Facts are kept only when this one keeps them.
  void absorb(IngestPartial& other);

  // A cache entry of this partial (each analyzer's save_state), or nullopt
  // with `why` when it cannot be stored: an analyzer failed or could not save.
  std::optional<ChunkEntry> to_entry(const std::string& key, uint64_t units, std::string& why) const;
  // Replaces this (fresh) partial's content with a cache entry's: each
  // analyzer's load_state, on up to `threads` threads. Throws
  // std::runtime_error saying what does not fit.
  void load_entry(ChunkEntry&& entry, unsigned threads = 1);

  bool clean() const;  // no analyzer or trace source failed, nothing cut short

  const std::vector<PluginInstance<Analyzer>>& analyzers;
  std::vector<std::unique_ptr<AnalyzerState>> states;
  std::vector<std::string> failure;  // non-empty = analyzer failed in these traces
  std::vector<double> seconds;       // time in consume, per analyzer
  std::vector<uint64_t> calls;       // consume calls, per analyzer
  SummaryAccumulator summary;
  SkippedList skipped;
  std::vector<TraceFacts> facts;
  uint64_t traces = 0;
  bool keep_facts;
  bool source_failed = false;  // a trace source threw in read_unit
  bool incomplete = false;     // reading stopped early (cancelled)

 private:
  std::atomic<uint64_t>* traces_seen_;
};

}  // namespace dashflow::host
