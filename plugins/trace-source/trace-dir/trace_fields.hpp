// Turns one parsed JSON value (simdjson DOM) into an ExecutionTrace with the
// same acceptance rules as the SDK's nlohmann from_json (DashFlow's serde
// shape, reference/dashflow-core.md §1): required fields enforced, Option
// fields absent or null, unknown fields ignored, u64 fields non-negative
// integers. Heavy payloads (state snapshots, final_state) are kept as minified
// JSON text in RawJson when asked for, and skipped otherwise: minifying them
// is most of the parse cost and no built-in analyzer reads them.
#pragma once

#include <simdjson.h>

#include <stdexcept>
#include <string>

#include "dashflow/types.hpp"

namespace dashflow::tracedir {

// A value that breaks the trace shape. what() is "<path>: <problem>", e.g.
// "nodes_executed[2].duration_ms: expected a non-negative integer, got string".
class FieldError : public std::runtime_error {
 public:
  FieldError(std::string path, std::string problem);
  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }
  // The same error one level further out: prefix "nodes_executed[2]".
  FieldError nested(const std::string& prefix) const;

 private:
  std::string path_;
  std::string problem_;
};

struct ReadOptions {
  // Keep state_before/state_after/state_at_error/final_state. When false they
  // are left empty (any JSON value is accepted there, so nothing goes unchecked).
  bool payloads = true;
};

// Fills trace from value. Throws FieldError.
void read_trace(simdjson::dom::element value, ExecutionTrace& trace, const ReadOptions& options = {});

// "string", "negative integer -3", "number 1.5", "object", ...
std::string describe(simdjson::dom::element value);

}  // namespace dashflow::tracedir
