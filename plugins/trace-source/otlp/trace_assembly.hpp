// Spans -> ExecutionTrace. Spans are grouped by trace id within one unit
// (file) and each group becomes one trace. The rules (README.md has the full
// list, with the reasons):
//
// - The root span (no parent) is the run: trace start/end/duration, graph
//   name, session. Unclassified single-child wrappers on top (an HTTP server
//   span around the agent) are looked through to find the run span.
// - The run span's children are the nodes, in start-time order; each folds
//   its whole subtree in: tokens, model, cost, tools, errors. A lone span, or
//   a run span that is itself an LLM/tool/... call, is its own single node.
// - Tool spans inside a node are its tools_called/tool_calls; a tool span
//   directly under the run is a node of its own (calling itself).
// - Orphans (parent not in the unit) hang under the run span; without
//   exactly one root the trace is partial: its top spans become the nodes and
//   completed is false. Parent cycles are broken the same way.
// - Tokens count once: a span's report counts only when no span below it
//   reports tokens (parents that repeat their children's sums add nothing).
// - Errors: each failing span (ERROR status or escaped exception) gives one
//   ErrorTrace, unless it only repeats a failure already recorded below it
//   (the same exception propagating up). Handled exceptions go to metadata.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dashflow/types.hpp"
#include "otlp_model.hpp"

namespace dashflow::otlp {

struct AssemblyOptions {
  bool keep_attributes = true;  // span attributes in node metadata, resource attributes in trace metadata
  bool keep_content = false;    // also message/prompt/document payloads
};

struct AssembledTrace {
  ExecutionTrace trace;
  std::string trace_id;
  uint64_t line = 0;         // first JSON Lines line holding one of its spans (0: whole document)
  uint64_t start_ns = 0;     // of the run (0 when unknown)
};

// All traces of a unit, ordered by start time, then trace id. Never throws for
// odd span data (missing parents, skew, cycles, duplicates).
std::vector<AssembledTrace> assemble_traces(const UnitSpans& unit, const AssemblyOptions& options);

// Nanoseconds since the epoch as RFC 3339 UTC with the shortest exact
// fraction (none, 3, 6 or 9 digits): "2026-01-15T10:01:00.010Z".
std::string format_unix_nanos(uint64_t ns);

// Span duration in whole milliseconds (rounded to nearest), 0 when the end is
// missing or before the start (clock skew).
uint64_t duration_ms(uint64_t start_ns, uint64_t end_ns);

}  // namespace dashflow::otlp
