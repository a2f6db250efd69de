// Splitting an audit day file into numbered lines (internal to audit/).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace dashflow::host::audit_detail {

struct Line {
  std::string_view text;  // without the newline
  uint64_t number = 0;    // 1-based
  bool terminated = true; // false for a last line without '\n'
};

inline std::vector<Line> split_lines(std::string_view content) {
  std::vector<Line> out;
  size_t start = 0;
  uint64_t number = 0;
  while (start < content.size()) {
    const size_t end = content.find('\n', start);
    ++number;
    if (end == std::string_view::npos) {
      out.push_back({content.substr(start), number, false});
      break;
    }
    out.push_back({content.substr(start, end - start), number, true});
    start = end + 1;
  }
  return out;
}

}  // namespace dashflow::host::audit_detail
