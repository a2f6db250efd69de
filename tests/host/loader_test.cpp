// Loading plugins through PluginRegistry: every broken plugin fails with a
// precise error, the host keeps working afterwards, and bad config is
// refused before any plugin code runs.
#include <gtest/gtest.h>

#include "host_test_support.hpp"
#include "plugin/loader.hpp"
#include "plugin/registry.hpp"

using dashflow::AnalysisContext;
using dashflow::AnalysisOutput;
using dashflow::Analyzer;
using dashflow::ExecutionTrace;
using dashflow::NodeExecution;
using dashflow::PluginKind;
using dashflow::TraceOrigin;
using dashflow::host::discover_plugins;
using dashflow::host::host_abi_string;
using dashflow::host::PluginCallError;
using dashflow::host::PluginConfigError;
using dashflow::host::PluginInstance;
using dashflow::host::PluginLoadError;
using dashflow::host::PluginRegistry;
using dashflow::test::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// One registry over every test-plugin directory plus the built-ins, as a
// user with a messy plugin path would have.
std::vector<std::string> all_dirs() {
  std::vector<std::string> dirs;
  for (const auto& c : hosttest::broken_cases()) dirs.push_back(hosttest::case_dir(c).string());
  dirs.push_back(hosttest::good_dir().string());
  dirs.push_back(hosttest::builtin_dir().string());
  return dirs;
}

PluginRegistry& registry() {
  static PluginRegistry r(discover_plugins(all_dirs()));
  return r;
}

ExecutionTrace trace_with_nodes(std::initializer_list<const char*> names) {
  ExecutionTrace t;
  for (const char* n : names) {
    NodeExecution node;
    node.node = n;
    node.duration_ms = 10;
    node.success = true;
    t.nodes_executed.push_back(node);
  }
  return t;
}

// The host is still healthy: the good plugin loads, runs and answers.
void expect_good_plugin_works(PluginRegistry& r, int64_t threshold = 2) {
  PluginInstance<Analyzer> a;
  ASSERT_NO_THROW(a = r.create_as<Analyzer>("good-analyzer", {{"threshold", threshold}}));
  ASSERT_TRUE(a);
  EXPECT_EQ(a.config()["threshold"], threshold);
  auto s1 = a.call("make_state", [](Analyzer& p) { return p.make_state(); });
  auto s2 = a.call("make_state", [](Analyzer& p) { return p.make_state(); });
  a.call("consume", [&](Analyzer& p) { p.consume(*s1, trace_with_nodes({"plan", "act"}), TraceOrigin{"a.json", 0, 0}); });
  a.call("consume", [&](Analyzer& p) { p.consume(*s2, trace_with_nodes({"plan"}), TraceOrigin{"b.json", 0, 0}); });
  a.call("merge", [&](Analyzer& p) { p.merge(*s1, *s2); });
  AnalysisOutput out = a.call("finish", [&](Analyzer& p) { return p.finish(*s1, AnalysisContext{}); });
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_EQ(out.warnings[0], "traces=2 nodes=3 threshold=" + std::to_string(threshold) +
                                 (threshold <= 3 ? " over" : " under"));
}

template <class E>
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("WRONG EXCEPTION TYPE: ") + e.what();
  }
  return "NO EXCEPTION";
}

TEST(Loader, GoodPluginLoadsAndWorks) { expect_good_plugin_works(registry()); }

TEST(Loader, DefaultConfigIsFilledBeforeCreation) {
  auto a = registry().create_as<Analyzer>("good-analyzer", json::object());
  EXPECT_EQ(a.config(), json({{"threshold", 5}}));
  auto null_config = registry().create_as<Analyzer>("good-analyzer", nullptr);
  EXPECT_EQ(null_config.config(), json({{"threshold", 5}}));
}

TEST(Loader, AbiMajorMismatchNamesBothVersions) {
  const std::string e =
      error_of<PluginLoadError>([] { registry().create("abi-major", PluginKind::Analyzer, json::object()); });
  EXPECT_NE(e.find("'abi-major'"), std::string::npos) << e;
  EXPECT_NE(e.find("99.0"), std::string::npos) << e;
  EXPECT_NE(e.find(host_abi_string()), std::string::npos) << e;
  EXPECT_NE(e.find("abi-major.so"), std::string::npos) << "names the file: " << e;
  expect_good_plugin_works(registry());
}

TEST(Loader, NewerMinorIsRefused) {
  const std::string e =
      error_of<PluginLoadError>([] { registry().create("abi-minor", PluginKind::Analyzer, json::object()); });
  EXPECT_NE(e.find("1.7"), std::string::npos) << e;
  EXPECT_NE(e.find(host_abi_string()), std::string::npos) << e;
  expect_good_plugin_works(registry());
}

