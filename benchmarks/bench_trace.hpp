// The realistic 3-node trace (planner, retriever, a failing tool call) the
// micro-benchmarks feed to analyzers, parsed once.
#pragma once

#include "dashflow/json.hpp"
#include "dashflow/types.hpp"

namespace dashflow::bench {

inline constexpr const char* kSampleTrace = R"json({
  "thread_id": "session-42", "execution_id": "7f3c2a9e-5b1d-4c8e-9a0f-2d6b8e1c4a57", "depth": 0,
  "nodes_executed": [
    {"node": "planner", "duration_ms": 412, "tokens_used": 1250, "state_before": null, "state_after": null,
     "tools_called": [], "success": true, "error_message": null, "index": 0,
     "started_at": "2025-12-15T10:30:00.100+00:00", "metadata": {}},
    {"node": "retriever", "duration_ms": 1240, "tokens_used": 0, "state_before": null, "state_after": null,
     "tools_called": ["vector_search"], "success": true, "error_message": null, "index": 1,
     "started_at": "2025-12-15T10:30:00.520+00:00", "metadata": {}},
    {"node": "tool_executor", "duration_ms": 183, "tokens_used": 0, "state_before": null, "state_after": null,
     "tools_called": ["search"], "success": false, "error_message": "tool 'geocode' not found", "index": 2,
     "started_at": "2025-12-15T10:30:01.770+00:00", "metadata": {}}
  ],
  "total_duration_ms": 1850, "total_tokens": 1250,
  "errors": [
    {"node": "tool_executor", "message": "tool 'geocode' not found", "error_type": "ToolError",
     "state_at_error": null, "timestamp": "2025-12-15T10:30:01.960+00:00", "execution_index": 2,
     "recoverable": false, "retry_attempted": false, "context": null, "metadata": {}}
  ],
  "completed": false, "started_at": "2025-12-15T10:30:00.100+00:00", "ended_at": "2025-12-15T10:30:01.990+00:00",
  "final_state": null, "metadata": {"graph_name": "weather_bot"}
})json";

inline const ExecutionTrace& sample_trace() {
  static const ExecutionTrace t = from_json_text<ExecutionTrace>(kSampleTrace);
  return t;
}

}  // namespace dashflow::bench
