// Per-trace (time key, duration, tokens) records for the patterns that need
// time order (degradation) or the distribution (token outliers): 32 bytes a
// trace, with file names interned once per file.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dashflow/json.hpp"

namespace dashflow::analyzers {

struct TraceSample {
  int64_t started_at_ms = 0;
  uint64_t duration_ms = 0;
  uint64_t tokens = 0;
  uint32_t source_id = 0;  // index into TraceSamples::source()
  uint32_t line = 0;       // saturated
};

class TraceSamples {
 public:
  TraceSamples() = default;
  TraceSamples(const TraceSamples&) = delete;  // the index holds views into sources_
  TraceSamples& operator=(const TraceSamples&) = delete;

  void add(int64_t started_at_ms, std::string_view source, uint64_t line, uint64_t duration_ms, uint64_t tokens);
  void merge(const TraceSamples& other);

  size_t size() const { return samples_.size(); }
  const std::string& source(uint32_t id) const { return sources_[id]; }
  // Samples in time order: started_at, then file name, then line.
  std::vector<TraceSample> in_time_order() const;
  const std::vector<TraceSample>& unordered() const { return samples_; }

  json to_json() const;
  void load_json(const json& j);

 private:
  uint32_t intern(std::string_view source);

  std::deque<std::string> sources_;  // stable addresses for the views below
  std::unordered_map<std::string_view, uint32_t> index_;
  std::vector<TraceSample> samples_;
};

}  // namespace dashflow::analyzers
