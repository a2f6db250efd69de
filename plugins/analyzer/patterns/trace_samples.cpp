#include "trace_samples.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <tuple>

#include "dashflow_analyzers/packed_state.hpp"

namespace dashflow::analyzers {
namespace {

constexpr size_t kRecordSize = 32;

[[noreturn]] void corrupt(const std::string& why) { throw std::runtime_error("patterns state: " + why); }

}  // namespace

void TraceSamples::add(int64_t started_at_ms, std::string_view source, uint64_t line, uint64_t duration_ms,
                       uint64_t tokens) {
  const uint32_t saturated_line =
      line > std::numeric_limits<uint32_t>::max() ? std::numeric_limits<uint32_t>::max() : static_cast<uint32_t>(line);
  // Traces of one file arrive together (JSON Lines): one name for all of them.
  if (names_.size() == 0 || names_.last() != source) names_.add(source);
  samples_.push_back(
      TraceSample{started_at_ms, duration_ms, tokens, static_cast<uint32_t>(names_.size() - 1), saturated_line});
}

void TraceSamples::merge(const TraceSamples& other) {
  const auto id_base = static_cast<uint32_t>(names_.size());
  names_.append(other.names_);
  // insert grows the vector geometrically; an exact reserve here would copy
  // every sample again on each of the hundreds of merges of a large run.
  const size_t first = samples_.size();
  samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  for (size_t i = first; i < samples_.size(); ++i) samples_[i].source_id += id_base;
}

uint64_t TraceSamples::earliest_duration_sum(size_t count) const {
  uint64_t sum = 0;
  if (count >= samples_.size()) {
    for (const auto& s : samples_) sum += s.duration_ms;
    return sum;
  }
  if (count == 0) return 0;
  // samples[count] is the first sample after the cut; those started before
  // it are all in, those started with it are ordered by file name and line.
  std::vector<TraceSample> v = samples_;
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(count), v.end(),
                   [](const TraceSample& a, const TraceSample& b) { return a.started_at_ms < b.started_at_ms; });
  const int64_t cut = v[count].started_at_ms;
  size_t before = 0;
  struct Tied {
    std::string name;
    TraceSample sample;
  };
  std::vector<Tied> tied;
  for (const auto& s : v) {
    if (s.started_at_ms < cut) {
      sum += s.duration_ms;
      ++before;
    } else if (s.started_at_ms == cut) {
      tied.push_back({names_.name(s.source_id), s});
    }
  }
  std::sort(tied.begin(), tied.end(), [](const Tied& a, const Tied& b) {
    return std::tie(a.name, a.sample.line, a.sample.duration_ms, a.sample.tokens) <
           std::tie(b.name, b.sample.line, b.sample.duration_ms, b.sample.tokens);
  });
  for (size_t i = 0; i + before < count; ++i) sum += tied[i].sample.duration_ms;
  return sum;
}

void TraceSamples::append_packed(std::string& out) const {
  out.reserve(out.size() + names_.bytes().size() + samples_.size() * kRecordSize);
  out.append(names_.bytes());
  for (const auto& s : samples_) {
    put_le<int64_t>(out, s.started_at_ms);
    put_le<uint64_t>(out, s.duration_ms);
    put_le<uint64_t>(out, s.tokens);
    put_le<uint32_t>(out, s.source_id);
    put_le<uint32_t>(out, s.line);
  }
}

size_t TraceSamples::load_packed(std::string_view bytes, uint64_t sources, uint64_t name_bytes, uint64_t samples) {
  if (name_bytes > bytes.size()) corrupt("source names cut short");
  names_.load(bytes.substr(0, name_bytes), sources);
  const std::string_view records = bytes.substr(name_bytes);
  if (samples > records.size() / kRecordSize) corrupt(std::to_string(samples) + " samples announced, too few bytes");
  samples_.clear();
  samples_.reserve(samples);
  const char* p = records.data();
  for (uint64_t i = 0; i < samples; ++i, p += kRecordSize) {
    TraceSample s{get_le<int64_t>(p), get_le<uint64_t>(p + 8), get_le<uint64_t>(p + 16), get_le<uint32_t>(p + 24),
                  get_le<uint32_t>(p + 28)};
    if (s.source_id >= sources) corrupt("a sample refers to an unknown source");
    samples_.push_back(s);
  }
  return name_bytes + samples * kRecordSize;
}

}  // namespace dashflow::analyzers
