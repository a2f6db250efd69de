// Trace retention: compression keeps content, mtime and mode; deletion by
// age, then total size, then count, oldest first (mtime, then name); files
// being written are left alone; a dry run changes nothing and predicts the
// real run exactly.
#include <sys/file.h>
#include <unistd.h>

#include "retention_test_support.hpp"

namespace retention_test {
namespace {

TEST(TraceRetentionCompress, GzipKeepsContentMtimeAndMode) {
  TempDir dir;
  const std::string json_path = dir / "a.json", jsonl_path = dir / "b.jsonl", ndjson_path = dir / "c.ndjson";
  const std::string a = trace_text(1, 20000), b = trace_text(2, 5000) + trace_text(3, 5000), c = trace_text(4);
  plant(json_path, a, days_ago_ns(10));
  plant(jsonl_path, b, days_ago_ns(9));
  plant(ndjson_path, c, days_ago_ns(8));
  ASSERT_EQ(::chmod(json_path.c_str(), 0640), 0);
  const int64_t a_mtime = mtime_ns_of(json_path), b_mtime = mtime_ns_of(jsonl_path);

  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 7;
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);

  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_EQ(names_under(dir.path()),
            (std::vector<std::string>{".dashflow-retention.lock", "a.json.gz", "b.jsonl.gz", "c.ndjson.gz"}));
  EXPECT_EQ(gunzip_file(dir / "a.json.gz"), a);
  EXPECT_EQ(gunzip_file(dir / "b.jsonl.gz"), b);
  EXPECT_EQ(gunzip_file(dir / "c.ndjson.gz"), c);
  EXPECT_EQ(mtime_ns_of(dir / "a.json.gz"), a_mtime);  // nanoseconds included
  EXPECT_EQ(mtime_ns_of(dir / "b.jsonl.gz"), b_mtime);
  EXPECT_EQ(mode_of(dir / "a.json.gz"), 0640u);

  ASSERT_EQ(r.compressed.size(), 3u);
  EXPECT_EQ(r.compressed[0].from.locator, json_path);
  EXPECT_EQ(r.compressed[0].to.locator, json_path + ".gz");
  EXPECT_EQ(r.compressed[0].from.size, a.size());
  EXPECT_EQ(r.compressed[0].to.size, fs::file_size(dir / "a.json.gz"));
  EXPECT_EQ(r.compressed[0].to.mtime_ns, a_mtime);
  EXPECT_GT(r.compression_saved_bytes(), 0u);
  // The renames a cursor must follow: old unit -> the .gz unit as it is on disk.
  ASSERT_EQ(r.renamed.size(), 3u);
  TraceUnit on_disk;
  ASSERT_TRUE(stat_unit(json_path + ".gz", on_disk));
  EXPECT_EQ(r.renamed[0].to, on_disk);
  EXPECT_EQ(r.files_before, 3u);
  EXPECT_EQ(r.files_after, 3u);
  EXPECT_LT(r.bytes_after, r.bytes_before);
  EXPECT_TRUE(r.deleted.empty());
}

TEST(TraceRetentionCompress, OnlyOlderThanThePolicyAndNeverGzAgain) {
  TempDir dir;
  plant(dir / "old.json", trace_text(1), days_ago_ns(8));
  plant(dir / "young.json", trace_text(2), days_ago_ns(6));
  plant(dir / "done.json.gz", gzip_compress(trace_text(3)), days_ago_ns(30));
  plant(dir / "notes.txt", "not a trace", days_ago_ns(30));
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 7;
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  ASSERT_EQ(r.compressed.size(), 1u);
  EXPECT_EQ(r.compressed[0].from.locator, (dir / "old.json").string());
  EXPECT_TRUE(fs::exists(dir / "young.json"));
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));
  EXPECT_EQ(gunzip_file(dir / "done.json.gz"), trace_text(3));
}

TEST(TraceRetentionCompress, SubdirectoriesFollowTheRecursiveSetting) {
  TempDir dir;
  plant(dir / "top.json", trace_text(1), days_ago_ns(10));
  plant(dir / "2025/12/deep.json", trace_text(2), days_ago_ns(10));
  plant(dir / ".hidden/skip.json", trace_text(3), days_ago_ns(10));
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 1;
  policy.recursive = false;
  TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  EXPECT_EQ(r.compressed.size(), 1u);
  EXPECT_TRUE(fs::exists(dir / "2025/12/deep.json"));
  policy.recursive = true;
  r = apply_trace_retention(dir.path(), policy, false);
  ASSERT_EQ(r.compressed.size(), 1u);
  EXPECT_EQ(r.compressed[0].from.locator, dir.str() + "/2025/12/deep.json");
  EXPECT_EQ(gunzip_file(dir / "2025/12/deep.json.gz"), trace_text(2));
  EXPECT_TRUE(fs::exists(dir / ".hidden/skip.json"));  // hidden directories are not traces
}

