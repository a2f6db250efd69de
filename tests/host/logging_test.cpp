// Log lines pass through the redactor (text and JSON formats), with the
// built-in detectors by default and the config's rules once installed.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/logging.hpp"

namespace {

// Runs `log` with stderr sent to a temp file; returns what was written.
template <class F>
std::string captured_stderr(F&& log) {
  char path[] = "/tmp/dashflow-log-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  fflush(stderr);
  const int saved = dup(STDERR_FILENO);
  dup2(fd, STDERR_FILENO);
  log();
  spdlog::default_logger()->flush();
  fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  unlink(path);
  return text.str();
}

const std::string kKey = "sk-proj-" + std::string(40, 'a') + "Zq9";
const std::string kMail = "jane.doe@example.com";

TEST(Logging, TextLinesAreRedactedWithTheBuiltInDetectors) {
  dashflow::host::set_log_redactor(std::make_shared<dashflow::Redactor>());
  const std::string out = captured_stderr([] {
    dashflow::host::setup_logging("info", "text");
    spdlog::warn("upstream refused key {} for {}; took 1234 ms", kKey, kMail);
  });
  EXPECT_EQ(out.find(kKey), std::string::npos) << out;
  EXPECT_EQ(out.find(kMail), std::string::npos) << out;
  EXPECT_NE(out.find("took 1234 ms"), std::string::npos) << "telemetry stays: " << out;
}

TEST(Logging, JsonLinesAreRedactedAndStayValidJson) {
  dashflow::host::set_log_redactor(std::make_shared<dashflow::Redactor>());
  const std::string out = captured_stderr([] {
    dashflow::host::setup_logging("info", "json");
    spdlog::error("token={} \"quoted\"", kKey);
  });
  const auto line = nlohmann::json::parse(out);
  EXPECT_EQ(line["msg"].get<std::string>().find(kKey), std::string::npos) << out;
  EXPECT_NE(line["msg"].get<std::string>().find("\"quoted\""), std::string::npos) << out;
}

TEST(Logging, CustomPatternsFromTheConfigApply) {
  dashflow::host::set_log_redactor(std::make_shared<dashflow::Redactor>(nlohmann::json::parse(
      R"({"custom_patterns": [{"name": "employee", "regex": "EMP-[0-9]{6}"}]})")));
  const std::string out = captured_stderr([] {
    dashflow::host::setup_logging("info", "text");
    spdlog::info("record EMP-123456 failed");
  });
  EXPECT_EQ(out.find("EMP-123456"), std::string::npos) << out;
  dashflow::host::set_log_redactor(std::make_shared<dashflow::Redactor>());
}

}  // namespace
