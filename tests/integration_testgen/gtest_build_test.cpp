// The generated GoogleTest source, compiled against the *installed* SDK the
// way a team would (find_package(DashflowSDK) + GTest), passes on the traces
// it came from and fails, with the reason, on regressed traces.
#include <gtest/gtest.h>

#include <filesystem>

#include "process.hpp"
#include "traces.hpp"

namespace {

namespace fs = std::filesystem;
using dashflow::test::run_process;
using dashflow::test::TempDir;
using namespace testgen_it;

const char* kProject = R"cmake(cmake_minimum_required(VERSION 3.16)
project(generated_regression_tests LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
find_package(DashflowSDK REQUIRED)
find_package(GTest REQUIRED)
add_executable(regression_tests regression_tests.cpp)
target_compile_options(regression_tests PRIVATE -Wall -Wextra -Werror)
target_link_libraries(regression_tests PRIVATE DashflowSDK::sdk GTest::gtest)
)cmake";

TEST(GeneratedGoogleTest, CompilesAgainstInstalledSdkAndCatchesRegressions) {
  TempDir tmp;
  const std::string prefix = tmp / "prefix";
  const std::string project = tmp / "project";
  const std::string build = tmp / "build";
  const std::string traces = tmp / "traces";
  write_baseline(traces);
  fs::remove(traces + "/failed.json");

  // Install just the SDK (headers, library, CMake package) from this build tree.
  auto install = run_process({"cmake", "-DCMAKE_INSTALL_PREFIX=" + prefix, "-P",
                              std::string(DASHFLOW_BINARY_DIR) + "/sdk/cmake_install.cmake"});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  ASSERT_TRUE(fs::exists(prefix + "/include/dashflow/testgen.hpp"));

  dashflow::test::write_file(project + "/CMakeLists.txt", kProject);
  auto gen = run_process({DASHFLOW_EXE, "self-improve", "generate-tests", "--traces", traces, "--timing", "--output",
                          project + "/regression_tests.cpp"},
                         tmp.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;

  std::vector<std::string> configure = {"cmake", "-S", project, "-B", build, "-G", "Ninja",
                                        "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DCMAKE_PREFIX_PATH=" + prefix};
#ifdef DASHFLOW_SANITIZED
  // The installed SDK library is instrumented in this build; the test binary must be too.
  configure.push_back("-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined");
  configure.push_back("-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined");
#endif
  auto conf = run_process(configure);
  ASSERT_EQ(conf.exit_code, 0) << conf.out << conf.err;
  auto compile = run_process({"cmake", "--build", build}, "", {}, 900);
  ASSERT_EQ(compile.exit_code, 0) << compile.out << compile.err;
  const std::string binary = build + "/regression_tests";

  // The traces it came from: every test passes (argument form).
  auto pass = run_process({binary, traces});
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  EXPECT_NE(pass.out.find("[  PASSED  ] 4 tests"), std::string::npos) << pass.out;
  EXPECT_NE(pass.out.find("[ traces   ] 7 traces checked"), std::string::npos) << pass.out;

  // Regressed traces, given through the environment variable.
  const std::string bad = tmp / "regressed";
  write_baseline(bad);
  fs::remove(bad + "/failed.json");
  write_skipped_node(bad);
  write_slow(bad);
  auto fail = run_process({binary}, tmp.path(), {{"DASHFLOW_TRACES_DIR", bad}});
  EXPECT_NE(fail.exit_code, 0) << fail.out;
  EXPECT_NE(fail.out.find("[  FAILED  ] DashflowRegression.checkout_2"), std::string::npos) << fail.out;
  EXPECT_NE(fail.out.find("node 'validate' skipped: expected sequence [plan, validate, llm, respond], got [plan, llm, respond]"),
            std::string::npos)
      << fail.out;
  EXPECT_NE(fail.out.find("node 'llm' took 912 ms > bound 238 ms"), std::string::npos) << fail.out;
  EXPECT_NE(fail.out.find("[  FAILED  ] 1 test"), std::string::npos) << fail.out;

  // An error in a run, with gtest's own flags mixed in.
  const std::string err = tmp / "error";
  write_baseline(err);
  fs::remove(err + "/failed.json");
  write_error(err);
  auto error = run_process({binary, "--gtest_filter=DashflowRegression.*", err});
  EXPECT_NE(error.exit_code, 0);
  EXPECT_NE(error.out.find("1 error appeared: node 'llm': 'rate limited \"429\"' (LLMError)"), std::string::npos) << error.out;

  // A path no trace took is skipped, not failed; a missing directory fails with the hint.
  const std::string loop_only = tmp / "loop-only";
  fs::create_directories(loop_only);
  fs::copy_file(traces + "/loop-0.json", loop_only + "/loop-0.json");
  auto partial = run_process({binary, loop_only});
  EXPECT_EQ(partial.exit_code, 0) << partial.out;
  EXPECT_NE(partial.out.find("[  SKIPPED ] 2 tests"), std::string::npos) << partial.out;
  auto missing = run_process({binary, tmp / "nowhere"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("does not exist (give the traces directory as the first argument or in $DASHFLOW_TRACES_DIR)"),
            std::string::npos)
      << missing.out;
}

}  // namespace
