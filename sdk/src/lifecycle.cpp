#include "dashflow/lifecycle.hpp"

#include "dashflow/errors.hpp"
#include "dashflow/json.hpp"

namespace dashflow {

PlanFolder folder_of(const PlanStatus& status) {
  switch (status.value.index()) {
    case 0:
    case 1: return PlanFolder::Pending;
    case 2: return PlanFolder::Approved;
    case 3: return PlanFolder::Implemented;
    default: return PlanFolder::Failed;
  }
}

const char* folder_name(PlanFolder folder) {
  switch (folder) {
    case PlanFolder::Pending: return "pending";
    case PlanFolder::Approved: return "approved";
    case PlanFolder::Implemented: return "implemented";
    case PlanFolder::Failed: return "failed";
  }
  return "pending";
}

bool is_open(const PlanStatus& status) {
  PlanFolder f = folder_of(status);
  return f == PlanFolder::Pending || f == PlanFolder::Approved;
}

void check_plan_transition(const std::string& plan_id, const PlanStatus& from, const PlanStatus& to) {
  const std::string id8 = plan_id.substr(0, 8);
  const std::string current = status_name(from);
  const std::string target = status_name(to);
  auto refuse = [&](const std::string& rule) {
    throw TransitionError("plan " + id8 + " is " + current + "; " + rule);
  };
  const bool from_pending = folder_of(from) == PlanFolder::Pending;
  const bool from_approved = folder_of(from) == PlanFolder::Approved;
  switch (to.value.index()) {
    case 0:  // Proposed
      refuse("a plan cannot go back to Proposed");
      break;
    case 1:  // Validated
      if (from.value.index() != 0 && from.value.index() != 1) refuse("only pending plans can be validated");
      break;
    case 2:  // InProgress (approve)
      if (from_approved) refuse("it is already approved (in progress)");
      if (!from_pending) refuse("only pending plans (Proposed or Validated) can be approved");
      break;
    case 3:  // Implemented (complete)
      if (!from_approved) refuse("only approved (InProgress) plans can be completed; approve it first");
      break;
    case 4:  // Failed
      if (!from_pending && !from_approved) refuse("only open plans (pending or approved) can be failed");
      break;
    case 5:  // Superseded
      if (!from_pending && !from_approved) refuse("only open plans (pending or approved) can be superseded");
      if (std::get<PlanStatus::Superseded>(to.value).by == plan_id) refuse("a plan cannot supersede itself");
      break;
  }
}

const char* hypothesis_folder(const HypothesisStatus& status) {
  return (status.kind == HypothesisStatus::Kind::Active || status.kind == HypothesisStatus::Kind::Pending)
             ? "active"
             : "evaluated";
}

}  // namespace dashflow
