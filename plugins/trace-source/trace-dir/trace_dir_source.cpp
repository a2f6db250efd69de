#include "trace_dir_source.hpp"

#include <new>

#include "file_reader.hpp"
#include "padded_buffer.hpp"
#include "trace_files.hpp"
#include "trace_text.hpp"

namespace dashflow::tracedir {
namespace {

// Returns the per-thread buffers to their normal size, whatever happens.
struct TrimOnExit {
  PaddedBuffer& a;
  PaddedBuffer& b;
  ~TrimOnExit() {
    a.trim();
    b.trim();
  }
};

}  // namespace

TraceDirSource::TraceDirSource(const PluginContext& context) : config_(TraceDirConfig::from_json(context.config())) {}

TraceDirSource::TraceDirSource(TraceDirConfig config) : config_(std::move(config)) {}

std::vector<TraceUnit> TraceDirSource::list_units() { return list_trace_files(config_); }

void TraceDirSource::read_unit(const TraceUnit& unit, TraceSink& sink) const {
  thread_local PaddedBuffer file_bytes;
  thread_local PaddedBuffer inflated;
  TrimOnExit trim{file_bytes, inflated};
  const std::string& source = unit.locator;
  const size_t slash = source.find_last_of('/');
  const FileKind kind = classify(slash == std::string::npos ? source : source.substr(slash + 1));
  try {
    std::string error = read_file(source, config_.max_file_mb, file_bytes);
    if (!error.empty()) {
      sink.on_skip(SkippedInput{source, 0, std::move(error)});
      return;
    }
    const PaddedBuffer* text = &file_bytes;
    if (kind.gzip) {
      if (file_bytes.size() == 0) {
        sink.on_skip(SkippedInput{source, 0, "empty file (no gzip data)"});
        return;
      }
      error = gunzip(file_bytes.data(), file_bytes.size(), config_.max_file_mb, inflated);
      if (!error.empty()) {
        sink.on_skip(SkippedInput{source, 0, std::move(error)});
        return;
      }
      text = &inflated;
    }
    ParseOptions options;
    options.max_depth = static_cast<size_t>(config_.max_depth);
    options.payloads = config_.payloads;
    parse_traces(text->data(), text->size(), kind.format, source, options, sink);
  } catch (const std::bad_alloc&) {
    sink.on_skip(SkippedInput{source, 0, "out of memory while reading the file"});
  }
}

}  // namespace dashflow::tracedir
