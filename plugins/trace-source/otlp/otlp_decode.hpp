// Decoding one OTLP/JSON ExportTraceServiceRequest (= TracesData) from a
// simdjson DOM value into spans, following the OTLP/JSON rules
// (opentelemetry-proto docs/specification.md): lowerCamelCase keys, hex ids,
// 64-bit integers as decimal strings or numbers, enums as integers (string
// names accepted too), unknown fields ignored. Both scopeSpans and the older
// instrumentationLibrarySpans are read.
//
// A request is all or nothing, as Langfuse does with a bad batch: one broken
// span rejects the request with a reason naming the exact place, instead of
// silently dropping spans and mapping a trace with holes.
#pragma once

#include <simdjson.h>

#include <stdexcept>
#include <string>

#include "otlp_model.hpp"

namespace dashflow::otlp {

// what() is "<path>: <problem>", e.g. "resourceSpans[0].scopeSpans[1].spans[2].traceId:
// expected 32 hex digits (OTLP/JSON ids are hex, not base64), got 'S/kvNXezTaajzpKdDg5HNg=='";
// just "<problem>" when it concerns the whole request.
class DecodeError : public std::runtime_error {
 public:
  DecodeError(const std::string& path, const std::string& problem);
};

// Appends the spans of one request to out (nothing when it throws). line is
// recorded on every span (0 for a whole document). Throws DecodeError.
void decode_request(simdjson::dom::element request, uint64_t line, UnitSpans& out);

}  // namespace dashflow::otlp
