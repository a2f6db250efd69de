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

std::string_view TraceSamples::source(uint32_t id) const {
  const uint64_t begin = id == 0 ? 0 : source_end_[id - 1];
  return std::string_view(arena_).substr(begin, source_end_[id] - begin);
}

void TraceSamples::add(int64_t started_at_ms, std::string_view source, uint64_t line, uint64_t duration_ms,
                       uint64_t tokens) {
  const uint32_t saturated_line =
      line > std::numeric_limits<uint32_t>::max() ? std::numeric_limits<uint32_t>::max() : static_cast<uint32_t>(line);
  // Traces of one file arrive together (JSON Lines): one name for all of them.
  if (source_end_.empty() || this->source(static_cast<uint32_t>(source_end_.size() - 1)) != source) {
    arena_.append(source);
    source_end_.push_back(arena_.size());
  }
  samples_.push_back(
      TraceSample{started_at_ms, duration_ms, tokens, static_cast<uint32_t>(source_end_.size() - 1), saturated_line});
}

void TraceSamples::merge(const TraceSamples& other) {
  const auto id_base = static_cast<uint32_t>(source_end_.size());
  const uint64_t offset_base = arena_.size();
  arena_.append(other.arena_);
  source_end_.reserve(source_end_.size() + other.source_end_.size());
  for (uint64_t end : other.source_end_) source_end_.push_back(end + offset_base);
  samples_.reserve(samples_.size() + other.samples_.size());
  for (TraceSample s : other.samples_) {
    s.source_id += id_base;
    samples_.push_back(s);
  }
}

std::vector<TraceSample> TraceSamples::in_time_order() const {
  std::vector<TraceSample> out = samples_;
  std::sort(out.begin(), out.end(), [this](const TraceSample& a, const TraceSample& b) {
    if (a.started_at_ms != b.started_at_ms) return a.started_at_ms < b.started_at_ms;
    if (a.source_id != b.source_id) {
      const int c = source(a.source_id).compare(source(b.source_id));
      if (c != 0) return c < 0;
    }
    return std::tie(a.line, a.duration_ms, a.tokens) < std::tie(b.line, b.duration_ms, b.tokens);
  });
  return out;
}

void TraceSamples::append_packed(std::string& out) const {
  out.reserve(out.size() + source_end_.size() * 4 + arena_.size() + samples_.size() * kRecordSize);
  uint64_t begin = 0;
  for (uint64_t end : source_end_) {
    put_le<uint32_t>(out, static_cast<uint32_t>(end - begin));
    begin = end;
  }
  out.append(arena_);
  for (const auto& s : samples_) {
    put_le<int64_t>(out, s.started_at_ms);
    put_le<uint64_t>(out, s.duration_ms);
    put_le<uint64_t>(out, s.tokens);
    put_le<uint32_t>(out, s.source_id);
    put_le<uint32_t>(out, s.line);
  }
}

size_t TraceSamples::load_packed(std::string_view bytes, uint64_t sources, uint64_t samples) {
  if (sources > bytes.size() / 4) corrupt(std::to_string(sources) + " sources announced, too few bytes");
  arena_.clear();
  source_end_.clear();
  samples_.clear();
  const char* p = bytes.data();
  uint64_t total = 0;
  source_end_.reserve(sources);
  for (uint64_t i = 0; i < sources; ++i, p += 4) {
    total += get_le<uint32_t>(p);
    source_end_.push_back(total);
  }
  size_t used = sources * 4;
  if (total > bytes.size() - used) corrupt("source names cut short");
  arena_.assign(bytes.substr(used, total));
  used += total;
  if (samples > (bytes.size() - used) / kRecordSize) corrupt(std::to_string(samples) + " samples announced, too few bytes");
  p = bytes.data() + used;
  samples_.reserve(samples);
  for (uint64_t i = 0; i < samples; ++i, p += kRecordSize) {
    TraceSample s{get_le<int64_t>(p), get_le<uint64_t>(p + 8), get_le<uint64_t>(p + 16), get_le<uint32_t>(p + 24),
                  get_le<uint32_t>(p + 28)};
    if (s.source_id >= sources) corrupt("a sample refers to an unknown source");
    samples_.push_back(s);
  }
  return used + samples * kRecordSize;
}

}  // namespace dashflow::analyzers
