// `dashflow self-improve retention` through the real binary: compressed
// traces are still analyzed (same traces, same summary), a dry run changes
// nothing, storage retention trims reports and old closed plans, health
// thresholds show in the output, and errors keep the exit-code and JSON
// conventions.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "archive/gzip.hpp"
#include "corpus.hpp"
#include "dashflow_cli.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::test::ProcessResult;
using dashflow::test::read_file;
using dashflow::test::TempDir;
using dashflow::test::write_file;
using nlohmann::json;

namespace {

constexpr int64_t kDayNs = 86400LL * 1000000000LL;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void set_mtime_ns(const std::string& path, int64_t ns) {
  struct timespec t[2];
  t[0].tv_sec = t[1].tv_sec = ns / 1000000000;
  t[0].tv_nsec = t[1].tv_nsec = ns % 1000000000;
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), t, 0), 0) << path;
}

int64_t mtime_ns_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string p = e.path().string();
    const std::string rel = fs::relative(e.path(), root).string();
    out[rel] = (e.is_regular_file() ? read_file(p) : std::string("<dir>")) + "@" + std::to_string(mtime_ns_of(p));
  }
  return out;
}

class RetentionCli : public ::testing::Test {
 protected:
  TempDir tmp;
  std::string traces() const { return tmp / "traces"; }
  std::string store() const { return tmp / "store"; }
  std::string config() const { return tmp / "dashflow.json"; }

  ProcessResult dashflow(std::vector<std::string> args) {
    return dashflow::test::run_dashflow(std::move(args), tmp.path());
  }
  json dashflow_json(std::vector<std::string> args, int expected_exit = 0) {
    return dashflow::test::dashflow_json(std::move(args), tmp.path(), expected_exit);
  }
  void write_config(const json& j) { write_file(config(), j.dump(2)); }
  // The planted corpus, every file `age_days` old.
  int plant_corpus(double age_days) {
    const int n = dashflow::test::write_planted_corpus(traces());
    for (const auto& e : fs::directory_iterator(traces()))
      set_mtime_ns(e.path().string(), now_ns() - static_cast<int64_t>(age_days * static_cast<double>(kDayNs)));
    return n;
  }
};

json summary_without_deltas(json summary) {
  summary.erase("vs_previous");
  return summary;
}

TEST_F(RetentionCli, CompressedTracesAreStillAnalyzed) {
  int n = plant_corpus(10);
  // JSON Lines files too: they become .jsonl.gz and .ndjson.gz.
  auto lines = [](int first, int count) {
    std::string out;
    for (int i = first; i < first + count; ++i) out += json::parse(dashflow::test::healthy_trace_json(i, 100)).dump() + "\n";
    return out;
  };
  write_file(traces() + "/extra.jsonl", lines(1, 3));
  write_file(traces() + "/extra.ndjson", lines(4, 2));
  set_mtime_ns(traces() + "/extra.jsonl", now_ns() - 9 * kDayNs);
  set_mtime_ns(traces() + "/extra.ndjson", now_ns() - 9 * kDayNs);
  n += 5;
  std::map<std::string, std::string> originals;
  std::map<std::string, int64_t> mtimes;
  for (const auto& e : fs::directory_iterator(traces())) {
    originals[e.path().string()] = read_file(e.path().string());
    mtimes[e.path().string()] = mtime_ns_of(e.path().string());
  }
  const json before = dashflow_json({"self-improve", "analyze", "--traces", traces(), "--storage", tmp / "store-before"});
  ASSERT_EQ(before["traces_analyzed"], n);

  write_config({{"retention", {{"compress_after_days", 7}}}});
  const json r = dashflow_json({"self-improve", "retention", "--config", config(), "--traces", traces(), "--storage", store()});
  ASSERT_EQ(r["traces"].size(), 1u);
  EXPECT_EQ(r["traces"][0]["compressed_count"], originals.size());
  EXPECT_TRUE(r["errors"].empty()) << r.dump(2);
  for (const auto& [path, content] : originals) {
    EXPECT_FALSE(fs::exists(path)) << path;
    ASSERT_TRUE(fs::exists(path + ".gz")) << path;
    EXPECT_EQ(dashflow::host::gzip_decompress(read_file(path + ".gz"), 1ull << 30), content) << path;
    EXPECT_EQ(mtime_ns_of(path + ".gz"), mtimes[path]) << path;
  }
  EXPECT_TRUE(fs::exists(traces() + "/extra.jsonl.gz"));
  EXPECT_TRUE(fs::exists(traces() + "/extra.ndjson.gz"));

  const json after = dashflow_json({"self-improve", "analyze", "--traces", traces(), "--storage", tmp / "store-after"});
  EXPECT_EQ(after["traces_analyzed"], n);
  EXPECT_EQ(after["inputs_skipped"], 0);
  EXPECT_EQ(summary_without_deltas(after["execution_summary"]), summary_without_deltas(before["execution_summary"]));
  EXPECT_EQ(after["capability_gaps"], before["capability_gaps"]);
  EXPECT_EQ(after["plans_generated"], before["plans_generated"]);

  // A second run has nothing left to do.
  const json again = dashflow_json({"self-improve", "retention", "--config", config(), "--traces", traces(), "--storage", store()});
  EXPECT_EQ(again["traces"][0]["compressed_count"], 0);
  EXPECT_EQ(again["traces"][0]["files_after"], originals.size());
}