TEST(TraceRetentionCompress, LocatorsMatchTheTraceSourceSpelling) {
  TempDir dir;
  plant(dir / "a.json", trace_text(1), days_ago_ns(10));
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 1;
  // A trailing slash in the configured path does not change the locators.
  const TraceRetentionResult r = apply_trace_retention(dir.str() + "//", policy, false);
  ASSERT_EQ(r.renamed.size(), 1u);
  EXPECT_EQ(r.dir, dir.str());
  EXPECT_EQ(r.renamed[0].from.locator, dir.str() + "/a.json");
  EXPECT_EQ(r.renamed[0].to.locator, dir.str() + "/a.json.gz");
}

TEST(TraceRetentionDelete, ByAgeOldestFirstAndAgeSurvivesCompression) {
  TempDir dir;
  plant(dir / "d40.json", trace_text(1), days_ago_ns(40));
  plant(dir / "d35.json.gz", gzip_compress(trace_text(2)), days_ago_ns(35));
  plant(dir / "d20.json", trace_text(3), days_ago_ns(20));
  plant(dir / "d5.json", trace_text(4), days_ago_ns(5));
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 7;
  policy.delete_after_days = 30;
  TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  EXPECT_EQ(deleted_paths(r), (std::vector<std::string>{"d40.json", "d35.json.gz"}));
  for (const auto& d : r.deleted) EXPECT_EQ(d.reason, DeleteReason::Age);
  EXPECT_EQ(r.deleted_count(DeleteReason::Age), 2u);
  // Deleted by age rather than compressed first.
  ASSERT_EQ(r.compressed.size(), 1u);
  EXPECT_EQ(r.compressed[0].from.locator, (dir / "d20.json").string());

  // Eleven days later the trace compressed at day 20 is 31 days old: its age
  // counts from the trace's own mtime, not from the compression.
  policy.now_unix_ms = kNow + 11 * kDayMs;
  r = apply_trace_retention(dir.path(), policy, false);
  EXPECT_EQ(deleted_paths(r), (std::vector<std::string>{"d20.json.gz"}));
  EXPECT_EQ(names_under(dir.path()), (std::vector<std::string>{".dashflow-retention.lock", "d5.json.gz"}));
}

TEST(TraceRetentionDelete, BySizeOldestFirstThenNameAfterCompression) {
  TempDir dir;
  const std::string blob = noise(400 * 1024);  // compression cannot help
  plant(dir / "b.json", blob, days_ago_ns(3));
  plant(dir / "a.json", blob, days_ago_ns(3));  // same mtime as b: name decides
  plant(dir / "c.json", blob, days_ago_ns(2));
  plant(dir / "d.json", blob, days_ago_ns(1));
  TraceRetentionPolicy policy = pinned_policy();
  policy.max_total_mb = 1;
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  EXPECT_EQ(deleted_paths(r), (std::vector<std::string>{"a.json", "b.json"}));
  for (const auto& d : r.deleted) EXPECT_EQ(d.reason, DeleteReason::Size);
  EXPECT_EQ(r.bytes_after, 2u * blob.size());
  EXPECT_EQ(r.freed_bytes(), 2u * blob.size());
}

TEST(TraceRetentionDelete, SizeCountsCompressedSizes) {
  TempDir dir;
  // 3 x 600 KiB of very compressible text: over 1 MiB before compression,
  // far under it after, so nothing is deleted for size.
  for (int i = 0; i < 3; ++i) plant(dir / ("t" + std::to_string(i) + ".json"), trace_text(i, 600 * 1024), days_ago_ns(10 - i));
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 7;
  policy.max_total_mb = 1;
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  EXPECT_EQ(r.compressed.size(), 3u);
  EXPECT_TRUE(r.deleted.empty());
  EXPECT_LT(r.bytes_after, 1024u * 1024u);
}

TEST(TraceRetentionDelete, ByCountOldestFirst) {
  TempDir dir;
  for (int i = 0; i < 5; ++i) plant(dir / ("t" + std::to_string(i) + ".json"), trace_text(i), days_ago_ns(5 - i));
  TraceRetentionPolicy policy = pinned_policy();
  policy.max_count = 2;
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  EXPECT_EQ(deleted_paths(r), (std::vector<std::string>{"t0.json", "t1.json", "t2.json"}));
  for (const auto& d : r.deleted) EXPECT_EQ(d.reason, DeleteReason::Count);
  EXPECT_EQ(names_under(dir.path()), (std::vector<std::string>{".dashflow-retention.lock", "t3.json", "t4.json"}));
}

