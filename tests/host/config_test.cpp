// The dashflow config file: loading, validation against the host's schema,
// relative paths, the built-in default.
#include <gtest/gtest.h>
#include <unistd.h>

#include "config/config.hpp"
#include "config/schema_validator.hpp"
#include "host_test_support.hpp"

using dashflow::host::Config;
using dashflow::host::ConfigFileError;
using dashflow::host::default_config;
using dashflow::host::load_config;
using dashflow::host::load_config_file;
using dashflow::test::TempDir;
using hosttest::write_file;
namespace fs = std::filesystem;

namespace {

// chdir for the scope of a test (load_config looks in ./.dashflow/).
class ScopedCwd {
 public:
  explicit ScopedCwd(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~ScopedCwd() {
    std::error_code ec;
    fs::current_path(old_, ec);
  }

 private:
  fs::path old_;
};

const char* kValid = R"({
  "$schema": "https://example.invalid/dashflow.schema.json",
  "plugin_dirs": ["plugins", "../shared/plugins", "/opt/dashflow/plugins"],
  "storage": {"plugin": "fs", "config": {"path": ".dashflow/introspection"}},
  "default_pipeline": "nightly",
  "pipelines": {
    "nightly": {
      "trace_sources": [{"plugin": "trace-dir", "config": {"path": "traces"}}],
      "analyzers": [
        {"plugin": "capability-gaps", "config": {"min_error_count": 2}},
        {"plugin": "patterns", "enabled": false}
      ],
      "planners": [{"plugin": "default-planner"}],
      "alert_sinks": [{"plugin": "console", "config": {"color": "never"}}],
      "known_nodes": ["plan", "act"],
      "known_tools": ["search"],
      "graph_manifest": "graph.json",
      "consensus": {"min_reviews": 3, "threshold": 0.75}
    },
    "quick": {"analyzers": []}
  },
  "daemon": {"interval_seconds": 60}
})";

std::string error_of(const std::string& path) {
  try {
    load_config_file(path);
  } catch (const ConfigFileError& e) {
    std::string all = e.what();
    for (const auto& i : e.issues) all += "\n" + i;
    return all;
  }
  return "";
}

TEST(Config, LoadsAValidFile) {
  TempDir dir;
  const fs::path file = dir / "conf/dashflow.json";
  write_file(file, kValid);
  Config c = load_config_file(file.string());
  EXPECT_TRUE(c.from_file);
  EXPECT_EQ(c.source, file.string());
  EXPECT_EQ(c.default_pipeline, "nightly");
  EXPECT_EQ(c.storage.plugin, "fs");
  EXPECT_EQ(c.storage.config["path"], ".dashflow/introspection");
  ASSERT_EQ(c.pipelines.size(), 2u);

  const auto& p = c.pipeline("nightly");
  ASSERT_EQ(p.trace_sources.size(), 1u);
  EXPECT_EQ(p.trace_sources[0].plugin, "trace-dir");
  ASSERT_EQ(p.analyzers.size(), 1u) << "the disabled analyzer is dropped";
  EXPECT_EQ(p.analyzers[0].plugin, "capability-gaps");
  EXPECT_EQ(p.analyzers[0].config["min_error_count"], 2);
  EXPECT_EQ(p.analyzers[0].where, "pipelines.nightly.analyzers[0]");
  EXPECT_FALSE(p.all_analyzers);
  ASSERT_EQ(p.planners.size(), 1u);
  ASSERT_EQ(p.alert_sinks.size(), 1u);
  EXPECT_EQ(p.alert_sinks[0].config["color"], "never");
  EXPECT_EQ(p.known_nodes, (std::vector<std::string>{"plan", "act"}));
  EXPECT_EQ(p.known_tools, (std::vector<std::string>{"search"}));
  ASSERT_TRUE(p.graph_manifest.has_value());
  EXPECT_EQ(*p.graph_manifest, (dir / "conf/graph.json").string()) << "resolved against the file's directory";
  EXPECT_EQ(p.min_reviews, 3);
  EXPECT_DOUBLE_EQ(p.consensus_threshold, 0.75);

  // A pipeline that leaves sections out gets the defaults for them.
  const auto& q = c.pipeline("quick");
  EXPECT_TRUE(q.analyzers.empty());
  EXPECT_FALSE(q.all_analyzers) << "an explicit empty list means no analyzers";
  ASSERT_EQ(q.trace_sources.size(), 1u);
  EXPECT_EQ(q.trace_sources[0].plugin, "trace-dir");
  ASSERT_EQ(q.planners.size(), 1u);
  EXPECT_EQ(q.planners[0].plugin, "default-planner");

  EXPECT_EQ(c.raw["daemon"]["interval_seconds"], 60) << "sections owned by others are kept raw";
}