TEST_F(RetentionCli, DryRunChangesNothingAndSaysWhatWouldHappen) {
  plant_corpus(40);
  write_file(traces() + "/fresh.json", dashflow::test::healthy_trace_json(999, 5));  // being written: now
  ASSERT_EQ(dashflow({"self-improve", "analyze", "--traces", traces(), "--storage", store()}).exit_code, 0);
  write_config({{"retention", {{"compress_after_days", 7}, {"delete_after_days", 30}, {"storage", {{"max_reports", 0}}}}}});
  const auto traces_before = snapshot(traces());
  const auto store_before = snapshot(store());

  const json dry = dashflow_json(
      {"self-improve", "retention", "--dry-run", "--config", config(), "--traces", traces(), "--storage", store()});
  EXPECT_EQ(dry["dry_run"], true);
  EXPECT_EQ(dry["traces"][0]["deleted_for_age"], 40);
  EXPECT_EQ(dry["traces"][0]["skipped_recent"], 1);
  EXPECT_EQ(dry["traces"][0]["files_after"], 1);
  EXPECT_TRUE(dry["audit_record"].is_null());
  EXPECT_TRUE(dry["storage"]["health"].is_null());
  EXPECT_EQ(dry["storage"]["stats"]["report_count"], 1);

  const ProcessResult table = dashflow(
      {"self-improve", "retention", "--dry-run", "--config", config(), "--traces", traces(), "--storage", store()});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("dry run: nothing is changed"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("would delete 40"), std::string::npos) << table.out;

  EXPECT_EQ(snapshot(traces()), traces_before);
  EXPECT_EQ(snapshot(store()), store_before);

  // The real run does what the dry run said.
  const json real = dashflow_json({"self-improve", "retention", "--config", config(), "--traces", traces(), "--storage", store()});
  EXPECT_EQ(real["traces"][0]["deleted"], dry["traces"][0]["deleted"]);
  EXPECT_TRUE(fs::exists(traces() + "/fresh.json"));
  EXPECT_FALSE(real["audit_record"].is_null());
}

TEST_F(RetentionCli, DryRunOnAMissingStorageCreatesNothing) {
  const json dry = dashflow_json({"self-improve", "retention", "--dry-run", "--traces", traces(), "--storage", store()});
  EXPECT_FALSE(fs::exists(store()));
  EXPECT_FALSE(fs::exists(traces()));
  EXPECT_EQ(dry["traces"][0]["exists"], false);
  EXPECT_EQ(dry["storage"]["cleanup"]["total_deleted"], 0);
}

