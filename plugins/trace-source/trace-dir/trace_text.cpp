#include "trace_text.hpp"

#include <simdjson.h>

#include <cstring>
#include <new>

#include "dashflow/json.hpp"
#include "dashflow/time.hpp"
#include "padded_buffer.hpp"
#include "trace_fields.hpp"

namespace dashflow::tracedir {
namespace {

static_assert(PaddedBuffer::kPadding >= simdjson::SIMDJSON_PADDING, "padding must cover simdjson's reads past the end");

// Documents up to this size get a precise syntax error position (from a
// second, slower parse with nlohmann on the error path only).
constexpr size_t kLocateLimit = 16u << 20;
// A parser whose buffers grew past this is released after the document.
constexpr size_t kParserKeepCapacity = 64u << 20;

// The per-thread parser, set to the wanted depth. simdjson counts the root
// as one level, so N levels of nesting need max_depth N + 1.
simdjson::dom::parser& thread_parser(size_t max_depth, simdjson::error_code& error) {
  thread_local simdjson::dom::parser parser;
  error = simdjson::SUCCESS;
  if (parser.max_depth() != max_depth + 1 || parser.capacity() == 0) {
    const size_t capacity = parser.capacity() > 4096 ? parser.capacity() : 4096;
    error = parser.allocate(capacity, max_depth + 1);
  }
  return parser;
}

void release_if_large(simdjson::dom::parser& parser) {
  if (parser.capacity() > kParserKeepCapacity) parser = simdjson::dom::parser{};
}

bool is_blank(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

// True when the text ends inside a string or an open array/object.
bool ends_early(const char* p, size_t n) {
  long depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return in_string || depth > 0;
}

// Offset of the first byte that breaks UTF-8, or n when there is none.
size_t first_bad_utf8(const unsigned char* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return n;
}

// nlohmann's message names line and column; drop its "[json.exception...] " tag.
std::string locate_syntax_error(const char* data, size_t size) {
  try {
    const nlohmann::json parsed = nlohmann::json::parse(data, data + size);
    (void)parsed;
  } catch (const nlohmann::json::parse_error& e) {
    std::string message = e.what();
    const size_t tag_end = message.find("] ");
    if (tag_end != std::string::npos) message.erase(0, tag_end + 2);
    return message;
  } catch (const std::exception&) {
  }
  return "";
}

class Emitter {
 public:
  Emitter(const std::string& source, TraceSink& sink, const ParseOptions& options)
      : source_(source), sink_(sink) {
    read_options_.payloads = options.payloads;
  }

  void skip(uint64_t line, std::string reason) { sink_.on_skip(SkippedInput{source_, line, std::move(reason)}); }

  // One trace object; prefix names its place in a top-level array ("[3]").
  void trace(simdjson::dom::element value, uint64_t line, const std::string& prefix) {
    ExecutionTrace trace;
    try {
      read_trace(value, trace, read_options_);
    } catch (const FieldError& e) {
      skip(line, prefix.empty() ? std::string(e.what()) : std::string(e.nested(prefix).what()));
      return;
    } catch (const std::bad_alloc&) {
      skip(line, "out of memory while reading the trace");
      return;
    }
    TraceOrigin origin;
    origin.source = source_;
    origin.line = line;
    if (trace.started_at) origin.started_at_ms = parse_rfc3339_ms(*trace.started_at).value_or(0);
    sink_.on_trace(std::move(trace), origin);
  }

 private:
  const std::string& source_;
  TraceSink& sink_;
  ReadOptions read_options_;
};

void parse_document(const char* data, size_t size, const ParseOptions& options, Emitter& emit) {
  simdjson::error_code error;
  simdjson::dom::parser& parser = thread_parser(options.max_depth, error);
  if (error) {
    emit.skip(0, std::string("cannot set up the JSON parser: ") + simdjson::error_message(error));
    return;
  }
  simdjson::dom::element root;
  error = parser.parse(data, size, false).get(root);
  if (error) {
    emit.skip(0, explain_json_error(error, data, size, options.max_depth));
    release_if_large(parser);
    return;
  }
  if (root.type() == simdjson::dom::element_type::ARRAY) {
    size_t i = 0;
    simdjson::dom::array items;
    if (root.get(items) != simdjson::SUCCESS) return;
    for (simdjson::dom::element item : items) {
      emit.trace(item, 0, "[" + std::to_string(i) + "]");
      ++i;
    }
  } else if (root.type() == simdjson::dom::element_type::OBJECT) {
    emit.trace(root, 0, "");
  } else {
    emit.skip(0, "expected a JSON object (one trace) or an array of traces at the top level, got " + describe(root));
  }
  release_if_large(parser);
}

void parse_lines(const char* data, size_t size, const ParseOptions& options, Emitter& emit) {
  simdjson::error_code error;
  simdjson::dom::parser& parser = thread_parser(options.max_depth, error);
  if (error) {
    emit.skip(0, std::string("cannot set up the JSON parser: ") + simdjson::error_message(error));
    return;
  }
  uint64_t line = 0;
  size_t pos = 0;
  while (pos < size) {
    ++line;
    const char* start = data + pos;
    const void* nl = std::memchr(start, '\n', size - pos);
    size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : size - pos;
    pos += len + 1;
    if (len > 0 && start[len - 1] == '\r') --len;
    if (is_blank(start, len)) continue;
    // The bytes after the line (the rest of the buffer, then the padding)
    // are readable, which is all simdjson needs.
    simdjson::dom::element root;
    error = parser.parse(start, len, false).get(root);
    if (error) {
      emit.skip(line, explain_json_error(error, start, len, options.max_depth));
      continue;
    }
    if (root.type() != simdjson::dom::element_type::OBJECT) {
      emit.skip(line, "expected a JSON object (one trace) on the line, got " + describe(root));
      continue;
    }
    emit.trace(root, line, "");
  }
  release_if_large(parser);
}

}  // namespace

std::string explain_json_error(int code, const char* data, size_t size, size_t max_depth) {
  const auto error = static_cast<simdjson::error_code>(code);
  switch (error) {
    case simdjson::EMPTY:
      return "empty file (no JSON found)";
    case simdjson::UTF8_ERROR:
      return "not valid UTF-8 (first bad byte at offset " +
             std::to_string(first_bad_utf8(reinterpret_cast<const unsigned char*>(data), size)) + ")";
    case simdjson::DEPTH_ERROR:
      return "JSON nesting deeper than " + std::to_string(max_depth) +
             " (raise max_depth in the trace-dir config to read it)";
    case simdjson::CAPACITY:
      return "document is too large for the JSON parser";
    case simdjson::MEMALLOC:
      return "out of memory while parsing";
    default:
      break;
  }
  // Stage 1 may stop at a structural problem before it reports bad UTF-8;
  // binary garbage is better named as such.
  if (!simdjson::validate_utf8(data, size))
    return "not valid UTF-8 (first bad byte at offset " +
           std::to_string(first_bad_utf8(reinterpret_cast<const unsigned char*>(data), size)) + ")";
  if (ends_early(data, size)) return "truncated JSON (unexpected end of input)";
  if (size <= kLocateLimit) {
    const std::string where = locate_syntax_error(data, size);
    if (!where.empty()) return "invalid JSON: " + where;
  }
  return std::string("invalid JSON (") + simdjson::error_message(error) + ")";
}

void parse_traces(const char* data, size_t size, TextFormat format, const std::string& source,
                  const ParseOptions& options, TraceSink& sink) {
  // A UTF-8 byte order mark is not JSON, but editors write it; skip it.
  if (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    data += 3;
    size -= 3;
  }
  Emitter emit(source, sink, options);
  if (format == TextFormat::Lines) {
    parse_lines(data, size, options, emit);
  } else {
    parse_document(data, size, options, emit);
  }
}

void parse_traces_text(std::string_view text, TextFormat format, const std::string& source,
                       const ParseOptions& options, TraceSink& sink) {
  thread_local PaddedBuffer buffer;
  buffer.clear();
  buffer.reserve(text.size());
  if (!text.empty()) std::memcpy(buffer.data(), text.data(), text.size());
  buffer.set_size(text.size());
  parse_traces(buffer.data(), buffer.size(), format, source, options, sink);
  buffer.trim();
}

}  // namespace dashflow::tracedir
