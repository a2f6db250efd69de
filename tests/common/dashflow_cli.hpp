// Test helpers: run the dashflow binary under test (DASHFLOW_EXE) and read
// its JSON output.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "process.hpp"

namespace dashflow::test {

// Runs `dashflow args...` in cwd.
ProcessResult run_dashflow(std::vector<std::string> args, const std::string& cwd);

// Runs `dashflow args... --format json` in cwd and returns stdout parsed. A test failure (not an exception) when the
// exit code is not expected_exit or stdout is not JSON; null JSON in the latter case.
nlohmann::json dashflow_json(std::vector<std::string> args, const std::string& cwd, int expected_exit = 0);

}  // namespace dashflow::test
