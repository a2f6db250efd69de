// fs storage: checked plan transitions, upsert by fingerprint, crash repair.
#include "storage_test_support.hpp"

namespace fstest {
namespace {

const std::string kId = "1a2b3c4d-0000-4000-8000-000000000001";

PlanStatus proposed() { return {PlanStatus::Proposed{}}; }
PlanStatus validated() { return {PlanStatus::Validated{}}; }
PlanStatus implemented() { return {PlanStatus::Implemented{"2025-12-16T10:00:00Z", "abc1234"}}; }
PlanStatus failed() { return {PlanStatus::Failed{"did not help"}}; }
PlanStatus superseded() { return {PlanStatus::Superseded{"ffff0000-0000-4000-8000-000000000000"}}; }

std::vector<std::string> folders_holding(const fs::path& root, const std::string& id) {
  std::vector<std::string> out;
  for (const char* f : {"pending", "approved", "implemented", "failed"})
    if (fs::exists(root / "plans" / f / (id + ".json"))) out.push_back(f);
  return out;
}

struct Case {
  const char* name;
  PlanStatus from;
  PlanStatus to;
  bool legal;
  const char* folder_after;
};

TEST(FsStorageTransitions, EveryLegalAndIllegalTransition) {
  const std::vector<Case> cases = {
      {"Proposed->Validated", proposed(), validated(), true, "pending"},
      {"Proposed->InProgress", proposed(), in_progress(), true, "approved"},
      {"Validated->InProgress", validated(), in_progress(), true, "approved"},
      {"Proposed->Failed", proposed(), failed(), true, "failed"},
      {"Validated->Superseded", validated(), superseded(), true, "failed"},
      {"InProgress->Implemented", in_progress(), implemented(), true, "implemented"},
      {"InProgress->Failed", in_progress(), failed(), true, "failed"},
      {"InProgress->Superseded", in_progress(), superseded(), true, "failed"},
      {"Validated->Proposed", validated(), proposed(), false, "pending"},
      {"Proposed->Implemented", proposed(), implemented(), false, "pending"},
      {"InProgress->InProgress", in_progress(), in_progress("other"), false, "approved"},
      {"InProgress->Validated", in_progress(), validated(), false, "approved"},
      {"Implemented->InProgress", implemented(), in_progress(), false, "implemented"},
      {"Implemented->Failed", implemented(), failed(), false, "implemented"},
      {"Implemented->Superseded", implemented(), superseded(), false, "implemented"},
      {"Failed->InProgress", failed(), in_progress(), false, "failed"},
      {"Failed->Implemented", failed(), implemented(), false, "failed"},
      {"Superseded->InProgress", superseded(), in_progress(), false, "failed"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    TestHost host;
    host.now_ms = kNow + 60000;
    auto store = make_storage(dir.path(), host);
    store->save_plan(sample_plan(kId, "fp", c.from));
    if (c.legal) {
      const ExecutionPlan after = store->transition_plan("1a2b3c", c.to);
      EXPECT_EQ(after.status.value.index(), c.to.value.index());
      EXPECT_EQ(after.updated_at, std::optional<std::string>("2025-12-15T10:31:00Z"));
      EXPECT_EQ(store->load_plan(kId), after);
    } else {
      try {
        store->transition_plan(kId, c.to);
        ADD_FAILURE() << "expected TransitionError";
      } catch (const TransitionError& e) {
        EXPECT_NE(std::string(e.what()).find(status_name(c.from)), std::string::npos) << e.what();
      }
      EXPECT_EQ(store->load_plan(kId).status, c.from);
    }
    EXPECT_EQ(folders_holding(dir.path(), kId), std::vector<std::string>{c.folder_after});
  }
}

TEST(FsStorageTransitions, ApproveTwiceNamesInProgress) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->save_plan(sample_plan(kId));
  const ExecutionPlan first = store->transition_plan(kId, {PlanStatus::InProgress{"", "alice"}});
  const auto& started = std::get<PlanStatus::InProgress>(first.status.value);
  EXPECT_EQ(started.started, "2025-12-15T10:30:00Z");  // filled from the host clock
  EXPECT_EQ(started.assignee, "alice");
  try {
    store->transition_plan(kId, {PlanStatus::InProgress{"", "bob"}});
    FAIL() << "expected TransitionError";
  } catch (const TransitionError& e) {
    EXPECT_NE(std::string(e.what()).find("InProgress"), std::string::npos) << e.what();
  }
  EXPECT_EQ(std::get<PlanStatus::InProgress>(store->load_plan(kId).status.value).assignee, "alice");
}

TEST(FsStorageUpsert, SameFingerprintUpdatesTheOpenPlan) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  ExecutionPlan first = sample_plan("", "tool:geocode:MissingTool");
  first.created_at.reset();
  const UpsertResult a = store->upsert_plan(first);
  EXPECT_TRUE(a.created);
  EXPECT_TRUE(looks_like_uuid(a.id));
  EXPECT_EQ(a.stored.occurrences, 1u);
  EXPECT_EQ(a.stored.created_at, std::optional<std::string>("2025-12-15T10:30:00Z"));

