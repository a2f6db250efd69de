// Time helpers: RFC 3339 in and out, in DashFlow's forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dashflow {

// Now as "2025-12-15T10:30:00.123456789Z" (shortest exact fraction: 0/3/6/9 digits).
std::string now_rfc3339();
// Milliseconds since the epoch as RFC 3339 with a Z suffix.
std::string format_rfc3339_ms(int64_t unix_ms);
// Parses "...Z", "+00:00", "-05:30", with or without fractional seconds,
// 'T' or ' ' separator. Returns milliseconds since the epoch, or nullopt.
std::optional<int64_t> parse_rfc3339_ms(std::string_view text);
// "2025-12-15T10-30-00" (report file names) from an RFC 3339 timestamp.
std::string file_stamp(std::string_view rfc3339);

}  // namespace dashflow