TEST(TraceRetentionDelete, StepsRunInOrderAgeSizeCount) {
  TempDir dir;
  const std::string big = noise(600 * 1024);
  plant(dir / "age.json", trace_text(1), days_ago_ns(50));
  plant(dir / "size1.json", big, days_ago_ns(9));
  plant(dir / "size2.json", big, days_ago_ns(8));
  plant(dir / "count.json", trace_text(2), days_ago_ns(4));
  plant(dir / "keep1.json", trace_text(3), days_ago_ns(3));
  plant(dir / "keep2.json", trace_text(4), days_ago_ns(2));
  TraceRetentionPolicy policy = pinned_policy();
  policy.delete_after_days = 30;
  policy.max_total_mb = 1;  // one big file must go
  policy.max_count = 2;     // then two more
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(deleted_paths(r), (std::vector<std::string>{"age.json", "size1.json", "size2.json", "count.json"}));
  ASSERT_EQ(r.deleted.size(), 4u);
  EXPECT_EQ(r.deleted[0].reason, DeleteReason::Age);
  EXPECT_EQ(r.deleted[1].reason, DeleteReason::Size);
  EXPECT_EQ(r.deleted[2].reason, DeleteReason::Count);
  EXPECT_EQ(r.deleted[3].reason, DeleteReason::Count);
  EXPECT_EQ(r.files_after, 2u);
  EXPECT_EQ(names_under(dir.path()), (std::vector<std::string>{".dashflow-retention.lock", "keep1.json", "keep2.json"}));
}

TEST(TraceRetentionRecent, FilesBeingWrittenAreLeftAlone) {
  TempDir dir;
  const int64_t ten_seconds_ago = (kNow - 10000) * 1000000;
  const int64_t in_the_future = (kNow + 3600000) * 1000000;
  plant(dir / "old.json", trace_text(1), days_ago_ns(100));
  plant(dir / "writing.json", trace_text(2), ten_seconds_ago);
  plant(dir / "skewed.json", trace_text(3), in_the_future);
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 0;
  policy.delete_after_days = 1;
  policy.max_count = 1;
  policy.max_total_mb = 1;
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  EXPECT_EQ(deleted_paths(r), (std::vector<std::string>{"old.json"}));
  EXPECT_TRUE(r.compressed.empty());
  EXPECT_EQ(r.skipped_recent, 2u);
  EXPECT_EQ(read_file(dir / "writing.json"), trace_text(2));
  EXPECT_EQ(mtime_ns_of(dir / "writing.json"), ten_seconds_ago);
  EXPECT_TRUE(fs::exists(dir / "skewed.json"));
  // Still over max_count, but nothing else may be touched.
  EXPECT_EQ(r.files_after, 2u);
}

TEST(TraceRetentionDryRun, ChangesNothingAndPredictsTheRealRun) {
  TempDir dir;
  plant(dir / "age.json", trace_text(1, 3000), days_ago_ns(45));
  for (int i = 0; i < 6; ++i) plant(dir / ("t" + std::to_string(i) + ".jsonl"), trace_text(i, 50000), days_ago_ns(20 - i));
  plant(dir / "sub/n.ndjson", trace_text(9, 8000), days_ago_ns(12));
  plant(dir / "fresh.json", trace_text(10), (kNow - 5000) * 1000000);
  write_file(dir / ".x.json.gz.tmp.4242.00ff", "partial");  // a crash's leftover
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 7;
  policy.delete_after_days = 30;
  policy.max_count = 4;
  const auto before = snapshot(dir.path());
  const TraceRetentionResult dry = apply_trace_retention(dir.path(), policy, true);
  EXPECT_TRUE(before == snapshot(dir.path())) << "a dry run changed the directory";
  EXPECT_FALSE(fs::exists(dir / ".dashflow-retention.lock"));
  EXPECT_TRUE(dry.dry_run);
  EXPECT_TRUE(dry.renamed.empty());  // nothing was renamed

  const TraceRetentionResult real = apply_trace_retention(dir.path(), policy, false);
  ASSERT_TRUE(real.errors.empty()) << real.errors.front();
  ASSERT_EQ(dry.compressed.size(), real.compressed.size());
  for (size_t i = 0; i < dry.compressed.size(); ++i) {
    EXPECT_EQ(dry.compressed[i].from, real.compressed[i].from);
    EXPECT_EQ(dry.compressed[i].to.locator, real.compressed[i].to.locator);
    EXPECT_EQ(dry.compressed[i].to.size, real.compressed[i].to.size);  // exact, not estimated
  }
  EXPECT_EQ(deleted_paths(dry), deleted_paths(real));
  EXPECT_EQ(dry.files_after, real.files_after);
  EXPECT_EQ(dry.bytes_after, real.bytes_after);
  EXPECT_EQ(dry.repaired.size(), 1u);
  EXPECT_EQ(real.repaired.size(), 1u);
  EXPECT_EQ(dry.freed_bytes(), real.freed_bytes());
}