TEST(Loader, MissingSymbolShowsDlerror) {
  const std::string e =
      error_of<PluginLoadError>([] { registry().create("missing-symbol", PluginKind::Analyzer, json::object()); });
  EXPECT_NE(e.find("undefined symbol"), std::string::npos) << e;
  EXPECT_NE(e.find("dashflow_test_symbol_that_does_not_exist"), std::string::npos) << e;
  EXPECT_NE(e.find("missing-symbol.so"), std::string::npos) << e;
  // A second attempt fails the same way (nothing half-loaded is cached).
  const std::string again =
      error_of<PluginLoadError>([] { registry().create("missing-symbol", PluginKind::Analyzer, json::object()); });
  EXPECT_NE(again.find("undefined symbol"), std::string::npos) << again;
  expect_good_plugin_works(registry());
}

TEST(Loader, ThrowingFactoryReportsThePluginsMessage) {
  try {
    registry().create("throwing-factory", PluginKind::Analyzer, json::object());
    FAIL() << "expected PluginCallError";
  } catch (const PluginCallError& e) {
    EXPECT_EQ(e.plugin, "throwing-factory");
    EXPECT_EQ(e.stage, "create");
    EXPECT_EQ(e.detail, "cannot connect to the moon");
    EXPECT_NE(std::string(e.what()).find("cannot connect to the moon"), std::string::npos);
  }
  expect_good_plugin_works(registry());
}

TEST(Loader, KindMismatchIsRefused) {
  const std::string e =
      error_of<PluginLoadError>([] { registry().create("kind-mismatch", PluginKind::Analyzer, json::object()); });
  EXPECT_NE(e.find("manifest says kind 'analyzer'"), std::string::npos) << e;
  EXPECT_NE(e.find("'planner'"), std::string::npos) << e;
  expect_good_plugin_works(registry());
}

TEST(Loader, InvalidManifestIsNotAvailable) {
  const std::string e =
      error_of<PluginLoadError>([] { registry().create("invalid-json", PluginKind::Analyzer, json::object()); });
  EXPECT_NE(e.find("not available"), std::string::npos) << e;
  EXPECT_NE(e.find("plugins list"), std::string::npos) << "tells the user where to look: " << e;
  expect_good_plugin_works(registry());
}

TEST(Loader, DuplicateIdIsNotAvailableAndSaysWhy) {
  const std::string e = error_of<PluginLoadError>(
      [] { registry().create("duplicate-analyzer", PluginKind::Analyzer, json::object()); });
  EXPECT_NE(e.find("duplicate plugin id"), std::string::npos) << e;
  expect_good_plugin_works(registry());
}

TEST(Loader, UnknownIdAndWrongKind) {
  EXPECT_NE(error_of<PluginLoadError>([] { registry().create("no-such-plugin", PluginKind::Analyzer, {}); })
                .find("'no-such-plugin' is not available"),
            std::string::npos);
  const std::string e =
      error_of<PluginLoadError>([] { registry().create("good-analyzer", PluginKind::Planner, json::object()); });
  EXPECT_NE(e.find("is of kind analyzer, not planner"), std::string::npos) << e;
  expect_good_plugin_works(registry());
}

TEST(Loader, FinishThrowingIsARecordedFailureAndTheInstanceGoesOn) {
  auto a = registry().create_as<Analyzer>("finish-throws", json::object());
  auto state = a.call("make_state", [](Analyzer& p) { return p.make_state(); });
  a.call("consume", [&](Analyzer& p) { p.consume(*state, trace_with_nodes({"x"}), TraceOrigin{"x.json", 0, 0}); });
  try {
    a.call("finish", [&](Analyzer& p) { return p.finish(*state, AnalysisContext{}); });
    FAIL() << "expected PluginCallError";
  } catch (const PluginCallError& e) {
    EXPECT_EQ(e.plugin, "finish-throws");
    EXPECT_EQ(e.stage, "finish");
    EXPECT_EQ(e.detail, "finish exploded on purpose");
  }
  // The same instance still answers other calls.
  EXPECT_NO_THROW(a.call("consume", [&](Analyzer& p) {
    p.consume(*state, trace_with_nodes({"y"}), TraceOrigin{"y.json", 0, 0});
  }));
  expect_good_plugin_works(registry());
}

TEST(Loader, SegfaultingPluginLoadsFine) {
  // Its crash is only in consume(); `plugins test` covers that (host_cli).
  auto a = registry().create_as<Analyzer>("segv-consume", json::object());
  EXPECT_TRUE(a);
}

TEST(Loader, LoadLibraryRefusesNonOkCandidates) {
  auto c = dashflow::host::inspect_plugin_file(hosttest::case_so("no-manifest").string());
  const std::string e = error_of<PluginLoadError>([&] { dashflow::host::load_library(c); });
  EXPECT_NE(e.find("not loadable"), std::string::npos) << e;
}

