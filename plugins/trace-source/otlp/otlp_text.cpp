#include "otlp_text.hpp"

#include <simdjson.h>

#include <cstring>
#include <new>

#include "otlp_decode.hpp"
#include "padded_buffer.hpp"
#include "trace_fields.hpp"

namespace dashflow::otlp {
namespace {

using tracedir::TextFormat;

// A parser whose buffers grew past this is released after the unit.
constexpr size_t kParserKeepCapacity = 64u << 20;

// The per-thread parser, set to the wanted depth (simdjson counts the root as
// a level, so N levels of nesting need max_depth N + 1).
simdjson::dom::parser& thread_parser(size_t max_depth, simdjson::error_code& error) {
  thread_local simdjson::dom::parser parser;
  error = simdjson::SUCCESS;
  if (parser.max_depth() != max_depth + 1 || parser.capacity() == 0) {
    const size_t capacity = parser.capacity() > 4096 ? parser.capacity() : 4096;
    error = parser.allocate(capacity, max_depth + 1);
  }
  return parser;
}

struct ReleaseIfLarge {
  simdjson::dom::parser& parser;
  ~ReleaseIfLarge() {
    if (parser.capacity() > kParserKeepCapacity) parser = simdjson::dom::parser{};
  }
};

bool is_blank(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

class Reader {
 public:
  Reader(const std::string& source, const TextOptions& options, UnitSpans& out, TraceSink& sink)
      : source_(source), options_(options), out_(out), sink_(sink) {}

  void skip(uint64_t line, std::string reason) { sink_.on_skip(SkippedInput{source_, line, std::move(reason)}); }

  // One request; prefix names its place in a top-level array ("[3]").
  void request(simdjson::dom::element value, uint64_t line, const std::string& prefix) {
    try {
      decode_request(value, line, out_);
    } catch (const DecodeError& e) {
      std::string where = e.what();
      if (!prefix.empty()) where = prefix + (where.rfind("resourceSpans", 0) == 0 ? "." : ": ") + where;
      skip(line, std::move(where));
    } catch (const std::bad_alloc&) {
      skip(line, "out of memory while decoding the spans");
    }
  }

  void document(const char* data, size_t size, simdjson::dom::parser& parser) {
    simdjson::dom::element root;
    const auto error = parser.parse(data, size, false).get(root);
    if (error) {
      skip(0, for_otlp(tracedir::explain_json_error(error, data, size, options_.max_depth)));
      return;
    }
    if (root.type() == simdjson::dom::element_type::ARRAY) {
      simdjson::dom::array items;
      if (root.get(items) != simdjson::SUCCESS) return;
      size_t i = 0;
      for (simdjson::dom::element item : items) {
        request(item, 0, "[" + std::to_string(i) + "]");
        ++i;
      }
    } else if (root.type() == simdjson::dom::element_type::OBJECT) {
      request(root, 0, "");
    } else {
      skip(0, "expected an OTLP/JSON traces request (a JSON object with \"resourceSpans\") or an array of them, got " +
                  tracedir::describe(root));
    }
  }

  void lines(const char* data, size_t size, simdjson::dom::parser& parser) {
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
      const auto error = parser.parse(start, len, false).get(root);
      if (error) {
        skip(line, for_otlp(tracedir::explain_json_error(error, start, len, options_.max_depth)));
        continue;
      }
      if (root.type() != simdjson::dom::element_type::OBJECT) {
        skip(line, "expected an OTLP/JSON traces request (a JSON object with \"resourceSpans\") on the line, got " +
                       tracedir::describe(root));
        continue;
      }
      request(root, line, "");
    }
  }

 private:
  const std::string& source_;
  const TextOptions& options_;
  UnitSpans& out_;
  TraceSink& sink_;
};

// A .json file that is JSON Lines in disguise: its first line is a complete
// object and more non-blank text follows.
bool looks_like_lines(const char* data, size_t size, simdjson::dom::parser& parser) {
  const void* nl = std::memchr(data, '\n', size);
  if (!nl) return false;
  size_t len = static_cast<size_t>(static_cast<const char*>(nl) - data);
  const size_t rest = len + 1;
  if (is_blank(data + rest, size - rest)) return false;
  if (len > 0 && data[len - 1] == '\r') --len;
  if (len == 0 || is_blank(data, len)) return false;
  simdjson::dom::element root;
  return !parser.parse(data, len, false).get(root) && root.type() == simdjson::dom::element_type::OBJECT;
}

}  // namespace

std::string for_otlp(std::string reason) {
  static constexpr std::string_view kTheirs = "trace-dir config";
  for (size_t at = reason.find(kTheirs); at != std::string::npos; at = reason.find(kTheirs, at))
    reason.replace(at, kTheirs.size(), "otlp config");
  return reason;
}

void read_spans(const char* data, size_t size, TextFormat format, const std::string& source, const TextOptions& options,
                UnitSpans& out, TraceSink& sink) {
  // A UTF-8 byte order mark is not JSON, but editors write it; skip it.
  if (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    data += 3;
    size -= 3;
  }
  Reader reader(source, options, out, sink);
  simdjson::error_code error;
  simdjson::dom::parser& parser = thread_parser(options.max_depth, error);
  if (error) {
    reader.skip(0, std::string("cannot set up the JSON parser: ") + simdjson::error_message(error));
    return;
  }
  ReleaseIfLarge release{parser};
  if (format == TextFormat::Lines || looks_like_lines(data, size, parser)) reader.lines(data, size, parser);
  else reader.document(data, size, parser);
}

void read_spans_text(std::string_view text, TextFormat format, const std::string& source, const TextOptions& options,
                     UnitSpans& out, TraceSink& sink) {
  thread_local tracedir::PaddedBuffer buffer;
  buffer.clear();
  buffer.reserve(text.size());
  if (!text.empty()) std::memcpy(buffer.data(), text.data(), text.size());
  buffer.set_size(text.size());
  read_spans(buffer.data(), buffer.size(), format, source, options, out, sink);
  buffer.trim();
}

}  // namespace dashflow::otlp
