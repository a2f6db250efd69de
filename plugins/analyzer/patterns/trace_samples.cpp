#include "trace_samples.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace dashflow::analyzers {

uint32_t TraceSamples::intern(std::string_view source) {
  const auto it = index_.find(source);
  if (it != index_.end()) return it->second;
  const auto id = static_cast<uint32_t>(sources_.size());
  sources_.emplace_back(source);
  index_.emplace(std::string_view(sources_.back()), id);
  return id;
}

void TraceSamples::add(int64_t started_at_ms, std::string_view source, uint64_t line, uint64_t duration_ms,
                       uint64_t tokens) {
  const uint32_t saturated_line =
      line > std::numeric_limits<uint32_t>::max() ? std::numeric_limits<uint32_t>::max() : static_cast<uint32_t>(line);
  samples_.push_back(TraceSample{started_at_ms, duration_ms, tokens, intern(source), saturated_line});
}

void TraceSamples::merge(const TraceSamples& other) {
  std::vector<uint32_t> remap(other.sources_.size());
  for (size_t i = 0; i < other.sources_.size(); ++i) remap[i] = intern(other.sources_[i]);
  samples_.reserve(samples_.size() + other.samples_.size());
  for (TraceSample s : other.samples_) {
    s.source_id = remap[s.source_id];
    samples_.push_back(s);
  }
}

std::vector<TraceSample> TraceSamples::in_time_order() const {
  std::vector<TraceSample> out = samples_;
  std::sort(out.begin(), out.end(), [this](const TraceSample& a, const TraceSample& b) {
    if (a.started_at_ms != b.started_at_ms) return a.started_at_ms < b.started_at_ms;
    if (a.source_id != b.source_id) {
      const int c = sources_[a.source_id].compare(sources_[b.source_id]);
      if (c != 0) return c < 0;
    }
    return std::tie(a.line, a.duration_ms, a.tokens) < std::tie(b.line, b.duration_ms, b.tokens);
  });
  return out;
}

json TraceSamples::to_json() const {
  json rows = json::array();
  for (const auto& s : samples_)
    rows.push_back(json::array({s.started_at_ms, s.duration_ms, s.tokens, s.source_id, s.line}));
  return {{"sources", std::vector<std::string>(sources_.begin(), sources_.end())}, {"samples", rows}};
}

void TraceSamples::load_json(const json& j) {
  sources_.clear();
  index_.clear();
  samples_.clear();
  std::vector<uint32_t> remap;
  for (const auto& s : j.at("sources")) remap.push_back(intern(s.get<std::string>()));
  for (const auto& row : j.at("samples")) {
    const auto id = row.at(3).get<uint32_t>();
    if (id >= remap.size()) throw std::runtime_error("patterns state: sample refers to an unknown source");
    samples_.push_back(TraceSample{row.at(0).get<int64_t>(), row.at(1).get<uint64_t>(), row.at(2).get<uint64_t>(),
                                   remap[id], row.at(4).get<uint32_t>()});
  }
}

}  // namespace dashflow::analyzers
