// The spans of one unit (file), decoded from OTLP/JSON into plain structs:
// ids normalized to lowercase hex, 64-bit integers parsed, AnyValue
// attributes unwrapped into plain JSON values (stringValue -> string,
// intValue -> integer, kvlistValue -> object, ...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dashflow/json.hpp"

namespace dashflow::otlp {

// OTLP status.code.
enum class StatusCode { Unset = 0, Ok = 1, Error = 2 };

// A span event. Only "exception" events are kept (the rest is not used).
struct SpanEvent {
  std::string name;
  uint64_t time_ns = 0;
  json attributes = json::object();
};

struct Span {
  std::string trace_id;        // 32 lowercase hex digits
  std::string span_id;         // 16 lowercase hex digits
  std::string parent_span_id;  // empty on a root (absent, "" or all zeros)
  std::string name;
  int kind = 0;                // 0 UNSPECIFIED, 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER
  uint64_t start_ns = 0;       // 0 when absent
  uint64_t end_ns = 0;         // 0 when absent (span not ended)
  json attributes = json::object();
  std::vector<SpanEvent> events;
  StatusCode status = StatusCode::Unset;
  std::string status_message;
  size_t resource = 0;  // index into UnitSpans::resources
  std::string scope;    // instrumentation scope name
  uint64_t line = 0;    // 1-based JSON Lines line, 0 for a whole document
  size_t order = 0;     // position in the unit: the tie-breaker for equal start times
};

// Everything decoded from one unit.
struct UnitSpans {
  std::vector<json> resources;  // resource attributes, one object per resourceSpans entry
  std::vector<Span> spans;
};

}  // namespace dashflow::otlp
