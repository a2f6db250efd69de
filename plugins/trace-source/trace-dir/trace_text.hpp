// Parsing trace text (a whole JSON document, or JSON Lines) with simdjson's
// DOM parser: full validation (syntax, UTF-8, nesting depth) in one fast
// pass, then the trace fields are read from the tape. One parser per thread,
// reused, so read_unit can run on many threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "dashflow/plugin.hpp"

namespace dashflow::tracedir {

enum class TextFormat {
  Document,  // one trace object, or an array of trace objects (.json)
  Lines,     // one trace object per non-empty line (.jsonl, .ndjson)
};

struct ParseOptions {
  size_t max_depth = 128;  // deeper JSON nesting is skipped with a reason
  bool payloads = true;    // keep state snapshots and final_state (see ReadOptions)
};

// Parses data[0, size) and reports every trace to sink.on_trace and every
// unreadable document or line to sink.on_skip. data must be followed by at
// least PaddedBuffer::kPadding readable bytes. Never throws for bad input.
void parse_traces(const char* data, size_t size, TextFormat format, const std::string& source,
                  const ParseOptions& options, TraceSink& sink);

// The same for text without padding (copied into a per-thread buffer first).
void parse_traces_text(std::string_view text, TextFormat format, const std::string& source,
                       const ParseOptions& options, TraceSink& sink);

// Why simdjson refused text: "truncated JSON (unexpected end of input)",
// "not valid UTF-8 (first bad byte at offset 12)", "JSON nesting deeper than 128 ...".
std::string explain_json_error(int simdjson_error, const char* data, size_t size, size_t max_depth);

}  // namespace dashflow::tracedir
