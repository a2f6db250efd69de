// The otlp plugin through the real binary: the conformance suite, config
// validation, and `self-improve analyze` on a pipeline whose trace source is
// otlp, reading the OpenTelemetry JS SDK fixtures.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "dashflow_cli.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::test::run_dashflow;
using dashflow::test::TempDir;
using nlohmann::json;

namespace {

const std::string kPlugin = std::string(DASHFLOW_PLUGIN_DIR) + "/dashflow-otlp.so";
const std::string kSdkFixtures = std::string(OTLP_FIXTURES_DIR) + "/sdk";

// A config whose only pipeline reads OTLP files; all built-in analyzers.
std::string write_config(const TempDir& tmp, const std::string& traces) {
  const json config = {
      {"storage", {{"plugin", "fs"}, {"config", {{"path", (tmp / "store").string()}}}}},
      {"pipelines",
       {{"otel",
         {{"trace_sources", json::array({{{"plugin", "otlp"}, {"config", {{"path", traces}, {"recursive", true}}}}})},
          {"alert_sinks", json::array()}}}}}};
  const std::string path = tmp / "dashflow.json";
  dashflow::test::write_file(path, config.dump(2));
  return path;
}

}  // namespace

TEST(OtlpCli, ConformanceSuitePasses) {
  TempDir cwd;
  auto r = run_dashflow({"plugins", "test", kPlugin, "--format", "json"}, cwd.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["failed"], 0) << j.dump(2);
  EXPECT_GE(j["passed"].get<int>(), 7) << j.dump(2);

  auto info = run_dashflow({"plugins", "info", kPlugin, "--format", "json"}, cwd.path());
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const json i = json::parse(info.out);
  EXPECT_EQ(i["id"], "otlp");
  EXPECT_EQ(i["kind"], "trace-source");
}

TEST(OtlpCli, ConfigValidateChecksTheOtlpSchema) {
  TempDir tmp;
  const std::string config = write_config(tmp, kSdkFixtures);
  auto ok = run_dashflow({"--config", config, "config", "validate", "--format", "json"}, tmp.path());
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;

  json bad = json::parse(dashflow::test::read_file(config));
  bad["pipelines"]["otel"]["trace_sources"][0]["config"]["keep_contents"] = true;
  dashflow::test::write_file(config, bad.dump());
  auto r = run_dashflow({"--config", config, "config", "validate", "--format", "json"}, tmp.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("keep_contents"), std::string::npos) << r.out << r.err;
}

TEST(OtlpCli, AnalyzeFindsTheFailingToolAsAGap) {
  TempDir tmp;
  const std::string config = write_config(tmp, kSdkFixtures);
  auto r = run_dashflow({"--config", config, "self-improve", "analyze", "--format", "json"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json out = json::parse(r.out);
  EXPECT_EQ(out["traces_analyzed"], 6);
  EXPECT_EQ(out["inputs_skipped"], 0);

  auto show = run_dashflow({"--config", config, "self-improve", "reports", "show", out["report_id"].get<std::string>(),
                           "--format", "json"},
                          tmp.path());
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const json report = json::parse(show.out);
  EXPECT_EQ(report["execution_summary"]["total_executions"], 6);
  // Runs 2 and 3 have the failing tool; the other four succeed.
  EXPECT_NEAR(report["execution_summary"]["success_rate"].get<double>(), 4.0 / 6.0, 1e-9);
  EXPECT_EQ(report["execution_summary"]["total_tokens"], 1995 + 1825 + 861 + 3590 + 1350 + 2316);

  // The tool's three failures (runs 2 and 3) form a recurring-error gap on
  // the fetch_weather node, and the retry in run 3 a retry gap.
  const json* error_gap = nullptr;
  bool retry_gap = false;
  for (const auto& g : report["capability_gaps"]) {
    const std::string key = g.value("key", "");
    if (key.rfind("error:", 0) == 0 && key.find("weather api returned http") != std::string::npos) error_gap = &g;
    if (key == "retry:fetch_weather") retry_gap = true;
  }
  ASSERT_NE(error_gap, nullptr) << report["capability_gaps"].dump(1);
  EXPECT_EQ((*error_gap)["manifestation"]["Errors"]["count"], 3) << error_gap->dump(1);
  EXPECT_EQ((*error_gap)["category"]["InadequateFunctionality"]["node"], "fetch_weather") << error_gap->dump(1);
  EXPECT_NE((*error_gap)["proposed_solution"].get<std::string>().find("fetch_weather"), std::string::npos);
  EXPECT_TRUE(retry_gap) << report["capability_gaps"].dump(1);
}

TEST(OtlpCli, AnalyzeReportsMalformedFilesAsSkippedAndGoesOn) {
  TempDir tmp;
  fs::create_directories(tmp / "traces");
  fs::copy_file(kSdkFixtures + "/genai_old_new.jsonl", tmp / "traces/good.jsonl");
  fs::copy_file(std::string(OTLP_FIXTURES_DIR) + "/bad/base64_ids.json", tmp / "traces/base64_ids.json");
  fs::copy_file(std::string(OTLP_FIXTURES_DIR) + "/bad/truncated.json", tmp / "traces/truncated.json");
  const std::string config = write_config(tmp, tmp / "traces");
  auto r = run_dashflow({"--config", config, "self-improve", "analyze", "--format", "json"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json out = json::parse(r.out);
  EXPECT_EQ(out["traces_analyzed"], 1);
  EXPECT_EQ(out["inputs_skipped"], 2);
  auto show = run_dashflow({"--config", config, "self-improve", "reports", "show", out["report_id"].get<std::string>(),
                           "--format", "json"},
                          tmp.path());
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const std::string skipped = json::parse(show.out)["skipped_inputs"].dump();
  EXPECT_NE(skipped.find("not base64"), std::string::npos) << skipped;
  EXPECT_NE(skipped.find("truncated JSON"), std::string::npos) << skipped;
}