TEST_F(RetentionCli, StorageRetentionTrimsReportsAndOldClosedPlans) {
  plant_corpus(1);
  json first;
  for (int i = 0; i < 3; ++i) {
    const json a = dashflow_json({"self-improve", "analyze", "--traces", traces(), "--storage", store()});
    if (i == 0) first = a;
  }
  ASSERT_GE(first["plan_ids"].size(), 2u);
  const std::string old_plan = first["plan_ids"][0], young_plan = first["plan_ids"][1];
  for (const std::string& id : {old_plan, young_plan})
    ASSERT_EQ(dashflow({"self-improve", "fail", id, "--reason", "not worth it", "--storage", store()}).exit_code, 0);
  // The first failed plan was closed 40 days ago.
  const std::string plan_file = store() + "/plans/failed/" + old_plan + ".json";
  json plan = json::parse(read_file(plan_file));
  plan["updated_at"] = "2000-01-01T00:00:00.000Z";
  write_file(plan_file, plan.dump(2));

  write_config({{"storage", {{"plugin", "fs"}, {"config", {{"report_warning_count", 2}}}}},
                {"retention", {{"storage", {{"max_reports", 2}, {"plan_archive_age_days", 30}}}}}});
  const json r = dashflow_json({"self-improve", "retention", "--config", config(), "--traces", traces(), "--storage", store()});
  const json& cleanup = r["storage"]["cleanup"];
  EXPECT_EQ(cleanup["reports_deleted"], 1);
  EXPECT_EQ(cleanup["plans_deleted"], 1);
  EXPECT_EQ(cleanup["hypotheses_deleted"], 0);
  EXPECT_EQ(cleanup["total_deleted"], 2);
  EXPECT_GT(cleanup["bytes_freed"].get<uint64_t>(), 0u);
  EXPECT_EQ(r["storage"]["policy"]["from"], "retention.storage");
  EXPECT_FALSE(fs::exists(plan_file));
  EXPECT_TRUE(fs::exists(store() + "/plans/failed/" + young_plan + ".json"));
  EXPECT_EQ(r["storage"]["stats"]["report_count"], 2);
  EXPECT_EQ(r["storage"]["stats"]["plans"]["failed"], 1);
  // §1.10 thresholds: 2 reports with report_warning_count 2 is a warning (>=).
  EXPECT_EQ(r["storage"]["health"]["level"], "warning");
  EXPECT_EQ(r["storage"]["health"]["cleanup_recommended"], true);
  EXPECT_EQ(r["storage"]["health"]["warnings"], json::array({"Report count warning: 2 (threshold: 2)"}));
  // The deletion is on the audit trail, which still verifies.
  EXPECT_FALSE(r["audit_record"].is_null());
  const ProcessResult verify = dashflow({"self-improve", "audit", "verify", "--storage", store()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  size_t reports = 0;
  for (const auto& e : fs::directory_iterator(store() + "/reports")) reports += e.path().extension() == ".json";
  EXPECT_EQ(reports, 2u);
}

TEST_F(RetentionCli, DefaultTracesDirectoryComesFromThePipelineSource) {
  const std::string default_traces = tmp / ".dashflow/traces";
  fs::create_directories(default_traces);
  write_file(default_traces + "/old.json", dashflow::test::healthy_trace_json(1, 0));
  set_mtime_ns(default_traces + "/old.json", now_ns() - 10 * kDayNs);
  write_config({{"retention", {{"compress_after_days", 7}}}});
  const json r = dashflow_json({"self-improve", "retention", "--config", config(), "--storage", store()});
  ASSERT_EQ(r["traces"].size(), 1u);
  EXPECT_EQ(r["traces"][0]["dir"], ".dashflow/traces");
  EXPECT_EQ(r["traces"][0]["compressed_count"], 1);
  EXPECT_TRUE(fs::exists(default_traces + "/old.json.gz"));
}

TEST_F(RetentionCli, ErrorsKeepTheConventions) {
  write_file(tmp / "afile", "x");
  // A traces "directory" that is a file: the run reports it and exits 1, JSON intact.
  json r = dashflow_json({"self-improve", "retention", "--traces", tmp / "afile", "--storage", store()}, 1);
  ASSERT_FALSE(r["errors"].empty());
  EXPECT_NE(r["errors"][0].get<std::string>().find("is not a directory"), std::string::npos) << r.dump(2);
  EXPECT_NE(r["traces"][0]["error"].get<std::string>().find("afile"), std::string::npos);

  // A bad config value names the key (whether the config schema or the
  // retention settings catch it).
  write_config({{"retention", {{"max_count", "many"}}}});
  r = dashflow_json({"self-improve", "retention", "--config", config(), "--traces", traces()}, 1);
  ASSERT_TRUE(r.contains("error")) << r.dump(2);
  EXPECT_EQ(r["error"]["kind"], "config");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("max_count"), std::string::npos) << r.dump(2);

  // A usage error is exit 2, still JSON.
  r = dashflow_json({"self-improve", "retention", "--no-such-flag"}, 2);
  EXPECT_TRUE(r.contains("error"));
  const ProcessResult help = dashflow({"self-improve", "retention", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--dry-run"), std::string::npos);
}

}  // namespace
