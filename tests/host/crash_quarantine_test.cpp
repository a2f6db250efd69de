// A plugin that crashes the host with a fatal signal: the crash is attributed
// to the plugin on stderr, the plugin file is quarantined, the next run skips
// it (and says why) instead of crashing again, and `plugins release` or a
// rebuilt file lifts the quarantine.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "host_test_support.hpp"

using dashflow::test::TempDir;
using hosttest::RunResult;
using hosttest::write_file;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

class CrashQuarantine : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef DASHFLOW_SANITIZED
    GTEST_SKIP() << "AddressSanitizer owns SIGSEGV in sanitizer builds";
#endif
    plugin_dir_ = cwd_ / "plugins";
    plugin_ = hosttest::copy_into(hosttest::case_so("segv-consume"), plugin_dir_);
    write_file(cwd_ / "dashflow.json", json{{"pipelines", {{"default", {{"analyzers", json::array({{{"plugin", "segv-consume"}}})}}}}}}.dump());
    write_file(cwd_ / "traces" / "t1.json", trace_json());
  }

  static std::string trace_json() {
    return R"({"thread_id":"t","execution_id":"e1","parent_execution_id":null,"root_execution_id":null,"depth":0,
      "nodes_executed":[{"node":"a","duration_ms":5,"tokens_used":0,"state_before":null,"state_after":null,
      "tools_called":[],"success":true,"error_message":null,"index":0,"started_at":"2025-01-01T00:00:00Z","metadata":{}}],
      "total_duration_ms":5,"total_tokens":0,"errors":[],"completed":true,"started_at":"2025-01-01T00:00:00Z",
      "ended_at":"2025-01-01T00:00:01Z","final_state":null,"metadata":{},"execution_metrics":null,"performance_metrics":null})";
  }

  RunResult run(std::vector<std::string> args) {
    std::vector<std::string> full = {"--plugin-dir", plugin_dir_.string(), "--config", (cwd_ / "dashflow.json").string()};
    full.insert(full.end(), args.begin(), args.end());
    return hosttest::run_dashflow(full, cwd_.str(), {{"DASHFLOW_STATE_DIR", (cwd_ / "state").string()}});
  }

  RunResult analyze() {
    return run({"self-improve", "analyze", "--traces", (cwd_ / "traces").string(), "--storage",
                (cwd_ / "storage").string(), "--format", "json"});
  }

  std::string status_of_plugin() {
    RunResult r = run({"plugins", "list", "--format", "json"});
    json j = json::parse(r.out);
    for (const auto& p : j["plugins"])
      if (fs::path(p.value("path", "")).filename() == "segv-consume.so") return p.value("status", "");
    return "missing";
  }

  TempDir cwd_;
  fs::path plugin_dir_, plugin_;
};

TEST_F(CrashQuarantine, CrashIsAttributedThenQuarantinedThenReleased) {
  RunResult first = analyze();
  EXPECT_EQ(first.signal, SIGSEGV) << first.describe();
  EXPECT_NE(first.err.find("plugin 'segv-consume' crashed with SIGSEGV during consume"), std::string::npos)
      << first.describe();
  EXPECT_NE(first.err.find("dashflow plugins release segv-consume"), std::string::npos) << first.describe();
  EXPECT_EQ(status_of_plugin(), "quarantined");

  // The next run does not crash: the plugin is skipped and the report says why.
  RunResult second = analyze();
  EXPECT_EQ(second.signal, 0) << second.describe();
  EXPECT_NE(second.out.find("quarantined: crashed with SIGSEGV during consume"), std::string::npos)
      << second.describe();

  RunResult release = run({"plugins", "release", "segv-consume"});
  EXPECT_EQ(release.exit_code, 0) << release.describe();
  EXPECT_NE(release.out.find("released from quarantine"), std::string::npos) << release.describe();
  EXPECT_EQ(status_of_plugin(), "ok");
}

TEST_F(CrashQuarantine, RebuiltFileIsNoLongerQuarantined) {
  RunResult first = analyze();
  ASSERT_EQ(first.signal, SIGSEGV) << first.describe();
  ASSERT_EQ(status_of_plugin(), "quarantined");
  // A new build of the plugin (different mtime) is given a fresh chance.
  fs::last_write_time(plugin_, fs::last_write_time(plugin_) + std::chrono::seconds(5));
  EXPECT_EQ(status_of_plugin(), "ok");
}

TEST_F(CrashQuarantine, ConformanceChildrenDoNotQuarantine) {
  RunResult r = run({"plugins", "test", plugin_.string()});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(status_of_plugin(), "ok");
}

}  // namespace
