// Error-message helpers of dashflow-core.md §3.0/§3.1.4/§3.3.
#pragma once

#include <string>
#include <string_view>

#include "dashflow/types.hpp"

namespace dashflow::analyzers {

// normalize_error_message (strip_quotes = true, capability gaps) and
// normalize_for_pattern (strip_quotes = false, patterns): ASCII lowercase,
// UUIDs -> "<uuid>", digit runs -> "<n>", optionally drop ' and ", collapse
// whitespace runs to one space, trim. One pass, no regex.
std::string normalize_error_message(std::string_view message, bool strip_quotes = true);

// §3.1.4: does the raw message (case-sensitive) mention "tool", "function",
// "not found" or "undefined"?
bool mentions_missing_tool(std::string_view message);

// §3.1.4: first match wins: tool '<x>', function '<x>', '<x>' not found.
// Empty when none matches.
std::string extract_missing_tool_name(std::string_view message);

// §3.3 extract_tool_name_from_error: first '...', then "...", then `...`
// match; accepted when it has no space and is shorter than 50 bytes;
// "unknown_tool" otherwise.
std::string extract_tool_name_from_error(std::string_view message);

// §3.3: raw message contains "not found", "unavailable" or "not implemented".
bool mentions_unavailable(std::string_view message);

// §3.3 platform insights: message contains "timeout" (case-sensitive) or
// error_type is "Timeout".
bool is_timeout_error(const ErrorTrace& error);

}  // namespace dashflow::analyzers
