// Per-trace (time key, duration, tokens) records for the patterns that need
// time order (degradation) or the distribution (token outliers): 32 bytes a
// trace. The name of the file a trace came from breaks ties in time order
// (traces without started_at keep their file-name order), so names are kept,
// once per file, front-coded (source_names.hpp): merging is appending, and a
// saved state is packed records rather than a JSON array per trace.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "source_names.hpp"

namespace dashflow::analyzers {

struct TraceSample {
  int64_t started_at_ms = 0;
  uint64_t duration_ms = 0;
  uint64_t tokens = 0;
  uint32_t source_id = 0;  // id of its file's name in the samples' SourceNames
  uint32_t line = 0;       // saturated
};

class TraceSamples {
 public:
  void add(int64_t started_at_ms, std::string_view source, uint64_t line, uint64_t duration_ms, uint64_t tokens);
  void merge(const TraceSamples& other);

  size_t size() const { return samples_.size(); }
  size_t source_count() const { return names_.size(); }
  // The sum of the durations of the first `count` samples in time order:
  // started_at, then file name, then line (deterministic whatever the order
  // the traces were read in). A selection, not a sort; names are decoded
  // only for the samples that share the started_at at the cut.
  uint64_t earliest_duration_sum(size_t count) const;
  const std::vector<TraceSample>& unordered() const { return samples_; }

  // Packed: the encoded source names (source_name_bytes() of them), then per
  // sample started_at, duration, tokens (u64 each), source id, line (u32),
  // little-endian.
  size_t source_name_bytes() const { return names_.bytes().size(); }
  void append_packed(std::string& out) const;
  // Reads what append_packed wrote for `sources` sources in `name_bytes`
  // bytes and `samples` samples; returns the bytes used. Throws
  // std::runtime_error on short or inconsistent data.
  size_t load_packed(std::string_view bytes, uint64_t sources, uint64_t name_bytes, uint64_t samples);

 private:
  SourceNames names_;
  std::vector<TraceSample> samples_;
};

}  // namespace dashflow::analyzers
