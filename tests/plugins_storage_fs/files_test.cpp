// fs storage: layout, round trips through files, the versioned envelope,
// DashFlow-written files, id prefixes, documents and temp files.
#include "storage_test_support.hpp"
#include "versioned_json.hpp"

namespace fstest {
namespace {

const std::string kPlanA = "1a2b3c4d-0000-4000-8000-000000000001";
const std::string kPlanB = "1a2b9999-0000-4000-8000-000000000002";
const std::string kReport = "5b0e2d44-91c3-4f6a-8e27-0c5d9b1a3e68";

TEST(FsStorageLayout, InitializeCreatesEveryFolder) {
  TempDir dir;
  TestHost host;
  const fs::path root = dir.path() / "introspection";
  auto store = make_storage(root, host);
  store->initialize();
  for (const char* sub : {"reports", "plans/pending", "plans/approved", "plans/implemented", "plans/failed",
                          "hypotheses/active", "hypotheses/evaluated", "meta", "state"}) {
    EXPECT_TRUE(fs::is_directory(root / sub)) << sub;
  }
  EXPECT_EQ(store->location(), root.string());
}

TEST(FsStorageLayout, DefaultPathAndConfigErrors) {
  TestHost host;
  fsstore::FsStorage store(PluginContext(&host.api, "{}"));
  EXPECT_EQ(store.location(), ".dashflow/introspection");
  EXPECT_THROW(fsstore::FsStorage(PluginContext(&host.api, R"({"bogus": 1})")), ConfigError);
  try {
    fsstore::FsStorage s(PluginContext(&host.api, R"({"lock_timeout_ms": "x"})"));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("lock_timeout_ms"), std::string::npos);
  }
}

TEST(FsStorageReports, RoundTripWithFullIdInFileName) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->initialize();
  const IntrospectionReport report = sample_report(kReport, "2025-12-15T10:31:07.481002118Z");
  const std::string location = store->save_report(report);
  const fs::path json_path = dir.path() / "reports" / ("2025-12-15T10-31-07_" + kReport + ".json");
  EXPECT_EQ(location, json_path.string());
  ASSERT_TRUE(fs::exists(json_path));
  EXPECT_TRUE(fs::exists(dir.path() / "reports" / ("2025-12-15T10-31-07_" + kReport + ".md")));
  const std::string text = read_text(json_path);
  EXPECT_EQ(text.rfind("{\n  \"_schema_version\": 1,\n", 0), 0u) << text.substr(0, 80);
  EXPECT_EQ(store->load_report(kReport), report);
  EXPECT_EQ(store->load_report("5b0e2d44-91"), report);
  const auto infos = store->list_reports();
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].id, kReport);
  EXPECT_EQ(infos[0].location, json_path.string());
}

TEST(FsStorageReports, SameSecondSameId8DoNotCollide) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  const std::string a = "abcdef12-0000-4000-8000-00000000000a";
  const std::string b = "abcdef12-0000-4000-8000-00000000000b";
  store->save_report(sample_report(a, "2025-12-15T10:31:07Z"));
  store->save_report(sample_report(b, "2025-12-15T10:31:07Z"));
  EXPECT_EQ(store->list_reports().size(), 2u);
  EXPECT_EQ(store->load_report(a).id, a);
  EXPECT_EQ(store->load_report(b).id, b);
  EXPECT_THROW(store->load_report("abcdef12"), ConflictError);
}

TEST(FsStorageReports, ListedNewestFirstByTimestampNotNameOrder) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->save_report(sample_report("00000000-0000-4000-8000-000000000003", "2025-12-15T12:00:00Z"));
  store->save_report(sample_report("ffffffff-0000-4000-8000-000000000001", "2025-12-15T08:00:00Z"));
  store->save_report(sample_report("77777777-0000-4000-8000-000000000002", "2025-12-15T09:00:00+02:00"));
  // Offsets are normalized to UTC in the file name.
  EXPECT_TRUE(fs::exists(dir.path() / "reports" / "2025-12-15T07-00-00_77777777-0000-4000-8000-000000000002.json"));
  const auto infos = store->list_reports();
  ASSERT_EQ(infos.size(), 3u);
  EXPECT_EQ(infos[0].id, "00000000-0000-4000-8000-000000000003");
  EXPECT_EQ(infos[1].id, "ffffffff-0000-4000-8000-000000000001");
  EXPECT_EQ(infos[2].id, "77777777-0000-4000-8000-000000000002");  // 07:00Z
}

