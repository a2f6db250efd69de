// fs storage: stats, health thresholds and retention cleanup (with dry run).
#include <sys/time.h>

#include <map>

#include "storage_test_support.hpp"

namespace fstest {
namespace {

constexpr int64_t kDay = 86400000;

void set_mtime(const fs::path& p, int64_t unix_ms) {
  struct timeval tv[2];
  tv[0].tv_sec = tv[1].tv_sec = unix_ms / 1000;
  tv[0].tv_usec = tv[1].tv_usec = 0;
  ASSERT_EQ(::utimes(p.c_str(), tv), 0);
}

PlanStatus implemented_status() { return {PlanStatus::Implemented{"2025-01-01T00:00:00Z", "abc"}}; }

std::string report_id(int i) { return "0000000" + std::to_string(i) + "-0000-4000-8000-000000000000"; }

TEST(FsStorageStats, CountsPerFolderAndTotalBytes) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  EXPECT_EQ(store->stats().total_size_bytes, 0u);  // not created yet
  store->save_report(sample_report(report_id(1), "2025-12-15T10:00:00Z"));
  store->save_plan(sample_plan("1a2b3c4d-0000-4000-8000-000000000001"));
  store->save_plan(sample_plan("2a2b3c4d-0000-4000-8000-000000000001", "", in_progress()));
  store->save_plan(sample_plan("3a2b3c4d-0000-4000-8000-000000000001", "", {PlanStatus::Failed{"x"}}));
  store->save_hypothesis(sample_hypothesis("4a2b3c4d-0000-4000-8000-000000000001"));
  const StorageStatistics s = store->stats();
  EXPECT_EQ(s.report_count, 1u);
  EXPECT_EQ(s.plans_pending, 1u);
  EXPECT_EQ(s.plans_approved, 1u);
  EXPECT_EQ(s.plans_implemented, 0u);
  EXPECT_EQ(s.plans_failed, 1u);
  EXPECT_EQ(s.hypotheses_active, 1u);
  EXPECT_EQ(s.hypotheses_evaluated, 0u);
  uint64_t expected = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.path()))
    if (e.is_regular_file()) expected += e.file_size();
  EXPECT_EQ(s.total_size_bytes, expected);
  EXPECT_GT(s.total_size_bytes, 0u);
}

TEST(FsStorageHealth, HealthyWhenSmall) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->initialize();
  const StorageHealth h = store->health();
  EXPECT_EQ(h.level, StorageHealth::Level::Healthy);
  EXPECT_TRUE(h.writable);
  EXPECT_TRUE(h.warnings.empty());
  EXPECT_TRUE(names_in(dir.path()) == (std::vector<std::string>{".lock", "hypotheses", "meta", "plans", "reports", "state"}));
}

TEST(FsStorageHealth, CountThresholdsFromConfig) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host, json{{"report_warning_count", 2}, {"plan_warning_count", 1}});
  store->save_report(sample_report(report_id(1), "2025-12-15T10:00:00Z"));
  EXPECT_EQ(store->health().level, StorageHealth::Level::Healthy);
  store->save_report(sample_report(report_id(2), "2025-12-15T11:00:00Z"));
  StorageHealth h = store->health();
  EXPECT_EQ(h.level, StorageHealth::Level::Warning);
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0], "Report count warning: 2 (threshold: 2)");

  store->save_plan(sample_plan("1a2b3c4d-0000-4000-8000-000000000001", "", {PlanStatus::Failed{"x"}}));
  h = store->health();
  EXPECT_NE(std::find(h.warnings.begin(), h.warnings.end(), "Failed plans warning: 1 (threshold: 1)"), h.warnings.end());
  for (int i = 2; i <= 4; ++i)
    store->save_plan(sample_plan(std::to_string(i) + "a2b3c4d-0000-4000-8000-000000000001"));
  h = store->health();
  EXPECT_NE(std::find(h.warnings.begin(), h.warnings.end(), "Total plan count warning: 4 (threshold: 4)"), h.warnings.end());
}

TEST(FsStorageHealth, SizeThresholdsFromConfig) {
  TempDir dir;
  TestHost host;
  auto warn_store = make_storage(dir.path(), host, json{{"size_warning_mb", 1}, {"size_critical_mb", 2}});
  warn_store->put_document("state/blob.txt", std::string(1100000, 'x'));
  StorageHealth h = warn_store->health();
  EXPECT_EQ(h.level, StorageHealth::Level::Warning);
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0], "Storage size warning: 1 MB (threshold: 1 MB)");

  auto critical_store = make_storage(dir.path(), host, json{{"size_warning_mb", 1}, {"size_critical_mb", 1}});
  h = critical_store->health();
  EXPECT_EQ(h.level, StorageHealth::Level::Critical);
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0], "Storage size critical: 1 MB (threshold: 1 MB)");
}

