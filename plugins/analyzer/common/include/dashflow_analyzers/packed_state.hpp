// Saved analyzer states with bulk numbers (one duration per node execution,
// one record per trace): a line of JSON (the tables, and how many values
// follow), a newline, then the bulk values packed little-endian. Parsing a
// million numbers as JSON costs far more than copying 4 MB, and the analysis
// cache loads these states on every re-run. dump() escapes newlines inside
// strings, so the first raw newline ends the JSON head.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/json.hpp"

namespace dashflow::analyzers {

template <class T>
void put_le(std::string& out, T value) {
  char bytes[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) bytes[i] = static_cast<char>(static_cast<uint64_t>(value) >> (8 * i));
  out.append(bytes, sizeof(T));
}

template <class T>
T get_le(const char* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return static_cast<T>(v);
}

struct PackedStateText {
  json head;                // checked: "analyzer" and "state_version" match
  std::string_view packed;  // the bytes after the head line
};

// The head line with "analyzer" and "state_version" set, and its newline.
std::string packed_state_head(json head, std::string_view analyzer, int version);

// Splits a saved state; throws std::runtime_error "not a <analyzer> state
// (version N)" when the text is not one.
PackedStateText split_packed_state(std::string_view text, std::string_view analyzer, int version);

void append_u32s(std::string& out, const std::vector<uint32_t>& values);

// Reads packed values front to back; every shortfall names what was being read.
class PackedReader {
 public:
  PackedReader(std::string_view bytes, std::string what) : rest_(bytes), what_(std::move(what)) {}
  std::vector<uint32_t> u32s(uint64_t count, const std::string& field);
  // Throws when bytes are left over after the last value.
  void expect_end() const;

 private:
  std::string_view rest_;
  std::string what_;
};

}  // namespace dashflow::analyzers