TEST(FsStorageReports, ResaveWithNewTimestampReplacesOldFiles) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  IntrospectionReport r = sample_report(kReport, "2025-12-15T10:31:07Z");
  store->save_report(r);
  r.timestamp = "2025-12-15T10:32:00Z";
  store->save_report(r);
  EXPECT_EQ(names_in(dir.path() / "reports"),
            (std::vector<std::string>{"2025-12-15T10-32-00_" + kReport + ".json", "2025-12-15T10-32-00_" + kReport + ".md"}));
}

TEST(FsStorageReports, ReadsDashFlowNamedReportWithoutSchemaVersion) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->initialize();
  json j;
  to_json(j, sample_report(kReport, "2025-12-15T10:31:07.481002118Z"));
  j.erase("_schema_version");
  write_text(dir.path() / "reports" / "2025-12-15T10-31-07_5b0e2d44.json", j.dump(2));
  EXPECT_EQ(store->load_report("5b0e2d44").id, kReport);
  EXPECT_EQ(store->load_report(kReport).id, kReport);
  EXPECT_EQ(store->load_report("5b0e2d44-91c3").id, kReport);
  EXPECT_THROW(store->load_report("5b0e2d44-0000"), NotFoundError);
  const auto infos = store->list_reports();
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].id, kReport);
  EXPECT_EQ(infos[0].timestamp, "2025-12-15T10:31:07.481002118Z");
}

TEST(FsStoragePlans, RoundTripIntoStatusFolder) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  const ExecutionPlan plan = sample_plan(kPlanA, "fp-1");
  store->save_plan(plan);
  const fs::path file = dir.path() / "plans" / "pending" / (kPlanA + ".json");
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ(read_text(file).rfind("{\n  \"_schema_version\": 1,\n", 0), 0u);
  EXPECT_EQ(store->load_plan(kPlanA), plan);
  const auto pending = store->list_plans(PlanFolder::Pending);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0], plan);
  EXPECT_TRUE(store->list_plans(PlanFolder::Approved).empty());

  ExecutionPlan approved = sample_plan(kPlanB, "fp-2", in_progress());
  store->save_plan(approved);
  EXPECT_TRUE(fs::exists(dir.path() / "plans" / "approved" / (kPlanB + ".json")));
  EXPECT_EQ(store->list_plans(std::nullopt).size(), 2u);
}

TEST(FsStoragePlans, ListSortedByPriorityThenCreatedAtThenId) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  ExecutionPlan a = sample_plan("aaaa0000-0000-4000-8000-000000000001");
  a.priority = 3;
  ExecutionPlan b = sample_plan("bbbb0000-0000-4000-8000-000000000001");
  b.priority = 1;
  b.created_at = "2025-12-15T12:00:00Z";
  ExecutionPlan c = sample_plan("cccc0000-0000-4000-8000-000000000001");
  c.priority = 1;
  c.created_at = "2025-12-15T09:00:00Z";
  ExecutionPlan d = sample_plan("0ddd0000-0000-4000-8000-000000000001");
  d.priority = 1;
  d.created_at = "2025-12-15T12:00:00Z";
  for (const auto& p : {a, b, c, d}) store->save_plan(p);
  const auto plans = store->list_plans(std::nullopt);
  ASSERT_EQ(plans.size(), 4u);
  EXPECT_EQ(plans[0].id, c.id);
  EXPECT_EQ(plans[1].id, d.id);
  EXPECT_EQ(plans[2].id, b.id);
  EXPECT_EQ(plans[3].id, a.id);
}