TEST(Config, RelativePluginDirsResolveAgainstTheFileDirectory) {
  TempDir dir;
  const fs::path file = dir / "a/b/dashflow.json";
  write_file(file, kValid);
  Config c = load_config_file(file.string());
  ASSERT_EQ(c.plugin_dirs.size(), 3u);
  EXPECT_EQ(c.plugin_dirs[0], (dir / "a/b/plugins").string());
  EXPECT_EQ(c.plugin_dirs[1], (dir / "a/shared/plugins").string()) << "normalized";
  EXPECT_EQ(c.plugin_dirs[2], "/opt/dashflow/plugins");

  // Also when the file itself was named by a relative path.
  ScopedCwd cwd(dir / "a");
  Config r = load_config_file("b/dashflow.json");
  ASSERT_EQ(r.plugin_dirs.size(), 3u);
  EXPECT_EQ(fs::path(r.plugin_dirs[0]), fs::canonical(dir.path()) / "a/b/plugins");
}

TEST(Config, UnknownTopLevelKeyNamesKeyAndFile) {
  TempDir dir;
  const fs::path file = dir / "dashflow.json";
  write_file(file, R"({"pipelines": {"default": {}}, "plugin_dir": ["x"]})");
  const std::string e = error_of(file.string());
  ASSERT_FALSE(e.empty()) << "an unknown key must be an error";
  EXPECT_NE(e.find("'plugin_dir'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'plugin_dirs'"), std::string::npos) << e;
  EXPECT_NE(e.find(file.string()), std::string::npos) << e;
}

TEST(Config, UnknownPipelineKeyNamesKeyPipelineAndFile) {
  TempDir dir;
  const fs::path file = dir / "dashflow.json";
  write_file(file, R"({"pipelines": {"nightly": {"analyser": [{"plugin": "patterns"}]}}})");
  const std::string e = error_of(file.string());
  ASSERT_FALSE(e.empty());
  EXPECT_NE(e.find("'analyser'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'analyzers'"), std::string::npos) << e;
  EXPECT_NE(e.find("/pipelines/nightly"), std::string::npos) << e;
  EXPECT_NE(e.find(file.string()), std::string::npos) << e;
}

TEST(Config, UnknownKeyInAPluginReference) {
  TempDir dir;
  const fs::path file = dir / "dashflow.json";
  write_file(file, R"({"pipelines": {"p": {"analyzers": [{"plugin": "patterns", "confg": {}}]}}})");
  const std::string e = error_of(file.string());
  EXPECT_NE(e.find("'confg'"), std::string::npos) << e;
  EXPECT_NE(e.find("/pipelines/p/analyzers/0"), std::string::npos) << e;
}

TEST(Config, EveryIssueIsListed) {
  TempDir dir;
  const fs::path file = dir / "dashflow.json";
  write_file(file, R"({"bogus": 1, "pipelines": {"p": {"consensus": {"threshold": 2}}}, "storage": {}})");
  try {
    load_config_file(file.string());
    FAIL() << "expected ConfigFileError";
  } catch (const ConfigFileError& e) {
    EXPECT_EQ(e.issues.size(), 3u);
    std::string all;
    for (const auto& i : e.issues) {
      all += i + "\n";
      EXPECT_EQ(i.rfind(file.string(), 0), 0u) << "each issue names the file: " << i;
    }
    EXPECT_NE(all.find("'bogus'"), std::string::npos) << all;
    EXPECT_NE(all.find("/pipelines/p/consensus/threshold"), std::string::npos) << all;
    EXPECT_NE(all.find("missing required key 'plugin'"), std::string::npos) << all;
  }
}

TEST(Config, WrongTypesAreErrors) {
  TempDir dir;
  const fs::path file = dir / "dashflow.json";
  write_file(file, R"({"plugin_dirs": "plugins", "pipelines": {"p": {}}})");
  const std::string e = error_of(file.string());
  EXPECT_NE(e.find("/plugin_dirs"), std::string::npos) << e;
  EXPECT_NE(e.find("expected array"), std::string::npos) << e;
}

