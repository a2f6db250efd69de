// Small text helpers: number formatting, UTF-8-safe truncation, and the
// normalization that turns texts with live numbers into stable key parts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dashflow::planner {

// printf("%.*f"): format_fixed(63.96, 0) == "64".
std::string format_fixed(double value, int decimals);

// DashFlow's truncate(), UTF-8 safe: unchanged when it fits in max_bytes,
// otherwise the longest whole-character prefix of max_bytes-3 bytes + "...".
std::string truncate_text(std::string_view text, size_t max_bytes);

std::string join(const std::vector<std::string>& parts, std::string_view separator);

// Lowercase ASCII, UUIDs -> "<uuid>", digit runs (with decimal points) ->
// "<n>", quotes removed, whitespace collapsed and trimmed.
// "Node has 12.5% retry rate" -> "node has <n>% retry rate".
std::string normalize_key_text(std::string_view text);

// Text between the first pair of matching quotes (' " or `), if any.
std::optional<std::string> first_quoted(std::string_view text);

// Stable kind of a retrospective insight from its leading words: the first
// sentence (up to ". ", "(" or ":"), lowercased, words with digits and filler
// words dropped, at most 6 words joined by '_'.
// "Success rate of 0.0% is below target. Focus ..." -> "success_rate_below_target".
std::string insight_kind(std::string_view insight);

}  // namespace dashflow::planner