TEST(FsStoragePlans, ReadsDashFlowPlanWithoutSchemaVersion) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->initialize();
  const std::string id = "9f8e7d6c-5b4a-4321-8fed-cba987654321";
  write_text(dir.path() / "plans" / "approved" / (id + ".json"), R"({"id":")" + id + R"(","title":"Add tool","description":"d",
    "category":"ApplicationImprovement","priority":2,"estimated_commits":2,
    "steps":[{"order":1,"action":"Create tool: x","files":["src/tools/new_tool.rs"],"verification":"cargo check"}],
    "success_criteria":["works"],"rollback_plan":"revert","dependencies":[],"citations":[],"validation_score":0.0,
    "status":{"InProgress":{"started":"2025-12-15T10:40:00.123Z","assignee":"ai-worker"}}})");
  const ExecutionPlan plan = store->load_plan("9f8e");
  EXPECT_EQ(plan.id, id);
  EXPECT_EQ(plan.title, "Add tool");
  ASSERT_TRUE(std::holds_alternative<PlanStatus::InProgress>(plan.status.value));
  EXPECT_EQ(std::get<PlanStatus::InProgress>(plan.status.value).assignee, "ai-worker");
  EXPECT_EQ(store->list_plans(PlanFolder::Approved).size(), 1u);
}

TEST(FsStoragePlans, NewerSchemaIsRejectedNamingFileAndVersion) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->save_plan(sample_plan(kPlanA));
  const fs::path file = dir.path() / "plans" / "pending" / (kPlanA + ".json");
  std::string text = read_text(file);
  text.replace(text.find("\"_schema_version\": 1"), 20, "\"_schema_version\": 2");
  write_text(file, text);
  try {
    store->load_plan(kPlanA);
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("schema version 2"), std::string::npos) << msg;
  }
  EXPECT_TRUE(store->list_plans(std::nullopt).empty());
  EXPECT_TRUE(host.warned_about(file.string()));
}

TEST(FsStoragePlans, CorruptFileIsReportedNotSilentlySkipped) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->save_plan(sample_plan(kPlanA));
  const fs::path bad = dir.path() / "plans" / "pending" / (kPlanB + ".json");
  write_text(bad, "{\"id\": \"trunc");
  const auto plans = store->list_plans(PlanFolder::Pending);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].id, kPlanA);
  EXPECT_TRUE(host.warned_about(bad.string()));
  try {
    store->load_plan(kPlanB);
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find(bad.string()), std::string::npos) << e.what();
  }
}

TEST(FsStoragePlans, PrefixLookupAmbiguityAndNotFound) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->save_plan(sample_plan(kPlanA));
  store->save_plan(sample_plan(kPlanB));
  EXPECT_EQ(store->load_plan("1a2b3").id, kPlanA);
  EXPECT_EQ(store->load_plan(kPlanB).id, kPlanB);
  try {
    store->load_plan("1a2b");
    FAIL() << "expected ConflictError";
  } catch (const ConflictError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(kPlanA), std::string::npos) << msg;
    EXPECT_NE(msg.find(kPlanB), std::string::npos) << msg;
  }
  try {
    store->load_plan("ffff");
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("plan ffff not found in " + (dir.path() / "plans").string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("dashflow self-improve plans --status all"), std::string::npos) << msg;
  }
  EXPECT_THROW(store->load_plan("1a2"), Error);
  EXPECT_THROW(store->transition_plan("1a2b", in_progress()), ConflictError);
}

