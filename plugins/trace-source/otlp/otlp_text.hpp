// Reading a unit's text into spans: a whole OTLP/JSON document (one request,
// or an array of requests) or JSON Lines (one request per line, as the OTel
// file exporter writes). A *.json file whose first line is a complete JSON
// object followed by more lines is read as JSON Lines too: the Collector's
// file exporter writes JSON Lines under a .json name.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "dashflow/plugin.hpp"
#include "otlp_model.hpp"
#include "trace_text.hpp"

namespace dashflow::otlp {

struct TextOptions {
  size_t max_depth = 128;  // deeper JSON nesting is skipped with a reason
};

// Decodes data[0, size) into out. Every unreadable document, array element
// or line goes to sink.on_skip with the reason (the rest is still read).
// data must be followed by tracedir::PaddedBuffer::kPadding readable bytes.
// Never throws for bad input.
void read_spans(const char* data, size_t size, tracedir::TextFormat format, const std::string& source,
                const TextOptions& options, UnitSpans& out, TraceSink& sink);

// The same for text without padding (copied into a per-thread buffer first).
void read_spans_text(std::string_view text, tracedir::TextFormat format, const std::string& source,
                     const TextOptions& options, UnitSpans& out, TraceSink& sink);

// Reasons from the shared trace-dir helpers name "the trace-dir config";
// point them at this source's config instead.
std::string for_otlp(std::string reason);

}  // namespace dashflow::otlp
