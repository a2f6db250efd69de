#include "otlp_source.hpp"

#include <exception>
#include <new>

#include "file_reader.hpp"
#include "otlp_text.hpp"
#include "padded_buffer.hpp"
#include "trace_assembly.hpp"
#include "trace_files.hpp"

namespace dashflow::otlp {
namespace {

// Returns the per-thread buffers to their normal size, whatever happens.
struct TrimOnExit {
  tracedir::PaddedBuffer& a;
  tracedir::PaddedBuffer& b;
  ~TrimOnExit() {
    a.trim();
    b.trim();
  }
};

}  // namespace

OtlpSource::OtlpSource(const PluginContext& context) : config_(OtlpConfig::from_json(context.config())) {}

OtlpSource::OtlpSource(OtlpConfig config) : config_(std::move(config)) {}

std::vector<TraceUnit> OtlpSource::list_units() { return tracedir::list_trace_files(config_.listing()); }

void OtlpSource::read_unit(const TraceUnit& unit, TraceSink& sink) const {
  thread_local tracedir::PaddedBuffer file_bytes;
  thread_local tracedir::PaddedBuffer inflated;
  TrimOnExit trim{file_bytes, inflated};
  const std::string& source = unit.locator;
  const size_t slash = source.find_last_of('/');
  const tracedir::FileKind kind = tracedir::classify(slash == std::string::npos ? source : source.substr(slash + 1));
  try {
    std::string error = tracedir::read_file(source, config_.max_file_mb, file_bytes);
    if (!error.empty()) {
      sink.on_skip(SkippedInput{source, 0, for_otlp(std::move(error))});
      return;
    }
    const tracedir::PaddedBuffer* text = &file_bytes;
    if (kind.gzip) {
      if (file_bytes.size() == 0) {
        sink.on_skip(SkippedInput{source, 0, "empty file (no gzip data)"});
        return;
      }
      error = tracedir::gunzip(file_bytes.data(), file_bytes.size(), config_.max_file_mb, inflated);
      if (!error.empty()) {
        sink.on_skip(SkippedInput{source, 0, for_otlp(std::move(error))});
        return;
      }
      text = &inflated;
    }
    UnitSpans spans;
    TextOptions options;
    options.max_depth = static_cast<size_t>(config_.max_depth);
    read_spans(text->data(), text->size(), kind.format, source, options, spans, sink);
    if (spans.spans.empty()) return;

    AssemblyOptions assembly;
    assembly.keep_attributes = config_.keep_attributes;
    assembly.keep_content = config_.keep_content;
    std::vector<AssembledTrace> traces;
    try {
      traces = assemble_traces(spans, assembly);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      // Not expected for any input; reported instead of losing the run.
      sink.on_skip(SkippedInput{source, 0, std::string("internal error while mapping the spans to traces: ") + e.what() +
                                               " (please report this file)"});
      return;
    }
    for (AssembledTrace& t : traces) {
      TraceOrigin origin;
      origin.source = source;
      origin.line = t.line;
      origin.started_at_ms = static_cast<int64_t>(t.start_ns / 1000000u);
      sink.on_trace(std::move(t.trace), origin);
    }
  } catch (const std::bad_alloc&) {
    sink.on_skip(SkippedInput{source, 0, "out of memory while reading the file"});
  }
}

}  // namespace dashflow::otlp