TEST(Config, InvalidJsonAndMissingFile) {
  TempDir dir;
  const fs::path file = dir / "dashflow.json";
  write_file(file, "{\"pipelines\": ");
  std::string e = error_of(file.string());
  EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
  EXPECT_NE(e.find(file.string()), std::string::npos) << e;

  e = error_of((dir / "nope.json").string());
  EXPECT_NE(e.find("cannot read config file"), std::string::npos) << e;
  EXPECT_NE(e.find("nope.json"), std::string::npos) << e;
}

TEST(Config, UndefinedDefaultPipelineIsAnError) {
  TempDir dir;
  const fs::path file = dir / "dashflow.json";
  write_file(file, R"({"default_pipeline": "nope", "pipelines": {"p": {}}})");
  const std::string e = error_of(file.string());
  EXPECT_NE(e.find("'nope'"), std::string::npos) << e;
}

TEST(Config, EmptyPipelinesIsAnError) {
  TempDir dir;
  const fs::path file = dir / "dashflow.json";
  write_file(file, R"({"pipelines": {}})");
  EXPECT_NE(error_of(file.string()).find("defines no pipeline"), std::string::npos);
}

TEST(Config, FileWithoutPipelinesGetsTheDefaultPipeline) {
  TempDir dir;
  const fs::path file = dir / "dashflow.json";
  write_file(file, R"({"plugin_dirs": ["p"]})");
  Config c = load_config_file(file.string());
  EXPECT_EQ(c.default_pipeline, "default");
  EXPECT_TRUE(c.pipeline("default").all_analyzers);
}

TEST(Config, UnknownPipelineNameListsTheDefinedOnes) {
  Config c = default_config();
  try {
    c.pipeline("nightly");
    FAIL() << "expected ConfigFileError";
  } catch (const ConfigFileError& e) {
    EXPECT_NE(std::string(e.what()).find("'nightly'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("default"), std::string::npos);
  }
}

TEST(Config, DefaultConfigWhenNoFile) {
  TempDir dir;
  ScopedCwd cwd(dir.path());
  Config c = load_config(std::nullopt);
  EXPECT_FALSE(c.from_file);
  EXPECT_EQ(c.source, "(built-in default)");
  EXPECT_TRUE(c.plugin_dirs.empty());
  EXPECT_EQ(c.storage.plugin, "fs");
  EXPECT_EQ(c.default_pipeline, "default");
  const auto& p = c.pipeline("default");
  EXPECT_TRUE(p.all_analyzers);
  ASSERT_EQ(p.trace_sources.size(), 1u);
  EXPECT_EQ(p.trace_sources[0].plugin, "trace-dir");
  ASSERT_EQ(p.planners.size(), 1u);
  EXPECT_EQ(p.planners[0].plugin, "default-planner");
  ASSERT_EQ(p.alert_sinks.size(), 1u);
  EXPECT_EQ(p.alert_sinks[0].plugin, "console");
}

TEST(Config, ImplicitFileInDotDashflowIsUsed) {
  TempDir dir;
  write_file(dir / ".dashflow/dashflow.json", R"({"plugin_dirs": ["mine"], "pipelines": {"only": {}}})");
  ScopedCwd cwd(dir.path());
  Config c = load_config(std::nullopt);
  EXPECT_TRUE(c.from_file);
  EXPECT_EQ(c.default_pipeline, "only");
  ASSERT_EQ(c.plugin_dirs.size(), 1u);
  EXPECT_EQ(fs::path(c.plugin_dirs[0]), fs::canonical(dir.path()) / ".dashflow/mine");
}

TEST(Config, ExplicitPathWinsAndMustExist) {
  TempDir dir;
  ScopedCwd cwd(dir.path());
  EXPECT_THROW(load_config(std::string("missing.json")), ConfigFileError);
  write_file(dir / "x.json", R"({"pipelines": {"x": {}}})");
  EXPECT_EQ(load_config(std::string("x.json")).default_pipeline, "x");
}

TEST(Config, SchemaIsItselfSupportedByTheValidator) {
  auto issues = dashflow::host::check_schema_supported(dashflow::host::config_schema());
  std::string all;
  for (const auto& i : issues) all += i.to_string() + "\n";
  EXPECT_TRUE(issues.empty()) << all;
}

}  // namespace
