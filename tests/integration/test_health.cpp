// `dashflow introspect health` through the real binary on good and tampered
// data: a healthy installation exits 0; a damaged daemon status document, a
// daemon that died without stopping or a storage not created yet degrades
// it (and the check creates nothing); unusable storage makes it
// unhealthy (exit 1); the analysis cache is described and its damage
// degrades. JSON output stays valid in every case.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "corpus.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::test::ProcessResult;
using dashflow::test::run_process;
using dashflow::test::TempDir;
using nlohmann::json;

namespace {

class Health : public ::testing::Test {
 protected:
  void SetUp() override {
    dashflow::test::PlantedCorpus spec;
    spec.traces = 10;
    dashflow::test::write_planted_corpus(tmp / "traces", spec);
    ProcessResult r = run_process({DASHFLOW_EXE, "self-improve", "analyze", "--traces", tmp / "traces", "--storage",
                                   store(), "--no-cache", "--format", "json"}, tmp.path());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  struct Result {
    int exit_code = 0;
    json doc;
    json component(const std::string& name) const {
      for (const auto& c : doc["components"])
        if (c["name"] == name) return c;
      return json();
    }
  };
  Result health(const std::string& storage) {
    ProcessResult r = run_process({DASHFLOW_EXE, "introspect", "health", "--storage", storage, "--traces",
                                   tmp / "traces", "--format", "json"}, tmp.path());
    Result out;
    out.exit_code = r.exit_code;
    try {
      out.doc = json::parse(r.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << r.out << r.err;
    }
    return out;
  }
  void write_status(const std::string& text) { dashflow::test::write_file(store() + "/state/daemon.json", text); }
  std::string store() const { return tmp / "store"; }
  TempDir tmp;
};

}  // namespace

TEST_F(Health, AHealthyInstallationExitsZero) {
  Result h = health(store());
  EXPECT_EQ(h.exit_code, 0) << h.doc.dump(2);
  EXPECT_EQ(h.doc["level"], "healthy") << h.doc.dump(2);
  EXPECT_EQ(h.component("storage")["details"]["reports"], 1);
  EXPECT_EQ(h.component("traces")["details"]["units"], 10);
  EXPECT_EQ(h.component("daemon")["details"]["state"], "never-started");
}

TEST_F(Health, ADamagedDaemonStatusDegradesButDoesNotFail) {
  write_status("{\"state\": \"running\", \"pid\": ");  // torn write by hand
  Result h = health(store());
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_EQ(h.doc["level"], "degraded") << h.doc.dump(2);
  const json daemon = h.component("daemon");
  EXPECT_EQ(daemon["level"], "degraded");
  ASSERT_FALSE(daemon["problems"].empty());
  EXPECT_NE(daemon["problems"][0].get<std::string>().find("daemon status"), std::string::npos) << daemon.dump(2);
}

TEST_F(Health, ADaemonThatDiedWithoutStoppingIsReported) {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  waitpid(child, nullptr, 0);  // a pid that no longer runs
  write_status(json{{"state", "running"}, {"pid", child}, {"cycles", 3}, {"interval_seconds", 60},
                    {"updated_at", "2026-01-01T00:00:00Z"}}.dump());
  Result h = health(store());
  EXPECT_EQ(h.doc["level"], "degraded") << h.doc.dump(2);
  const json daemon = h.component("daemon");
  ASSERT_FALSE(daemon["problems"].empty()) << daemon.dump(2);
  EXPECT_NE(daemon["problems"][0].get<std::string>().find("gone without stopping cleanly"), std::string::npos)
      << daemon.dump(2);
}

TEST_F(Health, StorageThatIsAFileIsUnhealthyWithExitOne) {
  dashflow::test::write_file(tmp / "not-a-dir", "x");
  Result h = health(tmp / "not-a-dir");
  EXPECT_EQ(h.exit_code, 1) << h.doc.dump(2);
  EXPECT_EQ(h.doc["level"], "unhealthy");
  EXPECT_EQ(h.component("storage")["level"], "unhealthy");
  EXPECT_FALSE(h.component("storage")["problems"].empty());
}

// A check only looks: a storage directory that does not exist yet is
// reported (degraded: the first analyze creates it), and is still absent
// afterwards; so is every parent that was missing.
TEST_F(Health, AMissingStorageIsReportedAndNotCreated) {
  const std::string missing = (fs::path(tmp / "not-yet") / "store").string();
  Result h = health(missing);
  EXPECT_EQ(h.exit_code, 0) << h.doc.dump(2);
  const json storage = h.component("storage");
  EXPECT_EQ(storage["level"], "degraded") << h.doc.dump(2);
  ASSERT_FALSE(storage["problems"].empty()) << storage.dump(2);
  EXPECT_NE(storage["problems"][0].get<std::string>().find("does not exist yet"), std::string::npos) << storage.dump(2);
  EXPECT_EQ(h.component("traces")["details"]["units"], 10);
  EXPECT_EQ(h.component("daemon")["details"]["state"], "never-started") << h.doc.dump(2);
  EXPECT_FALSE(fs::exists(tmp / "not-yet")) << "introspect health created the storage directory";
}

// The analysis cache: empty before a run, entries after one, then damaged by
// hand (a truncated entry, a temp file of a killed run): degraded, never
// unhealthy (the cache costs speed, never results); off when configured off.
TEST_F(Health, TheCacheComponentReportsItsEntriesAndDamage) {
  const std::string config = tmp / "cache.json";
  auto write_config = [&](bool enabled) {
    dashflow::test::write_file(config,
                               json{{"cache", {{"enabled", enabled}, {"dir", (tmp / "cache").string()}}}}.dump());
  };
  auto cache_component = [&] {
    ProcessResult r = run_process({DASHFLOW_EXE, "--config", config, "introspect", "health", "--storage", store(),
                                   "--traces", tmp / "traces", "--format", "json"}, tmp.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const json doc = json::parse(r.out);
    for (const auto& c : doc["components"])
      if (c["name"] == "cache") return c;
    ADD_FAILURE() << "no cache component: " << r.out;
    return json();
  };
  write_config(true);
  json c = cache_component();
  EXPECT_EQ(c["level"], "healthy") << c.dump(2);
  EXPECT_NE(c["message"].get<std::string>().find("empty"), std::string::npos) << c.dump(2);
  EXPECT_FALSE(fs::exists(tmp / "cache")) << "health must not create the cache directory";

  // Files written a moment ago may still be written to: the cache stores only settled ones.
  for (const auto& e : fs::recursive_directory_iterator(tmp / "traces"))
    if (e.is_regular_file()) fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::hours(1));
  ProcessResult r = run_process({DASHFLOW_EXE, "--config", config, "self-improve", "analyze", "--traces", tmp / "traces",
                                 "--storage", store(), "--format", "json"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  c = cache_component();
  EXPECT_EQ(c["level"], "healthy") << c.dump(2);
  ASSERT_GE(c["details"]["entries"].get<int>(), 1) << c.dump(2);
  EXPECT_EQ(c["details"]["damaged"], 0);

  const fs::path entries = fs::path(tmp / "cache") / "analysis-v1";
  fs::path entry;
  for (const auto& e : fs::directory_iterator(entries))
    if (e.path().extension() == ".chunk") entry = e.path();
  ASSERT_FALSE(entry.empty());
  fs::resize_file(entry, fs::file_size(entry) / 2);  // torn by a crash
  const fs::path temp = entries / (entry.filename().string() + ".tmp.99999.abc");
  dashflow::test::write_file(temp.string(), "partial");
  fs::last_write_time(temp, fs::file_time_type::clock::now() - std::chrono::hours(2));
  c = cache_component();
  EXPECT_EQ(c["level"], "degraded") << c.dump(2);
  EXPECT_EQ(c["details"]["damaged"], 1) << c.dump(2);
  EXPECT_EQ(c["details"]["stale_temp_files"], 1) << c.dump(2);
  ASSERT_EQ(c["problems"].size(), 2u) << c.dump(2);
  EXPECT_NE(c["problems"][0].get<std::string>().find("read again"), std::string::npos) << c.dump(2);

  write_config(false);
  c = cache_component();
  EXPECT_EQ(c["level"], "healthy");
  EXPECT_EQ(c["details"]["enabled"], false);
}