TEST(TraceRetentionEdges, MissingDirectoryIsNothingToDo) {
  TempDir dir;
  TraceRetentionPolicy policy = pinned_policy();
  policy.max_count = 1;
  const TraceRetentionResult r = apply_trace_retention(dir / "not-there", policy, false);
  EXPECT_FALSE(r.dir_exists);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_FALSE(fs::exists(dir / "not-there"));
}

TEST(TraceRetentionEdges, AFileIsNotATracesDirectory) {
  TempDir dir;
  write_file(dir / "file.json", "{}");
  try {
    apply_trace_retention(dir / "file.json", pinned_policy(), false);
    FAIL() << "expected TraceRetentionError";
  } catch (const TraceRetentionError& e) {
    EXPECT_NE(std::string(e.what()).find("is not a directory"), std::string::npos) << e.what();
  }
}

TEST(TraceRetentionEdges, ASecondRunWaitsForTheLockThenGivesUp) {
  TempDir dir;
  plant(dir / "a.json", trace_text(1), days_ago_ns(10));
  const std::string lock_path = dir / ".dashflow-retention.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 1;
  policy.lock_timeout_ms = 200;
  try {
    apply_trace_retention(dir.path(), policy, false);
    ADD_FAILURE() << "expected TraceRetentionError";
  } catch (const TraceRetentionError& e) {
    EXPECT_NE(std::string(e.what()).find("another retention run holds"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(dir / "a.json"));
  // A dry run does not need the lock.
  EXPECT_EQ(apply_trace_retention(dir.path(), policy, true).compressed.size(), 1u);
  ::close(fd);
  EXPECT_EQ(apply_trace_retention(dir.path(), policy, false).compressed.size(), 1u);
}

TEST(TraceRetentionEdges, UnreadableFileIsAnErrorAndTheRunGoesOn) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads everything";
  TempDir dir;
  plant(dir / "a.json", trace_text(1), days_ago_ns(10));
  plant(dir / "b.json", trace_text(2), days_ago_ns(10));
  ASSERT_EQ(::chmod((dir / "a.json").c_str(), 0), 0);
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 1;
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find(dir / "a.json"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("permission"), std::string::npos) << r.errors[0];
  EXPECT_EQ(r.compressed.size(), 1u);
  EXPECT_TRUE(fs::exists(dir / "a.json"));
  EXPECT_TRUE(fs::exists(dir / "b.json.gz"));
  EXPECT_EQ(names_under(dir.path()).size(), 3u);  // no temp file left behind
}

TEST(TraceRetentionResultJson, ListsEverythingWithBytes) {
  TempDir dir;
  plant(dir / "old.json", trace_text(1), days_ago_ns(40));
  plant(dir / "mid.json", trace_text(2), days_ago_ns(10));
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 7;
  policy.delete_after_days = 30;
  const json j = apply_trace_retention(dir.path(), policy, false).to_json();
  EXPECT_EQ(j["compressed_count"], 1);
  EXPECT_EQ(j["compressed"][0]["from"], (dir / "mid.json").string());
  EXPECT_EQ(j["compressed"][0]["to"], (dir / "mid.json.gz").string());
  EXPECT_EQ(j["compressed"][0]["bytes_before"], trace_text(2).size());
  EXPECT_EQ(j["deleted"][0]["path"], (dir / "old.json").string());
  EXPECT_EQ(j["deleted"][0]["bytes"], trace_text(1).size());
  EXPECT_EQ(j["deleted"][0]["reason"], "age");
  EXPECT_EQ(j["deleted_for_age"], 1);
  EXPECT_EQ(j["freed_bytes"], trace_text(1).size());
  EXPECT_EQ(j["renamed"].size(), 1u);
  EXPECT_TRUE(j["errors"].empty());
}

}  // namespace
}  // namespace retention_test
