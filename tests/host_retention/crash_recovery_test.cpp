// Crash safety of trace compression: the process is killed (SIGKILL, in a
// death-test child) after each durable step; at every instant the trace is
// readable, and the next run leaves it readable exactly once, as the .gz
// with the original's bytes and mtime. Also the leftover states themselves:
// a temp file, both x and x.gz (same bytes, corrupt .gz, different data).
#include <signal.h>

#include "retention_test_support.hpp"

namespace retention_test {
namespace {

std::vector<std::string> temp_files_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (is_retention_temp_name(e.path().filename().string())) out.push_back(e.path().string());
  return out;
}

// The trace `name` with `content` can be read: as the file itself or as a
// .gz that decompresses to it. Returns how many readable copies there are.
int readable_copies(const std::string& dir, const std::string& name, const std::string& content) {
  int copies = 0;
  if (fs::exists(dir + "/" + name) && read_file(dir + "/" + name) == content) ++copies;
  if (fs::exists(dir + "/" + name + ".gz")) {
    try {
      if (gunzip_file(dir + "/" + name + ".gz") == content) ++copies;
    } catch (const GzipError&) {
    }
  }
  return copies;
}

TEST(TraceRetentionRepair, LeftoverTempFileIsRemovedTheTraceKept) {
  TempDir dir;
  plant(dir / "x.json", trace_text(1), days_ago_ns(10));
  const std::string temp = dir / ("." + std::string("x.json") + ".gz.tmp.4242.0123abcd");
  write_file(temp, gzip_compress(trace_text(1)).substr(0, 40));  // cut short by the crash
  // Repairs happen even when no limit is configured.
  const TraceRetentionResult r = apply_trace_retention(dir.path(), pinned_policy(), false);
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.repaired.size(), 1u);
  EXPECT_EQ(r.repaired[0].removed, temp);
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_EQ(read_file(dir / "x.json"), trace_text(1));
  EXPECT_TRUE(r.renamed.empty());
}

TEST(TraceRetentionRepair, BothExistWithTheSameBytesKeepsTheGz) {
  TempDir dir;
  plant(dir / "x.json", trace_text(1), days_ago_ns(10));
  plant(dir / "x.json.gz", gzip_compress(trace_text(1)), days_ago_ns(10));
  TraceUnit original;
  ASSERT_TRUE(stat_unit(dir / "x.json", original));
  const TraceRetentionResult r = apply_trace_retention(dir.path(), pinned_policy(), false);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_FALSE(fs::exists(dir / "x.json"));
  EXPECT_EQ(gunzip_file(dir / "x.json.gz"), trace_text(1));
  ASSERT_EQ(r.repaired.size(), 1u);
  EXPECT_EQ(r.repaired[0].removed, (dir / "x.json").string());
  EXPECT_EQ(r.repaired[0].kept, (dir / "x.json.gz").string());
  // The cursor follows: x.json is now x.json.gz.
  ASSERT_EQ(r.renamed.size(), 1u);
  EXPECT_EQ(r.renamed[0].from, original);
  EXPECT_EQ(r.renamed[0].to.locator, (dir / "x.json.gz").string());
  EXPECT_EQ(r.files_after, 1u);
}

TEST(TraceRetentionRepair, BothExistWithACorruptGzKeepsTheOriginal) {
  TempDir dir;
  plant(dir / "x.json", trace_text(1), days_ago_ns(10));
  const std::string gz = gzip_compress(trace_text(1));
  plant(dir / "x.json.gz", gz.substr(0, gz.size() / 2), days_ago_ns(10));  // truncated
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 7;
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.repaired.size(), 1u);
  EXPECT_EQ(r.repaired[0].removed, (dir / "x.json.gz").string());
  EXPECT_EQ(r.repaired[0].kept, (dir / "x.json").string());
  EXPECT_NE(r.repaired[0].why.find("truncated"), std::string::npos) << r.repaired[0].why;
  // ... and x.json is compressed again properly in the same run.
  ASSERT_EQ(r.compressed.size(), 1u);
  EXPECT_EQ(readable_copies(dir.path(), "x.json", trace_text(1)), 1);
  EXPECT_FALSE(fs::exists(dir / "x.json"));
}

