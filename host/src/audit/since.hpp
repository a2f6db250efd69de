// --since values: a date (2025-12-15, UTC midnight), an RFC 3339 time, or a
// duration back from now (90s, 30m, 24h, 7d, 2w).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace dashflow::host {

// Milliseconds since the epoch, or nullopt when `text` is none of the forms.
std::optional<int64_t> parse_since(std::string_view text, int64_t now_ms);

inline constexpr const char* kSinceHelp =
    "a date (2025-12-15), an RFC 3339 time (2025-12-15T10:00:00Z) or a duration back from now (30m, 24h, 7d, 2w)";

}  // namespace dashflow::host
