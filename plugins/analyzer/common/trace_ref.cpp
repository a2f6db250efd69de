#include "dashflow_analyzers/trace_ref.hpp"

#include "dashflow/ids.hpp"
#include "dashflow/time.hpp"
#include "dashflow_analyzers/text.hpp"

namespace dashflow::analyzers {

TraceRef TraceRef::of(const ExecutionTrace& trace, const TraceOrigin& origin) {
  TraceRef r;
  r.started_at_ms = origin.started_at_ms;
  r.source = origin.source;
  r.line = origin.line;
  if (trace.thread_id) r.thread_id = *trace.thread_id;
  if (trace.execution_id) r.execution_id = *trace.execution_id;
  return r;
}

int compare_time(const TraceOrigin& origin, const TraceRef& ref) {
  if (origin.started_at_ms != ref.started_at_ms) return origin.started_at_ms < ref.started_at_ms ? -1 : 1;
  const int by_source = origin.source.compare(ref.source);
  if (by_source != 0) return by_source < 0 ? -1 : 1;
  if (origin.line != ref.line) return origin.line < ref.line ? -1 : 1;
  return 0;
}

Citation trace_citation(const TraceRef& ref) {
  Citation c;
  const std::string label = !ref.execution_id.empty() ? ref.execution_id
                            : !ref.thread_id.empty()  ? ref.thread_id
                                                      : base_name(ref.source);
  c.id = "trace-" + utf8_first_chars(label, 8);
  const std::string thread = !ref.thread_id.empty() ? ref.thread_id : label;
  c.source_type.value = CitationSource::ExecutionTrace{thread, format_rfc3339_ms(ref.started_at_ms)};
  if (!ref.thread_id.empty()) {
    c.description = "ExecutionTrace thread_id=" + ref.thread_id;
    c.retrieval = CitationRetrieval{CitationRetrieval::Kind::TraceStorage, "thread_id = '" + ref.thread_id + "'"};
  } else {
    c.description = "ExecutionTrace " + (ref.execution_id.empty() ? std::string("file=") + ref.source
                                                                   : "execution_id=" + ref.execution_id);
    if (ref.line > 0) c.description += " line " + std::to_string(ref.line);
    c.retrieval = CitationRetrieval{CitationRetrieval::Kind::File, ref.source};
  }
  return c;
}

Citation aggregation_citation(const std::string& query, const std::string& result_summary) {
  Citation c;
  c.id = "agg-" + fingerprint_of(query + "\n" + result_summary).substr(0, 8);
  c.source_type.value = CitationSource::Aggregation{query, result_summary};
  c.description = "Aggregation: " + result_summary;
  c.retrieval = CitationRetrieval{CitationRetrieval::Kind::Inline, result_summary};
  return c;
}

json trace_ref_to_json(const TraceRef& r) {
  return json::array({r.started_at_ms, r.source, r.line, r.thread_id, r.execution_id});
}

TraceRef trace_ref_from_json(const json& j) {
  TraceRef r;
  r.started_at_ms = j.at(0).get<int64_t>();
  r.source = j.at(1).get<std::string>();
  r.line = j.at(2).get<uint64_t>();
  r.thread_id = j.at(3).get<std::string>();
  r.execution_id = j.at(4).get<std::string>();
  return r;
}

}  // namespace dashflow::analyzers