TEST(FsStorageHypotheses, RoundTripActiveAndEvaluatedNewestFirst) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  const Hypothesis older = sample_hypothesis("3d1f0c7e-8a52-4b9e-b3c1-6f2e9a4d7b10", HypothesisStatus::Kind::Active,
                                             "2025-12-15T10:00:00Z");
  const Hypothesis newer = sample_hypothesis("4e2f0c7e-8a52-4b9e-b3c1-6f2e9a4d7b10", HypothesisStatus::Kind::Active,
                                             "2025-12-15T11:00:00Z");
  Hypothesis done = sample_hypothesis("5f3f0c7e-8a52-4b9e-b3c1-6f2e9a4d7b10", HypothesisStatus::Kind::Evaluated,
                                      "2025-12-15T12:00:00Z");
  done.outcome = HypothesisOutcome{true, {}, "error rate fell by 70%", {}};
  for (const auto& h : {older, newer, done}) store->save_hypothesis(h);
  EXPECT_TRUE(fs::exists(dir.path() / "hypotheses" / "active" / (older.id + ".json")));
  EXPECT_TRUE(fs::exists(dir.path() / "hypotheses" / "evaluated" / (done.id + ".json")));
  EXPECT_EQ(store->load_hypothesis("3d1f"), older);
  EXPECT_EQ(store->load_hypothesis(done.id), done);
  const auto active = store->list_hypotheses(true);
  ASSERT_EQ(active.size(), 2u);
  EXPECT_EQ(active[0].id, newer.id);
  const auto all = store->list_hypotheses(false);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, done.id);

  // Evaluating moves it: the active copy is gone.
  Hypothesis evaluated = older;
  evaluated.status.kind = HypothesisStatus::Kind::Evaluated;
  store->save_hypothesis(evaluated);
  EXPECT_FALSE(fs::exists(dir.path() / "hypotheses" / "active" / (older.id + ".json")));
  EXPECT_EQ(store->list_hypotheses(true).size(), 1u);
}

TEST(FsStorageHypotheses, ReadsDashFlowHypothesisFile) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->initialize();
  write_text(dir.path() / "hypotheses" / "active" / "3d1f0c7e-8a52-4b9e-b3c1-6f2e9a4d7b10.json", R"({
  "_schema_version": 1,
  "id": "3d1f0c7e-8a52-4b9e-b3c1-6f2e9a4d7b10",
  "statement": "Addressing 'Missing tool: geocode' will improve system performance",
  "reasoning": "Based on analysis",
  "expected_evidence": [
    {"metric": "error_rate", "expected_value": "reduced by 64%", "measurement_method": "Compare error rate before/after implementation"}
  ],
  "evaluation_trigger": {"AfterExecutions": 50},
  "status": "Active",
  "outcome": null,
  "lessons": [],
  "source": "CapabilityGap",
  "created_at": "2025-12-15T10:31:07.482913245Z"
})");
  const Hypothesis h = store->load_hypothesis("3d1f0c7e");
  EXPECT_EQ(h.evaluation_trigger.kind, EvaluationTrigger::Kind::AfterExecutions);
  EXPECT_EQ(h.evaluation_trigger.executions, 50u);
  EXPECT_EQ(h.source, HypothesisSource::CapabilityGap);
}

TEST(FsStorageDocuments, RoundTripAndVersionedOnDisk) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  EXPECT_FALSE(store->get_document("meta/patterns.json").has_value());
  store->put_document("meta/patterns.json", R"({"recurring_gaps": [1, 2]})");
  const std::string on_disk = read_text(dir.path() / "meta" / "patterns.json");
  EXPECT_EQ(on_disk.rfind("{\n  \"_schema_version\": 1,", 0), 0u) << on_disk;
  const auto back = store->get_document("meta/patterns.json");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(json::parse(*back), json::parse(R"({"recurring_gaps": [1, 2]})"));
  store->put_document("state/daemon.json", R"({"cursor": "abc"})");
  EXPECT_EQ(json::parse(*store->get_document("state/daemon.json"))["cursor"], "abc");
  EXPECT_THROW(store->put_document("meta/bad.json", "{not json"), StorageError);
}

