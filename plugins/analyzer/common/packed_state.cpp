#include "dashflow_analyzers/packed_state.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

namespace dashflow::analyzers {

std::string packed_state_head(json head, std::string_view analyzer, int version) {
  head["analyzer"] = std::string(analyzer);
  head["state_version"] = version;
  std::string text = head.dump();
  text += '\n';
  return text;
}

PackedStateText split_packed_state(std::string_view text, std::string_view analyzer, int version) {
  const std::string refusal = "not a " + std::string(analyzer) + " state (version " + std::to_string(version) + ")";
  const size_t end = text.find('\n');
  if (end == std::string_view::npos) throw std::runtime_error(refusal);
  PackedStateText out;
  out.head = json::parse(text.substr(0, end), nullptr, false);
  if (!out.head.is_object() || out.head.value("analyzer", "") != analyzer || out.head.value("state_version", 0) != version)
    throw std::runtime_error(refusal);
  out.packed = text.substr(end + 1);
  return out;
}

void append_u32s(std::string& out, const std::vector<uint32_t>& values) {
  if constexpr (std::endian::native == std::endian::little) {
    out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(uint32_t));
  } else {
    out.reserve(out.size() + values.size() * sizeof(uint32_t));
    for (uint32_t v : values) put_le(out, v);
  }
}

std::vector<uint32_t> PackedReader::u32s(uint64_t count, const std::string& field) {
  if (count > rest_.size() / sizeof(uint32_t))
    throw std::runtime_error(what_ + ": " + field + ": " + std::to_string(count) + " values announced, only " +
                             std::to_string(rest_.size() / sizeof(uint32_t)) + " left (truncated state)");
  std::vector<uint32_t> values(static_cast<size_t>(count));
  if constexpr (std::endian::native == std::endian::little) {
    if (count) std::memcpy(values.data(), rest_.data(), values.size() * sizeof(uint32_t));
  } else {
    for (size_t i = 0; i < values.size(); ++i) values[i] = get_le<uint32_t>(rest_.data() + i * sizeof(uint32_t));
  }
  rest_.remove_prefix(values.size() * sizeof(uint32_t));
  return values;
}

void PackedReader::expect_end() const {
  if (!rest_.empty())
    throw std::runtime_error(what_ + ": " + std::to_string(rest_.size()) + " bytes after the last value");
}

}  // namespace dashflow::analyzers
