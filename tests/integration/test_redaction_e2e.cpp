// Redaction end to end: traces whose errors carry planted secrets (the SDK
// redaction corpus) go through analyze; no secret survives anywhere under
// storage, while the findings themselves are still there.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::test::ProcessResult;
using dashflow::test::run_process;
using dashflow::test::TempDir;
using nlohmann::json;

namespace {

std::string trace_with_error(int i, const std::string& message) {
  json node = {{"node", "fetch"}, {"duration_ms", 20}, {"tokens_used", 0}, {"state_before", nullptr},
               {"state_after", nullptr}, {"tools_called", json::array()}, {"success", false},
               {"error_message", message}, {"index", 0}, {"started_at", "2025-12-15T10:00:00Z"}, {"metadata", json::object()}};
  json error = {{"node", "fetch"}, {"message", message}, {"timestamp", "2025-12-15T10:00:01Z"}, {"execution_index", 0},
                {"error_type", "AuthError"}, {"state_at_error", nullptr}, {"recoverable", true}, {"retry_attempted", true},
                {"context", nullptr}, {"metadata", json::object()}};
  return json{{"thread_id", "t" + std::to_string(i)}, {"execution_id", "e" + std::to_string(i)},
              {"nodes_executed", json::array({node})}, {"total_duration_ms", 20}, {"total_tokens", 0},
              {"errors", json::array({error})}, {"completed", false}, {"started_at", "2025-12-15T10:00:00Z"},
              {"ended_at", "2025-12-15T10:00:02Z"}, {"final_state", nullptr}, {"metadata", json::object()}}
      .dump();
}

}  // namespace

TEST(RedactionE2E, NoPlantedSecretReachesStorage) {
  TempDir tmp;
  const json planted = json::parse(dashflow::test::read_file(std::string(DASHFLOW_SOURCE_DIR) +
                                                             "/tests/sdk_redaction/data/planted_secrets.json"));
  // Secrets that are recognisable on their own inside an error sentence. Labelled
  // ones (AWS secret keys, generic key=value secrets, bearer tokens, PEM bodies,
  // key paths) need their label or block; the SDK corpus test covers them.
  const std::set<std::string> standalone = {"anthropic_key", "aws_access_key", "credit_card", "email", "github_token",
                                            "jwt", "openai_key", "slack_token", "phone"};
  std::vector<std::string> secrets;
  for (const auto& p : planted)
    if (standalone.count(p["kind"].get<std::string>())) secrets.push_back(p["value"].get<std::string>());
  ASSERT_GT(secrets.size(), 8u);
  // Each message repeats over several traces so that it becomes a finding (gap, plan, citations).
  int n = 0;
  for (const auto& secret : secrets)
    for (int k = 0; k < 3; ++k, ++n)
      dashflow::test::write_file(tmp / ("traces/t" + std::to_string(n) + ".json"),
                                 trace_with_error(n, "upstream rejected credentials " + secret + " for fetch"));
  ProcessResult r = run_process({DASHFLOW_EXE, "self-improve", "analyze", "--traces", tmp / "traces", "--storage",
                                 tmp / "store", "--format", "json"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json out = json::parse(r.out);
  EXPECT_GT(out["capability_gaps"].get<int>(), 0) << "the errors must still be found";

  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(tmp / "store")) {
    if (!e.is_regular_file()) continue;
    ++files;
    const std::string text = dashflow::test::read_file(e.path().string());
    for (const auto& secret : secrets)
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " survived in " << e.path();
  }
  EXPECT_GT(files, 3u);
  for (const auto& secret : secrets) EXPECT_EQ(r.out.find(secret), std::string::npos) << secret << " printed";

  // The daemon's alerts and an export pass through the same gate.
  ProcessResult d = run_process({DASHFLOW_EXE, "self-improve", "daemon", "--once", "--no-console", "--traces",
                                 tmp / "traces", "--storage", tmp / "store2", "--alert-file", tmp / "alerts.jsonl",
                                 "--format", "json"}, tmp.path());
  ASSERT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_GT(json::parse(d.out)["alerts_dispatched"].get<int>(), 0) << d.out << "\nthe error rate must raise an alert";
  ProcessResult x = run_process({DASHFLOW_EXE, "self-improve", "export", "--output", tmp / "export.json", "--storage",
                                 tmp / "store", "--format", "json"}, tmp.path());
  ASSERT_EQ(x.exit_code, 0) << x.out << x.err;
  std::vector<std::string> checked = {tmp / "alerts.jsonl", tmp / "export.json"};
  for (const auto& e : fs::recursive_directory_iterator(tmp / "store2"))
    if (e.is_regular_file()) checked.push_back(e.path().string());
  for (const auto& file : checked) {
    ASSERT_TRUE(fs::exists(file)) << file;
    const std::string text = dashflow::test::read_file(file);
    for (const auto& secret : secrets) EXPECT_EQ(text.find(secret), std::string::npos) << secret << " survived in " << file;
  }
  for (const auto& secret : secrets) EXPECT_EQ(d.out.find(secret), std::string::npos) << secret << " printed";
}
