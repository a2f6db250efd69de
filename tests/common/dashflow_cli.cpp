#include "dashflow_cli.hpp"

#include <gtest/gtest.h>

#include <exception>
#include <utility>

namespace dashflow::test {

ProcessResult run_dashflow(std::vector<std::string> args, const std::string& cwd) {
  args.insert(args.begin(), DASHFLOW_EXE);
  return run_process(args, cwd);
}

nlohmann::json dashflow_json(std::vector<std::string> args, const std::string& cwd, int expected_exit) {
  args.push_back("--format");
  args.push_back("json");
  const ProcessResult r = run_dashflow(std::move(args), cwd);
  EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "stdout is not JSON: " << e.what() << "\n" << r.out << r.err;
    return nlohmann::json();
  }
}

}  // namespace dashflow::test