TEST(FsStorageHealth, NotWritableIsCritical) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->initialize();
  fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
  const StorageHealth h = store->health();
  fs::permissions(dir.path(), fs::perms::owner_all);
  EXPECT_FALSE(h.writable);
  EXPECT_EQ(h.level, StorageHealth::Level::Critical);
  ASSERT_FALSE(h.warnings.empty());
  EXPECT_NE(h.warnings[0].find(dir.path().string()), std::string::npos) << h.warnings[0];
}

TEST(FsStorageCleanup, ReportsByCountOldestTimestampFirstWithTheirMarkdown) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  // Saved out of time order, so file mtimes do not follow report timestamps.
  for (int i : {3, 1, 5, 2, 4}) store->save_report(sample_report(report_id(i), "2025-12-1" + std::to_string(i) + "T10:00:00Z"));
  RetentionPolicy policy;
  policy.max_reports = 2;
  policy.dry_run = true;
  const CleanupResult preview = store->cleanup(policy);
  EXPECT_EQ(preview.reports_deleted, 3u);
  EXPECT_EQ(preview.removed.size(), 6u);  // 3 x (.json + .md)
  EXPECT_GT(preview.bytes_freed, 0u);
  EXPECT_EQ(store->list_reports().size(), 5u);

  policy.dry_run = false;
  const CleanupResult done = store->cleanup(policy);
  EXPECT_EQ(done.reports_deleted, 3u);
  EXPECT_EQ(done.bytes_freed, preview.bytes_freed);
  EXPECT_TRUE(done.errors.empty());
  const auto left = store->list_reports();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].id, report_id(5));
  EXPECT_EQ(left[1].id, report_id(4));
  EXPECT_EQ(names_in(dir.path() / "reports").size(), 4u);
}

TEST(FsStorageCleanup, ClosedPlansByAgeThenCountAndOpenPlansNever) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  auto closed = [&](int i, int64_t age_days, PlanStatus status) {
    ExecutionPlan p = sample_plan(std::to_string(i) + "0000000-0000-4000-8000-000000000000", "", std::move(status));
    p.updated_at = format_rfc3339_ms(kNow - age_days * kDay);
    store->save_plan(p);
  };
  closed(1, 40, implemented_status());
  closed(2, 35, implemented_status());
  closed(3, 5, implemented_status());
  closed(4, 3, implemented_status());
  closed(5, 2, implemented_status());
  closed(6, 31, {PlanStatus::Failed{"x"}});
  closed(7, 1, {PlanStatus::Failed{"y"}});
  ExecutionPlan ancient = sample_plan("80000000-0000-4000-8000-000000000000");
  ancient.updated_at = format_rfc3339_ms(kNow - 400 * kDay);
  store->save_plan(ancient);

  RetentionPolicy policy;
  policy.max_plans_per_status = 2;
  policy.plan_archive_age_days = 30;
  const CleanupResult r = store->cleanup(policy);
  EXPECT_EQ(r.plans_deleted, 4u);  // 1, 2, 6 by age; 3 by count
  const auto implemented = store->list_plans(PlanFolder::Implemented);
  ASSERT_EQ(implemented.size(), 2u);
  std::vector<std::string> ids = {implemented[0].id.substr(0, 1), implemented[1].id.substr(0, 1)};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"4", "5"}));
  EXPECT_EQ(store->list_plans(PlanFolder::Failed).size(), 1u);
  EXPECT_EQ(store->list_plans(PlanFolder::Pending).size(), 1u);
}

TEST(FsStorageCleanup, EvaluatedHypothesesByAgeActiveNever) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  const std::string old_id = "1a2b3c4d-0000-4000-8000-000000000001";
  const std::string new_id = "2a2b3c4d-0000-4000-8000-000000000001";
  const std::string active_id = "3a2b3c4d-0000-4000-8000-000000000001";
  store->save_hypothesis(sample_hypothesis(old_id, HypothesisStatus::Kind::Evaluated));
  store->save_hypothesis(sample_hypothesis(new_id, HypothesisStatus::Kind::Evaluated));
  store->save_hypothesis(sample_hypothesis(active_id));
  set_mtime(dir.path() / "hypotheses" / "evaluated" / (old_id + ".json"), kNow - 100 * kDay);
  set_mtime(dir.path() / "hypotheses" / "evaluated" / (new_id + ".json"), kNow - 10 * kDay);
  set_mtime(dir.path() / "hypotheses" / "active" / (active_id + ".json"), kNow - 500 * kDay);
  RetentionPolicy policy;
  policy.dry_run = true;
  EXPECT_EQ(store->cleanup(policy).hypotheses_deleted, 1u);
  EXPECT_EQ(store->list_hypotheses(false).size(), 3u);
  policy.dry_run = false;
  const CleanupResult r = store->cleanup(policy);
  EXPECT_EQ(r.hypotheses_deleted, 1u);
  ASSERT_EQ(r.removed.size(), 1u);
  EXPECT_NE(r.removed[0].find(old_id), std::string::npos);
  EXPECT_EQ(store->list_hypotheses(false).size(), 2u);
}