  host.now_ms = kNow + 3600000;
  ExecutionPlan again = sample_plan("6666aaaa-0000-4000-8000-000000000001", "tool:geocode:MissingTool");
  again.title = "Add tool geocode (seen again)";
  again.validation_score = 0.9;
  again.source_report_id = "report-2";
  const UpsertResult b = store->upsert_plan(again);
  EXPECT_FALSE(b.created);
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.stored.occurrences, 2u);
  EXPECT_EQ(b.stored.created_at, a.stored.created_at);
  EXPECT_EQ(b.stored.updated_at, std::optional<std::string>("2025-12-15T11:30:00Z"));
  const auto plans = store->list_plans(std::nullopt);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].title, "Add tool geocode (seen again)");
  EXPECT_DOUBLE_EQ(plans[0].validation_score, 0.9);
  EXPECT_EQ(plans[0].source_report_id, std::optional<std::string>("report-2"));

  // An approved plan is still open: it keeps its status and folder.
  store->transition_plan(a.id, in_progress());
  const UpsertResult c = store->upsert_plan(again);
  EXPECT_FALSE(c.created);
  EXPECT_EQ(c.id, a.id);
  EXPECT_EQ(c.stored.occurrences, 3u);
  EXPECT_TRUE(std::holds_alternative<PlanStatus::InProgress>(c.stored.status.value));
  EXPECT_EQ(store->list_plans(PlanFolder::Approved).size(), 1u);
  EXPECT_TRUE(store->list_plans(PlanFolder::Pending).empty());

  // A closed plan is never reused: the finding comes back as a new plan.
  store->transition_plan(a.id, implemented());
  const UpsertResult d = store->upsert_plan(again);
  EXPECT_TRUE(d.created);
  EXPECT_NE(d.id, a.id);
  EXPECT_EQ(d.stored.occurrences, 1u);
  EXPECT_EQ(store->list_plans(std::nullopt).size(), 2u);
  EXPECT_EQ(store->load_plan(a.id).status.value.index(), 3u);
}

TEST(FsStorageUpsert, EmptyFingerprintAlwaysCreates) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  EXPECT_TRUE(store->upsert_plan(sample_plan("")).created);
  EXPECT_TRUE(store->upsert_plan(sample_plan("")).created);
  EXPECT_EQ(store->list_plans(std::nullopt).size(), 2u);
}

TEST(FsStorageUpsert, DifferentFingerprintsAreDifferentPlans) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  EXPECT_TRUE(store->upsert_plan(sample_plan("", "a")).created);
  EXPECT_TRUE(store->upsert_plan(sample_plan("", "b")).created);
  EXPECT_FALSE(store->upsert_plan(sample_plan("", "a")).created);
  EXPECT_EQ(store->list_plans(std::nullopt).size(), 2u);
}

TEST(FsStorageCrashRepair, PlanInTwoFoldersKeepsTheLaterState) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->save_plan(sample_plan(kId, "fp"));
  // A crash between "write the approved copy" and "remove the pending one".
  ExecutionPlan approved = sample_plan(kId, "fp", in_progress());
  json j;
  to_json(j, approved);
  write_text(dir.path() / "plans" / "approved" / (kId + ".json"), j.dump(2));
  ASSERT_EQ(folders_holding(dir.path(), kId).size(), 2u);

  const auto plans = store->list_plans(std::nullopt);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<PlanStatus::InProgress>(plans[0].status.value));
  EXPECT_EQ(folders_holding(dir.path(), kId), std::vector<std::string>{"approved"});
  EXPECT_TRUE(host.warned_about("plan " + kId + " was stored in several folders"));
  EXPECT_TRUE(store->list_plans(PlanFolder::Pending).empty());
}

TEST(FsStorageCrashRepair, RepairedBeforeTransitionAndLoad) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->save_plan(sample_plan(kId, "fp", in_progress()));
  json j;
  to_json(j, sample_plan(kId, "fp", implemented()));
  write_text(dir.path() / "plans" / "implemented" / (kId + ".json"), j.dump(2));
  EXPECT_EQ(store->load_plan(kId).status.value.index(), 3u);
  EXPECT_EQ(folders_holding(dir.path(), kId), std::vector<std::string>{"implemented"});

  const std::string other = "2b3c4d5e-0000-4000-8000-000000000002";
  store->save_plan(sample_plan(other, "fp2"));
  to_json(j, sample_plan(other, "fp2", in_progress()));
  write_text(dir.path() / "plans" / "approved" / (other + ".json"), j.dump(2));
  // Approving again must see the repaired (already approved) state.
  EXPECT_THROW(store->transition_plan(other, in_progress()), TransitionError);
  EXPECT_EQ(folders_holding(dir.path(), other), std::vector<std::string>{"approved"});
}

TEST(FsStorageCrashRepair, HypothesisInBothFoldersKeepsEvaluated) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  const std::string id = "3d1f0c7e-8a52-4b9e-b3c1-6f2e9a4d7b10";
  store->save_hypothesis(sample_hypothesis(id));
  json j;
  to_json(j, sample_hypothesis(id, HypothesisStatus::Kind::Evaluated));
  write_text(dir.path() / "hypotheses" / "evaluated" / (id + ".json"), j.dump(2));
  const auto all = store->list_hypotheses(false);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].status.kind, HypothesisStatus::Kind::Evaluated);
  EXPECT_FALSE(fs::exists(dir.path() / "hypotheses" / "active" / (id + ".json")));
  EXPECT_TRUE(host.warned_about("hypothesis " + id));
}

TEST(FsStorageCrashRepair, UnreadableCopyIsNeverDeleted) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->save_plan(sample_plan(kId));
  const fs::path bad = dir.path() / "plans" / "approved" / (kId + ".json");
  write_text(bad, "{broken");
  EXPECT_EQ(store->load_plan(kId).id, kId);
  EXPECT_TRUE(fs::exists(bad));
  EXPECT_TRUE(host.warned_about(bad.string()));
}

}  // namespace
}  // namespace fstest
