// Text helpers shared by the analyzers. All of them are UTF-8 safe: they never
// cut inside a multi-byte sequence.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dashflow::analyzers {

// ASCII lowercase; bytes >= 0x80 (UTF-8 sequences) are kept as they are.
std::string ascii_lower(std::string_view s);

// dashflow-core.md §3.0 truncate_text(s, max): s when its byte length <= max,
// otherwise the characters whose first byte lies before max-3, then "...".
std::string truncate_text(std::string_view s, size_t max_bytes);

// The first n characters (code points) of s.
std::string utf8_first_chars(std::string_view s, size_t n);

// printf("%.<decimals>f", value).
std::string fixed(double value, int decimals);

std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string join(const std::set<std::string>& parts, std::string_view separator);

// "dir/sub/file.json" -> "file.json"; a name without '/' is returned as is.
std::string base_name(std::string_view path);

}  // namespace dashflow::analyzers
