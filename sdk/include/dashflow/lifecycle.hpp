// The plan state machine, shared by every storage backend:
//   Proposed|Validated (pending) -> InProgress (approved) -> Implemented | Failed
//   Proposed -> Validated; any open state -> Superseded; pending -> Failed.
#pragma once

#include <string>

#include "dashflow/types.hpp"

namespace dashflow {

PlanFolder folder_of(const PlanStatus& status);
const char* folder_name(PlanFolder folder);  // "pending", "approved", "implemented", "failed"
bool is_open(const PlanStatus& status);       // pending or approved

// Throws TransitionError ("plan 1a2b3c4d is Implemented; only pending plans can be approved") when illegal.
void check_plan_transition(const std::string& plan_id, const PlanStatus& from, const PlanStatus& to);

// Hypothesis folder: "active" or "evaluated".
const char* hypothesis_folder(const HypothesisStatus& status);

}  // namespace dashflow