TEST(TraceRetentionRepair, BothExistWithDifferentDataKeepsBothAndSaysSo) {
  TempDir dir;
  plant(dir / "x.json", trace_text(1), days_ago_ns(10));
  plant(dir / "x.json.gz", gzip_compress(trace_text(2)), days_ago_ns(10));
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 7;
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find(dir / "x.json"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("different data"), std::string::npos) << r.errors[0];
  EXPECT_TRUE(r.compressed.empty());
  EXPECT_EQ(read_file(dir / "x.json"), trace_text(1));
  EXPECT_EQ(gunzip_file(dir / "x.json.gz"), trace_text(2));
}

TEST(TraceRetentionRepair, BothExistWhileBeingWrittenIsLeftForLater) {
  TempDir dir;
  plant(dir / "x.json", trace_text(1), (kNow - 5000) * 1000000);
  plant(dir / "x.json.gz", gzip_compress(trace_text(1)), days_ago_ns(10));
  const TraceRetentionResult r = apply_trace_retention(dir.path(), pinned_policy(), false);
  EXPECT_TRUE(r.repaired.empty());
  EXPECT_TRUE(fs::exists(dir / "x.json"));
  EXPECT_TRUE(fs::exists(dir / "x.json.gz"));
}

// ------------------------------------------------------------ real crashes

struct CrashCase {
  const char* step;
  int file;  // crash while compressing the n-th file (0-based)
};

class TraceRetentionCrash : public ::testing::TestWithParam<CrashCase> {};

TEST_P(TraceRetentionCrash, EveryInstantLeavesTheTraceReadableAndTheNextRunFixesIt) {
  TempDir dir;
  const std::vector<std::string> names = {"a.json", "b.jsonl", "c.ndjson"};
  std::vector<int64_t> mtimes;
  for (size_t i = 0; i < names.size(); ++i) {
    plant(dir / names[i], trace_text(static_cast<int>(i), 30000), days_ago_ns(10 + static_cast<double>(i)));
    mtimes.push_back(mtime_ns_of(dir / names[i]));
  }
  TraceRetentionPolicy policy = pinned_policy();
  policy.compress_after_days = 7;
  const CrashCase crash = GetParam();
  // Files are compressed oldest first: c, b, a.
  const std::string victim = dir / names[names.size() - 1 - static_cast<size_t>(crash.file)];

  TraceRetentionPolicy crashing = policy;
  crashing.step_hook = [&](std::string_view step, const std::string& path) {
    if (step == crash.step && path == victim) ::raise(SIGKILL);
  };
  EXPECT_EXIT(apply_trace_retention(dir.path(), crashing, false), ::testing::KilledBySignal(SIGKILL), "");

  // Right after the crash: every trace is readable, at least once.
  for (size_t i = 0; i < names.size(); ++i)
    EXPECT_GE(readable_copies(dir.path(), names[i], trace_text(static_cast<int>(i), 30000)), 1) << names[i];
  const std::string victim_name = fs::path(victim).filename().string();
  if (std::string_view(crash.step) == "temp-synced") {
    EXPECT_EQ(temp_files_in(dir.path()).size(), 1u);
    EXPECT_FALSE(fs::exists(victim + ".gz"));
  } else if (std::string_view(crash.step) == "renamed") {
    EXPECT_TRUE(fs::exists(victim));
    EXPECT_TRUE(fs::exists(victim + ".gz"));
  } else {
    EXPECT_FALSE(fs::exists(victim));
  }

  // The next run repairs and finishes the job.
  const TraceRetentionResult r = apply_trace_retention(dir.path(), policy, false);
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(readable_copies(dir.path(), names[i], trace_text(static_cast<int>(i), 30000)), 1) << names[i];
    EXPECT_FALSE(fs::exists(dir / names[i])) << names[i];
    EXPECT_EQ(mtime_ns_of(dir / (names[i] + ".gz")), mtimes[i]) << names[i];
  }
  EXPECT_TRUE(temp_files_in(dir.path()).empty());
  if (std::string_view(crash.step) == "renamed") {
    // The half-done compression shows up as a rename for the cursor.
    bool followed = false;
    for (const TraceRename& rn : r.renamed) followed = followed || (rn.from.locator == victim && rn.to.locator == victim + ".gz");
    EXPECT_TRUE(followed);
  }
}

INSTANTIATE_TEST_SUITE_P(Steps, TraceRetentionCrash,
                         ::testing::Values(CrashCase{"temp-synced", 0}, CrashCase{"renamed", 0},
                                           CrashCase{"original-removed", 0}, CrashCase{"temp-synced", 1},
                                           CrashCase{"renamed", 2}),
                         [](const ::testing::TestParamInfo<CrashCase>& info) {
                           std::string name = std::string(info.param.step) + "_file" + std::to_string(info.param.file);
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace retention_test
