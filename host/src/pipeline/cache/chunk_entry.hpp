// One analysis-cache entry: what ingesting one chunk of trace units produced
// (each analyzer's saved state after only those traces, the summary
// counters, the per-trace facts, the skipped inputs), in a checked binary
// format. Analyzer states are stored verbatim, not re-escaped, and decoded
// without a copy: they view the bytes given to decode_chunk_entry.
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
  std::string analyzer;    // plugin id, checked against the pipeline on load
  std::string_view state;  // Analyzer::save_state text, in ChunkEntry::owned or the decoded bytes
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
  // The state texts of an entry made to be stored (their buffers do not move
  // when the entry moves); empty for a decoded entry.
  std::vector<std::string> owned;

  ChunkEntry() = default;
  ChunkEntry(ChunkEntry&&) = default;
  ChunkEntry& operator=(ChunkEntry&&) = default;
  ChunkEntry(const ChunkEntry&) = delete;  // the states would view the original's texts
  ChunkEntry& operator=(const ChunkEntry&) = delete;
  // Equal content; where the state texts live does not matter.
  bool operator==(const ChunkEntry& o) const {
    return key == o.key && units == o.units && traces == o.traces && summary == o.summary &&
           skipped_count == o.skipped_count && skipped == o.skipped && facts == o.facts && states == o.states;
  }
};

std::string encode_chunk_entry(const ChunkEntry& entry);

// The fixed header (magic, payload length, CRC); enough to tell a truncated
// or foreign file from an entry without reading it all.
inline constexpr size_t kChunkEntryHeaderBytes = 8 + 8 + 4;
bool chunk_entry_header_fits(std::string_view header, uint64_t file_size);
// Throws ChunkEntryError saying what is wrong. The states view `bytes`,
// which must outlive the entry.
ChunkEntry decode_chunk_entry(std::string_view bytes);

}  // namespace dashflow::host
