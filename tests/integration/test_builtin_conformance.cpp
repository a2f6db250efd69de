// Every built-in plugin passes the conformance suite (`dashflow plugins test`).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "process.hpp"

namespace fs = std::filesystem;

TEST(BuiltinConformance, EveryBuiltinPluginPasses) {
  std::set<std::string> kinds;
  size_t plugins = 0;
  for (const auto& entry : fs::directory_iterator(DASHFLOW_PLUGIN_DIR)) {
    if (entry.path().extension() != ".so") continue;
    ++plugins;
    dashflow::test::TempDir cwd;
    auto r = dashflow::test::run_process({DASHFLOW_EXE, "plugins", "test", entry.path().string(), "--format", "json"},
                                         cwd.path());
    EXPECT_EQ(r.exit_code, 0) << entry.path() << "\n" << r.out << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["failed"], 0) << j.dump(2);
    EXPECT_GE(j["passed"].get<int>(), 7) << j.dump(2);
    auto info = dashflow::test::run_process({DASHFLOW_EXE, "plugins", "info", entry.path().string(), "--format", "json"},
                                            cwd.path());
    ASSERT_EQ(info.exit_code, 0) << info.err;
    kinds.insert(nlohmann::json::parse(info.out)["kind"].get<std::string>());
  }
  EXPECT_GE(plugins, 9u);
  // At least one built-in plugin of each kind.
  EXPECT_EQ(kinds, (std::set<std::string>{"analyzer", "planner", "storage", "alert-sink", "reviewer", "trace-source"}));
}