TEST(Loader, LibraryIsLoadedOnceAndSharedByInstances) {
  PluginRegistry r(discover_plugins({hosttest::good_dir().string()}));
  auto a = r.create("good-analyzer", PluginKind::Analyzer, json::object());
  auto b = r.create("good-analyzer", PluginKind::Analyzer, {{"threshold", 9}});
  EXPECT_NE(a->object(), b->object());
  EXPECT_EQ(a->config()["threshold"], 5);
  EXPECT_EQ(b->config()["threshold"], 9);
}

// ------------------------------------------------------------ config before code

struct BadConfig {
  const char* name;
  json config;
  std::vector<std::string> expect;  // substrings of the error
};

std::vector<BadConfig> bad_configs() {
  return {
      {"unknown key", {{"treshold", 3}}, {"unknown key 'treshold'", "did you mean 'threshold'", "good-analyzer"}},
      {"wrong type", {{"threshold", "3"}}, {"/threshold", "expected integer", "string"}},
      {"fractional", {{"threshold", 2.5}}, {"/threshold", "expected integer"}},
      {"below minimum", {{"threshold", 0}}, {"/threshold", "below the minimum 1"}},
      {"not an object", json::array({1}), {"expected object"}},
  };
}

TEST(LoaderConfig, BadConfigIsRejectedWithTheKeyNamed) {
  TempDir dir;
  const fs::path marker = dir / "constructed";
  hosttest::ScopedEnv env("DASHFLOW_TEST_MARKER", marker.string());
  for (const auto& bad : bad_configs()) {
    try {
      registry().create("good-analyzer", PluginKind::Analyzer, bad.config);
      ADD_FAILURE() << bad.name << ": accepted " << bad.config.dump();
    } catch (const PluginConfigError& e) {
      const std::string what = e.what();
      for (const auto& s : bad.expect) EXPECT_NE(what.find(s), std::string::npos) << bad.name << ": " << what;
      EXPECT_FALSE(e.issues.empty());
      EXPECT_NE(what.find("plugins info good-analyzer"), std::string::npos) << what;
    }
    EXPECT_FALSE(fs::exists(marker)) << bad.name << ": the plugin constructor ran for a rejected config";
  }
  // The control: a valid config does run the constructor (so the marker works).
  registry().create("good-analyzer", PluginKind::Analyzer, {{"threshold", 7}});
  ASSERT_TRUE(fs::exists(marker));
  EXPECT_EQ(hosttest::read_file(marker), "constructed threshold=7\n");
}

// In a fresh process (fork) where the plugin was never loaded: a rejected
// config must not even dlopen the library (its static initializer writes the
// load marker), let alone construct it.
TEST(LoaderConfig, RejectedConfigDoesNotEvenLoadTheLibrary) {
  TempDir dir;
  const fs::path loaded = dir / "loaded", constructed = dir / "constructed";
  hosttest::ScopedEnv env1("DASHFLOW_TEST_LOAD_MARKER", loaded.string());
  hosttest::ScopedEnv env2("DASHFLOW_TEST_MARKER", constructed.string());

  // A copy at a new path: dlopen maps it afresh even if this process already
  // loaded the original, so its static initializer is a reliable witness.
  const fs::path plugin_dir = dir / "plugins";
  hosttest::copy_into(hosttest::good_so(), plugin_dir);
  ::chmod(dir.path().c_str(), 0755);

  int code = hosttest::in_child([&] {
    PluginRegistry r(discover_plugins({plugin_dir.string()}));
    int failures = 0;
    for (const auto& bad : bad_configs()) {
      try {
        r.create("good-analyzer", PluginKind::Analyzer, bad.config);
        ++failures;
      } catch (const PluginConfigError&) {
      }
      try {
        r.validated_config("good-analyzer", PluginKind::Analyzer, bad.config);
        ++failures;
      } catch (const PluginConfigError&) {
      }
    }
    return failures;
  });
  EXPECT_EQ(code, 0) << "a bad config was accepted (or the child crashed)";
  EXPECT_FALSE(fs::exists(loaded)) << "the library was loaded for a rejected config";
  EXPECT_FALSE(fs::exists(constructed)) << "the constructor ran for a rejected config";

  // Control in another fresh process: a valid config loads and constructs.
  code = hosttest::in_child([&] {
    PluginRegistry r(discover_plugins({plugin_dir.string()}));
    r.create("good-analyzer", PluginKind::Analyzer, json::object());
    return 0;
  });
  EXPECT_EQ(code, 0);
  EXPECT_EQ(hosttest::read_file(loaded), "loaded\n");
  EXPECT_EQ(hosttest::read_file(constructed), "constructed threshold=5\n");
}

TEST(LoaderConfig, ValidatedConfigRunsNoPluginCode) {
  TempDir dir;
  const fs::path marker = dir / "constructed";
  hosttest::ScopedEnv env("DASHFLOW_TEST_MARKER", marker.string());
  json effective = registry().validated_config("good-analyzer", PluginKind::Analyzer, json::object());
  EXPECT_EQ(effective, json({{"threshold", 5}}));
  EXPECT_FALSE(fs::exists(marker));
}

}  // namespace
