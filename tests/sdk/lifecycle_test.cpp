// sdk/src/lifecycle.cpp: the plan state machine, every move legal or not.
#include <gtest/gtest.h>

#include "dashflow/errors.hpp"
#include "dashflow/json.hpp"
#include "dashflow/lifecycle.hpp"

namespace {

using namespace dashflow;

const std::string kId = "1a2b3c4d-0000-4000-8000-000000000001";

std::vector<PlanStatus> all_statuses() {
  return {PlanStatus{PlanStatus::Proposed{}},
          PlanStatus{PlanStatus::Validated{}},
          PlanStatus{PlanStatus::InProgress{"2025-12-16T09:00:00Z", "me"}},
          PlanStatus{PlanStatus::Implemented{"2025-12-17T09:00:00Z", "abc"}},
          PlanStatus{PlanStatus::Failed{"why"}},
          PlanStatus{PlanStatus::Superseded{"ffffffff-0000-4000-8000-000000000002"}}};
}

// legal[from][to], indices as in all_statuses().
constexpr bool kLegal[6][6] = {
    // to: Proposed Validated InProgress Implemented Failed Superseded
    {false, true, true, false, true, true},     // from Proposed
    {false, true, true, false, true, true},     // from Validated
    {false, false, false, true, true, true},    // from InProgress
    {false, false, false, false, false, false}, // from Implemented
    {false, false, false, false, false, false}, // from Failed
    {false, false, false, false, false, false}, // from Superseded
};

TEST(Lifecycle, EveryTransition) {
  const auto statuses = all_statuses();
  for (size_t from = 0; from < statuses.size(); ++from) {
    for (size_t to = 0; to < statuses.size(); ++to) {
      const std::string move = status_name(statuses[from]) + " -> " + status_name(statuses[to]);
      if (kLegal[from][to]) {
        EXPECT_NO_THROW(check_plan_transition(kId, statuses[from], statuses[to])) << move;
      } else {
        try {
          check_plan_transition(kId, statuses[from], statuses[to]);
          ADD_FAILURE() << move << " was allowed";
        } catch (const TransitionError& e) {
          const std::string msg = e.what();
          EXPECT_NE(msg.find("plan 1a2b3c4d is " + status_name(statuses[from])), std::string::npos) << move << ": " << msg;
        }
      }
    }
  }
}

TEST(Lifecycle, MessagesSayWhatToDo) {
  const auto s = all_statuses();
  try {
    check_plan_transition(kId, s[0], s[3]);
    FAIL();
  } catch (const TransitionError& e) {
    EXPECT_STREQ(e.what(), "plan 1a2b3c4d is Proposed; only approved (InProgress) plans can be completed; approve it first");
  }
  try {
    check_plan_transition(kId, s[2], s[2]);
    FAIL();
  } catch (const TransitionError& e) {
    EXPECT_STREQ(e.what(), "plan 1a2b3c4d is InProgress; it is already approved (in progress)");
  }
}

TEST(Lifecycle, CannotSupersedeItself) {
  EXPECT_THROW(check_plan_transition(kId, all_statuses()[0], PlanStatus{PlanStatus::Superseded{kId}}), TransitionError);
}

TEST(Lifecycle, Folders) {
  const auto s = all_statuses();
  const PlanFolder expected[] = {PlanFolder::Pending, PlanFolder::Pending, PlanFolder::Approved,
                                 PlanFolder::Implemented, PlanFolder::Failed, PlanFolder::Failed};
  const bool open[] = {true, true, true, false, false, false};
  for (size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(folder_of(s[i]), expected[i]) << status_name(s[i]);
    EXPECT_EQ(is_open(s[i]), open[i]) << status_name(s[i]);
  }
  EXPECT_STREQ(folder_name(PlanFolder::Pending), "pending");
  EXPECT_STREQ(folder_name(PlanFolder::Approved), "approved");
  EXPECT_STREQ(folder_name(PlanFolder::Implemented), "implemented");
  EXPECT_STREQ(folder_name(PlanFolder::Failed), "failed");
}

TEST(Lifecycle, HypothesisFolders) {
  EXPECT_STREQ(hypothesis_folder({HypothesisStatus::Kind::Active, ""}), "active");
  EXPECT_STREQ(hypothesis_folder({HypothesisStatus::Kind::Pending, "x"}), "active");
  EXPECT_STREQ(hypothesis_folder({HypothesisStatus::Kind::Evaluated, ""}), "evaluated");
  EXPECT_STREQ(hypothesis_folder({HypothesisStatus::Kind::Superseded, "y"}), "evaluated");
}

}  // namespace
