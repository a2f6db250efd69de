// The out-of-tree sample analyzer is built against the *installed* SDK,
// exactly as a team would, then loaded by the host, and its findings show up.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "process.hpp"

using dashflow::test::run_process;
using dashflow::test::TempDir;

namespace {

std::string trace_json(int i, uint64_t writer_tokens) {
  nlohmann::json t = {
      {"thread_id", "t-" + std::to_string(i)},
      {"execution_id", "exec-" + std::to_string(i)},
      {"nodes_executed",
       {{{"node", "planner"}, {"duration_ms", 100}, {"tokens_used", 300}, {"tools_called", nlohmann::json::array()},
         {"success", true}, {"index", 0}, {"metadata", nlohmann::json::object()}},
        {{"node", "writer"}, {"duration_ms", 200}, {"tokens_used", writer_tokens}, {"tools_called", nlohmann::json::array()},
         {"success", true}, {"index", 1}, {"metadata", nlohmann::json::object()}}}},
      {"total_duration_ms", 300},
      {"total_tokens", 300 + writer_tokens},
      {"errors", nlohmann::json::array()},
      {"completed", true},
      {"started_at", "2025-12-15T10:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":00+00:00"},
      {"metadata", {{"graph_name", "sample"}}}};
  return t.dump(2);
}

}  // namespace

TEST(SamplePlugin, BuiltOutOfTreeAgainstInstalledSdkAndLoaded) {
  TempDir tmp;
  const std::string prefix = tmp / "prefix";
  const std::string build = tmp / "sample-build";

  auto install = run_process({"cmake", "--install", DASHFLOW_BINARY_DIR, "--prefix", prefix});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  ASSERT_TRUE(std::filesystem::exists(prefix + "/lib/cmake/DashflowSDK/DashflowSDKConfig.cmake"));

  std::vector<std::string> configure_args = {"cmake", "-S", std::string(DASHFLOW_SOURCE_DIR) + "/samples/custom-analyzer",
                                            "-B", build, "-G", "Ninja", "-DCMAKE_PREFIX_PATH=" + prefix};
#ifdef DASHFLOW_SANITIZED
  // The installed SDK library is instrumented in this build; the plugin must be too.
  configure_args.push_back("-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined");
  configure_args.push_back("-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=address,undefined");
  configure_args.push_back("-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined");
#endif
  auto configure = run_process(configure_args);
  ASSERT_EQ(configure.exit_code, 0) << configure.out << configure.err;
  auto compile = run_process({"cmake", "--build", build}, "", {}, 900);
  ASSERT_EQ(compile.exit_code, 0) << compile.out << compile.err;
  auto unit = run_process({"ctest", "--test-dir", build, "--output-on-failure"});
  EXPECT_EQ(unit.exit_code, 0) << unit.out << unit.err;

  const std::string plugin = build + "/expensive-nodes.so";
  ASSERT_TRUE(std::filesystem::exists(plugin));
  const std::string dashflow = prefix + "/bin/dashflow";

  auto list = run_process({dashflow, "plugins", "list", "--plugin-dir", build, "--format", "json"}, tmp.path());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto listed = nlohmann::json::parse(list.out);
  bool found = false;
  for (const auto& p : listed["plugins"])
    if (p.value("id", "") == "expensive-nodes" && p["status"] == "ok") found = true;
  EXPECT_TRUE(found) << list.out;

  auto conformance = run_process({dashflow, "plugins", "test", plugin}, tmp.path());
  EXPECT_EQ(conformance.exit_code, 0) << conformance.out << conformance.err;

  // Traces where 'writer' is far over the 2000-token budget.
  for (int i = 0; i < 6; ++i)
    dashflow::test::write_file(tmp / ("traces/t" + std::to_string(i) + ".json"), trace_json(i, 5000));
  auto analyze = run_process({dashflow, "self-improve", "analyze", "--plugin-dir", build, "--traces", tmp / "traces",
                              "--storage", tmp / "store", "--format", "json"},
                             tmp.path());
  ASSERT_EQ(analyze.exit_code, 0) << analyze.out << analyze.err;
  auto result = nlohmann::json::parse(analyze.out);
  EXPECT_EQ(result["traces_analyzed"], 6);
  auto show = run_process({dashflow, "self-improve", "reports", "show", result["report_id"].get<std::string>(),
                           "--storage", tmp / "store", "--format", "json"},
                          tmp.path());
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto report = nlohmann::json::parse(show.out);
  bool gap = false;
  for (const auto& g : report["capability_gaps"])
    if (g.value("key", "") == "expensive:writer") gap = g.value("source", "") == "expensive-nodes";
  EXPECT_TRUE(gap) << show.out;
}
