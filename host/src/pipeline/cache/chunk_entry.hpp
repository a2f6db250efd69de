// One analysis-cache entry: what ingesting one chunk of trace units produced
// (each analyzer's saved state after only those traces, the summary
// counters, the per-trace facts, the skipped inputs), in a checked binary
// format. Analyzer states are stored verbatim, not re-escaped.
//
// Layout (integers little-endian):
//   "DFCHUNK1"  magic and format version
//   u64         payload length
//   u32         CRC-32 of the payload
//   payload     key, counters, summary JSON, skipped, facts, states
// Any mismatch (magic, length, CRC, field bounds) is a ChunkEntryError: the
// cache treats the entry as absent.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/summary.hpp"
#include "dashflow/types.hpp"
#include "pipeline/trace_facts.hpp"

namespace dashflow::host {

class ChunkEntryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SavedState {
  std::string analyzer;  // plugin id, checked against the pipeline on load
  std::string state;     // Analyzer::save_state text
  bool operator==(const SavedState&) const = default;
};

struct ChunkEntry {
  std::string key;  // the cache key it was stored under
  uint64_t units = 0;
  uint64_t traces = 0;
  SummaryAccumulator summary;
  uint64_t skipped_count = 0;
  std::vector<SkippedInput> skipped;  // the first by (source, line), at most the run's listing limit
  std::vector<TraceFacts> facts;
  std::vector<SavedState> states;  // one per analyzer, pipeline order
  bool operator==(const ChunkEntry&) const = default;
};

std::string encode_chunk_entry(const ChunkEntry& entry);
// Throws ChunkEntryError saying what is wrong.
ChunkEntry decode_chunk_entry(std::string_view bytes);

}  // namespace dashflow::host