// Every entry under root with its content (directories as "<dir>"), for
// proving that a dry run changes nothing.
std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    out[fs::relative(e.path(), root).string()] = e.is_regular_file() ? read_text(e.path()) : "<dir>";
  return out;
}

TEST(FsStorageCleanup, DryRunOnAMissingStorageCreatesNothing) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path() / "not-yet", host);
  RetentionPolicy policy;
  policy.dry_run = true;
  const CleanupResult r = store->cleanup(policy);
  EXPECT_TRUE(r.removed.empty());
  EXPECT_TRUE(r.errors.empty());
  EXPECT_FALSE(fs::exists(dir.path() / "not-yet"));
}

TEST(FsStorageCleanup, DryRunChangesNothingAndListsWhatWouldGo) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  for (int i : {1, 2, 3}) store->save_report(sample_report(report_id(i), "2025-12-1" + std::to_string(i) + "T10:00:00Z"));
  ExecutionPlan old = sample_plan("10000000-0000-4000-8000-000000000000", "", {PlanStatus::Failed{"x"}});
  old.updated_at = format_rfc3339_ms(kNow - 60 * kDay);
  store->save_plan(old);
  write_text(dir.path() / "plans" / "failed" / "x.json.tmp.999999999.abc", "{");  // a crash's leftover
  fs::remove_all(dir.path() / "meta");  // a layout piece a real run would recreate
  const auto before = tree(dir.path());
  RetentionPolicy policy;
  policy.max_reports = 1;
  policy.dry_run = true;
  const CleanupResult r = store->cleanup(policy);
  EXPECT_EQ(r.reports_deleted, 2u);
  EXPECT_EQ(r.plans_deleted, 1u);
  EXPECT_EQ(r.removed.size(), 6u);  // 2 x (.json + .md), the plan, the temp file
  EXPECT_TRUE(tree(dir.path()) == before) << "a dry run changed the storage";
}

TEST(FsStorageCleanup, ZeroMeansNoLimit) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  for (int i : {1, 2, 3}) store->save_report(sample_report(report_id(i), "2025-12-1" + std::to_string(i) + "T10:00:00Z"));
  ExecutionPlan ancient = sample_plan("10000000-0000-4000-8000-000000000000", "", implemented_status());
  ancient.updated_at = format_rfc3339_ms(kNow - 4000 * kDay);
  store->save_plan(ancient);
  store->save_hypothesis(sample_hypothesis("2a2b3c4d-0000-4000-8000-000000000001", HypothesisStatus::Kind::Evaluated));
  set_mtime(dir.path() / "hypotheses" / "evaluated" / "2a2b3c4d-0000-4000-8000-000000000001.json", kNow - 4000 * kDay);
  RetentionPolicy policy;
  policy.max_reports = 0;
  policy.max_plans_per_status = 0;
  policy.plan_archive_age_days = 0;
  policy.hypothesis_archive_age_days = 0;
  const CleanupResult r = store->cleanup(policy);
  EXPECT_TRUE(r.removed.empty());
  EXPECT_EQ(store->list_reports().size(), 3u);
}

TEST(FsStorageHealth, ThresholdsAreInclusiveAndPerClosedFolder) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host, json{{"plan_warning_count", 2}, {"size_warning_mb", 1}, {"size_critical_mb", 2}});
  auto has = [](const StorageHealth& h, const std::string& w) {
    return std::find(h.warnings.begin(), h.warnings.end(), w) != h.warnings.end();
  };
  store->save_plan(sample_plan("10000000-0000-4000-8000-000000000000", "", implemented_status()));
  store->save_plan(sample_plan("20000000-0000-4000-8000-000000000000", "", {PlanStatus::Failed{"x"}}));
  store->put_document("state/blob.txt", std::string(900000, 'x'));  // under 1 MB in total
  StorageHealth h = store->health();
  EXPECT_EQ(h.level, StorageHealth::Level::Healthy);
  EXPECT_TRUE(h.warnings.empty());

  store->save_plan(sample_plan("30000000-0000-4000-8000-000000000000", "", implemented_status()));
  h = store->health();
  EXPECT_TRUE(has(h, "Implemented plans warning: 2 (threshold: 2)"));
  EXPECT_FALSE(has(h, "Failed plans warning: 1 (threshold: 2)"));
  EXPECT_EQ(h.level, StorageHealth::Level::Warning);  // a warning is never shown as healthy
  // 3 plans < 4 x 2: no total warning yet; 8 plans reach it.
  for (const std::string& name : std::vector<std::string>{"a", "b", "c", "d", "e"})
    store->save_plan(sample_plan(name + "0000000-0000-4000-8000-000000000000"));
  h = store->health();
  EXPECT_TRUE(has(h, "Total plan count warning: 8 (threshold: 8)"));
  EXPECT_EQ(store->stats().plans_pending, 5u);
}

}  // namespace
}  // namespace fstest
