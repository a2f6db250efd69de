#include "otlp_decode.hpp"

#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include "trace_fields.hpp"  // describe(): "string", "negative integer -3", ...

namespace dashflow::otlp {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;
using tracedir::describe;

[[noreturn]] void fail(const std::string& path, const std::string& problem) { throw DecodeError(path, problem); }

[[noreturn]] void fail_type(const std::string& path, const std::string& expected, element value) {
  fail(path, "expected " + expected + ", got " + describe(value));
}

std::string field(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string item(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// Quoted and cut to a readable length for messages.
std::string quote(std::string_view text) {
  constexpr size_t kMax = 60;
  if (text.size() <= kMax) return "'" + std::string(text) + "'";
  // Cut on a UTF-8 character boundary: the reason ends up in JSON reports.
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(text.substr(0, cut)) + "...' (" + std::to_string(text.size()) + " bytes)";
}

object get_object(const std::string& path, element value, const char* what) {
  object o;
  if (value.get(o) != simdjson::SUCCESS) fail_type(path, what, value);
  return o;
}

// A repeated field: an array, or null (proto3 JSON's "default"). Returns
// false for null.
bool get_array(const std::string& path, element value, array& out) {
  if (value.type() == element_type::NULL_VALUE) return false;
  if (value.get(out) != simdjson::SUCCESS) fail_type(path, "an array", value);
  return true;
}

std::string get_string(const std::string& path, element value) {
  if (value.type() == element_type::NULL_VALUE) return {};
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS) fail_type(path, "a string", value);
  return std::string(text);
}

bool parse_u64(std::string_view text, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  out = v;
  return true;
}

bool parse_i64(std::string_view text, int64_t& out) {
  const bool negative = !text.empty() && text.front() == '-';
  uint64_t magnitude = 0;
  if (!parse_u64(negative ? text.substr(1) : text, magnitude)) return false;
  if (negative) {
    if (magnitude > uint64_t(std::numeric_limits<int64_t>::max()) + 1) return false;
    out = magnitude == uint64_t(std::numeric_limits<int64_t>::max()) + 1 ? std::numeric_limits<int64_t>::min()
                                                                         : -static_cast<int64_t>(magnitude);
    return true;
  }
  if (magnitude > uint64_t(std::numeric_limits<int64_t>::max())) return false;
  out = static_cast<int64_t>(magnitude);
  return true;
}

// fixed64 nanoseconds: a decimal string (the OTLP/JSON form) or a number.
uint64_t get_nanos(const std::string& path, element value) {
  constexpr const char* kExpected = "nanoseconds since the epoch as a decimal string or a non-negative number";
  switch (value.type()) {
    case element_type::NULL_VALUE:
      return 0;
    case element_type::STRING: {
      std::string_view text;
      uint64_t v = 0;
      if (value.get(text) == simdjson::SUCCESS && parse_u64(text, v)) return v;
      fail(path, std::string("expected ") + kExpected + ", got the string " + quote(text));
    }
    case element_type::UINT64:
      return value.get_uint64().value_unsafe();
    case element_type::INT64: {
      const int64_t v = value.get_int64().value_unsafe();
      if (v >= 0) return static_cast<uint64_t>(v);
      break;
    }
    case element_type::DOUBLE: {
      const double v = value.get_double().value_unsafe();
      if (std::isfinite(v) && v >= 0 && v < 1.8e19) return static_cast<uint64_t>(v);
      break;
    }
    default:
      break;
  }
  fail_type(path, kExpected, value);
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// A trace or span id: `digits` hex characters, any case, normalized to
// lowercase. Absent, null or "" gives "". All zeros (the invalid id) gives "".
std::string get_id(const std::string& path, element value, size_t digits) {
  if (value.type() == element_type::NULL_VALUE) return {};
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS) {
    if (value.type() == element_type::ARRAY)
      fail(path, "expected " + std::to_string(digits) + " hex digits, got an array (ids given as byte arrays are not OTLP/JSON)");
    fail_type(path, std::to_string(digits) + " hex digits", value);
  }
  if (text.empty()) return {};
  bool hex = text.size() == digits;
  for (char c : text) hex = hex && is_hex(c);
  if (!hex)
    fail(path, "expected " + std::to_string(digits) + " hex digits (OTLP/JSON ids are hex, not base64), got " + quote(text));
  std::string id(text);
  bool zero = true;
  for (char& c : id) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    zero = zero && c == '0';
  }
  return zero ? std::string() : id;
}

void get_key_values(const std::string& path, element value, json& out);

// An AnyValue unwrapped into a plain JSON value; {} (no value) gives null.
json get_any_value(const std::string& path, element value) {
  if (value.type() == element_type::NULL_VALUE) return nullptr;
  object o;
  if (value.get(o) != simdjson::SUCCESS)
    fail_type(path, "an AnyValue object such as {\"stringValue\": \"...\"}", value);
  for (auto f : o) {
    const std::string_view key = f.key;
    const element v = f.value;
    const std::string here = field(path, key);
    if (key == "stringValue") return get_string(here, v);
    if (key == "boolValue") {
      bool b = false;
      if (v.get(b) != simdjson::SUCCESS) fail_type(here, "true or false", v);
      return b;
    }
    if (key == "intValue") {
      // int64: a decimal string (OTLP/JSON) or a number (what JS encoders write).
      if (v.type() == element_type::INT64) return v.get_int64().value_unsafe();
      if (v.type() == element_type::UINT64) {
        const uint64_t u = v.get_uint64().value_unsafe();
        if (u <= uint64_t(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(u);
      }
      if (v.type() == element_type::DOUBLE) {
        // proto3 JSON accepts exponent notation (1.5e3) for integers; only integral values fit.
        const double d = v.get_double().value_unsafe();
        if (std::isfinite(d) && d == std::floor(d) && d >= -9.2e18 && d <= 9.2e18) return static_cast<int64_t>(d);
      }
      std::string_view text;
      int64_t i = 0;
      if (v.get(text) == simdjson::SUCCESS && parse_i64(text, i)) return i;
      fail_type(here, "a 64-bit integer as a decimal string or a number", v);
    }
    if (key == "doubleValue") {
      double d = 0;
      if (v.is_number() && v.get(d) == simdjson::SUCCESS) return d;
      std::string_view text;
      if (v.get(text) == simdjson::SUCCESS) {
        // proto3 JSON writes the special values as strings.
        if (text == "NaN" || text == "Infinity" || text == "-Infinity") return std::string(text);
        try {
          size_t used = 0;
          const double parsed = std::stod(std::string(text), &used);
          if (used == text.size() && std::isfinite(parsed)) return parsed;
        } catch (const std::exception&) {
        }
      }
      fail_type(here, "a number", v);
    }
    if (key == "bytesValue") return get_string(here, v);  // base64 text, kept as is
    if (key == "arrayValue") {
      json values = json::array();
      const object inner = get_object(here, v, "an object {\"values\": [...]}");
      for (auto g : inner) {
        if (g.key != "values") continue;
        array items;
        if (!get_array(field(here, "values"), g.value, items)) continue;
        size_t i = 0;
        for (element x : items) values.push_back(get_any_value(item(field(here, "values"), i++), x));
      }
      return values;
    }
    if (key == "kvlistValue") {
      json values = json::object();
      const object inner = get_object(here, v, "an object {\"values\": [...]}");
      for (auto g : inner)
        if (g.key == "values") get_key_values(field(here, "values"), g.value, values);
      return values;
    }
    // Other members (e.g. string_value_strindex of the profiles signal) are ignored.
  }
  return nullptr;
}

// A list of KeyValue into out (later duplicates overwrite earlier ones).
void get_key_values(const std::string& path, element value, json& out) {
  if (value.type() == element_type::OBJECT)
    fail(path, "expected an array of {\"key\": ..., \"value\": {...}} objects, got an object "
               "(a {key: value} map is not OTLP/JSON)");
  array items;
  if (!get_array(path, value, items)) return;
  size_t i = 0;
  for (element x : items) {
    const std::string here = item(path, i++);
    const object kv = get_object(here, x, "an object {\"key\": ..., \"value\": {...}}");
    std::string key;
    bool has_key = false;
    json v;
    for (auto f : kv) {
      if (f.key == "key") {
        key = get_string(field(here, "key"), f.value);
        has_key = true;
      } else if (f.key == "value") {
        v = get_any_value(field(here, "value"), f.value);
      }
    }
    if (!has_key || key.empty()) fail(field(here, "key"), "missing or empty attribute key");
    out[key] = std::move(v);
  }
}

int get_kind(element value) {
  // Informational only: unknown values read as UNSPECIFIED instead of rejecting the span.
  int64_t n = -1;
  std::string_view text;
  if (value.type() == element_type::INT64 || value.type() == element_type::UINT64) {
    if (value.get(n) != simdjson::SUCCESS) n = -1;
  } else if (value.get(text) == simdjson::SUCCESS) {
    static constexpr std::string_view kNames[] = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
                                                  "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
    for (int i = 0; i < 6; ++i)
      if (text == kNames[i]) n = i;
    if (n < 0 && !parse_i64(text, n)) n = -1;
  }
  return n >= 0 && n <= 5 ? static_cast<int>(n) : 0;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

StatusCode get_status_code(const std::string& path, element value) {
  constexpr const char* kExpected = "0, 1, 2 or STATUS_CODE_UNSET, STATUS_CODE_OK, STATUS_CODE_ERROR";
  int64_t n = -1;
  std::string_view text;
  if (value.type() == element_type::NULL_VALUE) return StatusCode::Unset;
  if (value.type() == element_type::INT64 || value.type() == element_type::UINT64) {
    if (value.get(n) != simdjson::SUCCESS) n = -1;
    // proto3 keeps unknown enum numbers; they mean nothing here.
    return n == 1 ? StatusCode::Ok : n == 2 ? StatusCode::Error : StatusCode::Unset;
  }
  if (value.get(text) != simdjson::SUCCESS) fail_type(path, kExpected, value);
  if (iequals(text, "STATUS_CODE_ERROR") || iequals(text, "ERROR") || text == "2") return StatusCode::Error;
  if (iequals(text, "STATUS_CODE_OK") || iequals(text, "OK") || text == "1") return StatusCode::Ok;
  if (iequals(text, "STATUS_CODE_UNSET") || iequals(text, "UNSET") || text == "0") return StatusCode::Unset;
  fail(path, std::string("unknown status code ") + quote(text) + " (expected " + kExpected + ")");
}

void decode_status(const std::string& path, element value, Span& span) {
  if (value.type() == element_type::NULL_VALUE) return;
  const object o = get_object(path, value, "an object {\"code\": ..., \"message\": ...}");
  for (auto f : o) {
    if (f.key == "code") span.status = get_status_code(field(path, "code"), f.value);
    else if (f.key == "message") span.status_message = get_string(field(path, "message"), f.value);
  }
}

void decode_events(const std::string& path, element value, Span& span) {
  array items;
  if (!get_array(path, value, items)) return;
  size_t i = 0;
  for (element x : items) {
    const std::string here = item(path, i++);
    const object o = get_object(here, x, "an event object");
    SpanEvent event;
    element attributes;
    bool has_attributes = false;
    for (auto f : o) {
      if (f.key == "name") event.name = get_string(field(here, "name"), f.value);
      else if (f.key == "timeUnixNano") event.time_ns = get_nanos(field(here, "timeUnixNano"), f.value);
      else if (f.key == "attributes") {
        attributes = f.value;
        has_attributes = true;
      }
    }
    // Only exception events feed the mapping; the others are not kept.
    if (event.name != "exception") continue;
    if (has_attributes) get_key_values(field(here, "attributes"), attributes, event.attributes);
    span.events.push_back(std::move(event));
  }
}

void decode_span(const std::string& path, element value, size_t resource, const std::string& scope, uint64_t line,
                 std::vector<Span>& out) {
  const object o = get_object(path, value, "a span object");
  Span span;
  span.resource = resource;
  span.scope = scope;
  span.line = line;
  bool has_trace_id = false, has_span_id = false;
  for (auto f : o) {
    const std::string_view key = f.key;
    const element v = f.value;
    if (key == "traceId") {
      span.trace_id = get_id(field(path, key), v, 32);
      has_trace_id = true;
    } else if (key == "spanId") {
      span.span_id = get_id(field(path, key), v, 16);
      has_span_id = true;
    } else if (key == "parentSpanId") {
      span.parent_span_id = get_id(field(path, key), v, 16);
    } else if (key == "name") {
      span.name = get_string(field(path, key), v);
    } else if (key == "kind") {
      span.kind = get_kind(v);
    } else if (key == "startTimeUnixNano") {
      span.start_ns = get_nanos(field(path, key), v);
    } else if (key == "endTimeUnixNano") {
      span.end_ns = get_nanos(field(path, key), v);
    } else if (key == "attributes") {
      get_key_values(field(path, key), v, span.attributes);
    } else if (key == "events") {
      decode_events(field(path, key), v, span);
    } else if (key == "status") {
      decode_status(field(path, key), v, span);
    }
    // traceState, flags, links, dropped*Count: not used.
  }
  if (span.trace_id.empty())
    fail(field(path, "traceId"), has_trace_id ? "is empty or all zeros (an invalid trace id)"
                                              : "missing (every span needs one; OTLP logs sent as traces have no ids)");
  if (span.span_id.empty())
    fail(field(path, "spanId"), has_span_id ? "is empty or all zeros (an invalid span id)"
                                            : "missing (every span needs one; OTLP logs sent as traces have no ids)");
  out.push_back(std::move(span));
}

// scopeSpans[i] or instrumentationLibrarySpans[i].
void decode_scope_spans(const std::string& path, element value, size_t resource, uint64_t line, std::vector<Span>& out) {
  const object o = get_object(path, value, "an object with \"spans\"");
  std::string scope;
  for (auto f : o) {
    if (f.key != "scope" && f.key != "instrumentationLibrary") continue;
    if (f.value.type() == element_type::NULL_VALUE) continue;
    const std::string here = field(path, f.key);
    for (auto g : get_object(here, f.value, "an object {\"name\": ..., \"version\": ...}"))
      if (g.key == "name") scope = get_string(field(here, "name"), g.value);
  }
  for (auto f : o) {
    if (f.key != "spans") continue;
    array spans;
    if (!get_array(field(path, "spans"), f.value, spans)) continue;
    size_t i = 0;
    for (element s : spans) {
      decode_span(item(field(path, "spans"), i), s, resource, scope, line, out);
      ++i;
    }
  }
}

// Names the kind of JSON object that is not a traces request.
std::string not_a_request(object root) {
  std::string keys;
  size_t n = 0;
  bool logs = false, metrics = false, snake = false, dashflow = false, profiles = false;
  for (auto f : root) {
    const std::string_view key = f.key;
    logs = logs || key == "resourceLogs" || key == "resource_logs";
    metrics = metrics || key == "resourceMetrics" || key == "resource_metrics";
    profiles = profiles || key == "resourceProfiles";
    snake = snake || key == "resource_spans";
    dashflow = dashflow || key == "nodes_executed";
    if (n < 6) keys += (n ? ", " : "") + std::string(key);
    ++n;
  }
  if (n > 6) keys += ", ...";
  if (logs) return "holds OTLP logs (resourceLogs), not traces; the otlp source reads trace exports only";
  if (metrics) return "holds OTLP metrics (resourceMetrics), not traces; the otlp source reads trace exports only";
  if (profiles) return "holds OTLP profiles (resourceProfiles), not traces; the otlp source reads trace exports only";
  if (snake)
    return "uses snake_case keys (resource_spans); OTLP/JSON requires lowerCamelCase (resourceSpans, scopeSpans, "
           "traceId, ...)";
  if (dashflow) return "is a DashFlow ExecutionTrace, not OTLP; read it with the trace-dir source";
  if (n == 0) return "is an empty object, not an OTLP/JSON traces request (expected {\"resourceSpans\": [...]})";
  return "is not an OTLP/JSON traces request: expected a top-level object with \"resourceSpans\" (found keys: " + keys + ")";
}

}  // namespace

DecodeError::DecodeError(const std::string& path, const std::string& problem)
    : std::runtime_error(path.empty() ? problem : path + ": " + problem) {}

void decode_request(element request, uint64_t line, UnitSpans& out) {
  const object root = get_object("", request, "a JSON object (an ExportTraceServiceRequest)");
  bool found = false;
  std::vector<json> resources;
  std::vector<Span> spans;
  for (auto f : root) {
    if (f.key != "resourceSpans") continue;
    found = true;
    array entries;
    if (!get_array("resourceSpans", f.value, entries)) continue;
    size_t i = 0;
    for (element entry : entries) {
      const std::string path = item("resourceSpans", i++);
      const object rs = get_object(path, entry, "an object with \"resource\" and \"scopeSpans\"");
      const size_t resource = out.resources.size() + resources.size();
      json attributes = json::object();
      for (auto g : rs) {
        if (g.key != "resource" || g.value.type() == element_type::NULL_VALUE) continue;
        for (auto h : get_object(field(path, "resource"), g.value, "an object {\"attributes\": [...]}"))
          if (h.key == "attributes") get_key_values(field(path, "resource.attributes"), h.value, attributes);
      }
      resources.push_back(std::move(attributes));
      for (auto g : rs) {
        if (g.key != "scopeSpans" && g.key != "instrumentationLibrarySpans") continue;
        const std::string here = field(path, g.key);
        array scopes;
        if (!get_array(here, g.value, scopes)) continue;
        size_t k = 0;
        for (element s : scopes) decode_scope_spans(item(here, k++), s, resource, line, spans);
      }
    }
  }
  if (!found) fail("", not_a_request(root));
  for (auto& r : resources) out.resources.push_back(std::move(r));
  for (auto& s : spans) {
    s.order = out.spans.size();
    out.spans.push_back(std::move(s));
  }
}

}  // namespace dashflow::otlp