TEST(FsStorageDocuments, RejectsNamesOutsideTheStorage) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path() / "store", host);
  for (const char* name : {"../x", "../x.json", "/etc/passwd", "meta/../../x.json", "meta/./x.json", "", "meta//x.json",
                           ".lock", "plans/pending/x.json", "reports/x.json", "meta\\..\\x"}) {
    EXPECT_THROW(store->put_document(name, "{}"), StorageError) << name;
    EXPECT_THROW(store->get_document(name), StorageError) << name;
  }
  EXPECT_FALSE(fs::exists(dir.path() / "x"));
  EXPECT_FALSE(fs::exists(dir.path() / "x.json"));
  // A symbolic link pointing outside is refused too.
  fs::create_directories(dir.path() / "outside");
  store->initialize();
  fs::create_directory_symlink(dir.path() / "outside", dir.path() / "store" / "meta" / "escape");
  EXPECT_THROW(store->put_document("meta/escape/x.json", "{}"), StorageError);
  EXPECT_FALSE(fs::exists(dir.path() / "outside" / "x.json"));
}

TEST(FsStorageTempFiles, IgnoredByListingsAndRemovedUnderTheLock) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->save_plan(sample_plan(kPlanA));
  const fs::path temp = dir.path() / "plans" / "pending" / (kPlanB + ".json.tmp.999999999.abcdef");
  const fs::path temp_report = dir.path() / "reports" / ("2025-12-15T10-31-07_" + kReport + ".json.tmp.999999999.abc");
  write_text(temp, "{\"id\": \"half");
  write_text(temp_report, "{");
  EXPECT_EQ(store->list_plans(std::nullopt).size(), 1u);
  EXPECT_TRUE(store->list_reports().empty());
  EXPECT_TRUE(host.warnings.empty());
  EXPECT_EQ(store->stats().plans_pending, 1u);
  EXPECT_THROW(store->load_plan(kPlanB), NotFoundError);

  RetentionPolicy dry;
  dry.dry_run = true;
  const CleanupResult preview = store->cleanup(dry);
  EXPECT_TRUE(fs::exists(temp));
  EXPECT_NE(std::find(preview.removed.begin(), preview.removed.end(), temp.string()), preview.removed.end());

  store->initialize();
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_FALSE(fs::exists(temp_report));
  EXPECT_EQ(store->list_plans(std::nullopt).size(), 1u);
}

TEST(FsStorageVersioning, EnvelopePutsSchemaVersionFirst) {
  json j = {{"aaa", 1}, {"Zed", 2}, {"_schema_version", 7}};
  const std::string text = fsstore::versioned_text(j);
  EXPECT_EQ(text.rfind("{\n  \"_schema_version\": 1,\n", 0), 0u) << text;
  EXPECT_EQ(json::parse(text)["Zed"], 2);
  EXPECT_EQ(fsstore::versioned_text(json::object()), "{\n  \"_schema_version\": 1\n}\n");
  const json back = fsstore::parse_versioned(text, "x.json");
  EXPECT_FALSE(back.contains("_schema_version"));
  EXPECT_THROW(fsstore::parse_versioned(R"({"_schema_version": 3})", "x.json"), StorageError);
  EXPECT_THROW(fsstore::parse_versioned(R"({"_schema_version": "1"})", "x.json"), StorageError);
  EXPECT_THROW(fsstore::parse_versioned("[1]", "x.json"), StorageError);
  EXPECT_NO_THROW(fsstore::parse_versioned(R"({"id": "x"})", "x.json"));
}

}  // namespace
// Temp files of a writer that still runs, and anything outside the storage's
// own folders (the host's audit/ log has its own lock), are never swept.
TEST(FsStorageTempFiles, LiveWritersAndForeignFoldersAreLeftAlone) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  const std::string live_pid = std::to_string(::getpid());
  const fs::path live = dir.path() / "plans" / "pending" / (kPlanB + ".json.tmp." + live_pid + ".abcdef");
  const fs::path audit_temp = dir.path() / "audit" / ("head.json.tmp.999999999.abc");
  const fs::path dead = dir.path() / "meta" / ("patterns.json.tmp.999999999.abc");
  write_text(live, "{");
  write_text(audit_temp, "{");
  write_text(dead, "{");
  store->initialize();
  EXPECT_TRUE(fs::exists(live)) << "a write in progress in this very process";
  EXPECT_TRUE(fs::exists(audit_temp)) << "audit/ is not the storage's to sweep";
  EXPECT_FALSE(fs::exists(dead));
}

}  // namespace fstest
