// The real `dashflow` binary, end to end: exit codes, stdout/stderr, JSON
// output, plugin listing/checking/testing and config validation. Every
// command runs in a fresh temporary working directory.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dashflow/abi.h"
#include "host_test_support.hpp"

using dashflow::test::TempDir;
using hosttest::RunResult;
using hosttest::write_file;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

class Cli : public ::testing::Test {
 protected:
  RunResult run(const std::vector<std::string>& args, std::map<std::string, std::optional<std::string>> env = {}) {
    return hosttest::run_dashflow(args, cwd_.str(), std::move(env));
  }
  // Runs and parses stdout as JSON (fails the test if it is not).
  json run_json(const std::vector<std::string>& args, int expected_exit,
                std::map<std::string, std::optional<std::string>> env = {}) {
    RunResult r = run(args, std::move(env));
    EXPECT_EQ(r.exit_code, expected_exit) << r.describe();
    try {
      return json::parse(r.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "stdout is not valid JSON (" << e.what() << ")\n" << r.describe();
      return json();
    }
  }
  std::vector<std::string> broken_dir_flags() const {
    std::vector<std::string> flags;
    for (const auto& c : hosttest::broken_cases()) {
      flags.push_back("--plugin-dir");
      flags.push_back(hosttest::case_dir(c).string());
    }
    return flags;
  }
  static const json* plugin_with_id(const json& list, const std::string& id) {
    for (const auto& p : list["plugins"])
      if (p.value("id", "") == id) return &p;
    return nullptr;
  }
  static const json* plugin_with_file(const json& list, const std::string& filename) {
    for (const auto& p : list["plugins"])
      if (fs::path(p.value("path", "")).filename() == filename) return &p;
    return nullptr;
  }

  TempDir cwd_;
};

std::string abi() { return std::to_string(DASHFLOW_ABI_MAJOR) + "." + std::to_string(DASHFLOW_ABI_MINOR); }

// ------------------------------------------------------------ version, help, usage

TEST_F(Cli, Version) {
  for (const char* flag : {"--version", "-V"}) {
    RunResult r = run({flag});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "dashflow " DASHFLOW_VERSION " (plugin SDK ABI " + abi() + ")\n") << r.describe();
    EXPECT_EQ(r.err, "");
  }
}

TEST_F(Cli, HelpAtEveryLevel) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--help"}, "Usage: dashflow <command>"},
      {{"-h"}, "Usage: dashflow <command>"},
      {{"plugins", "--help"}, "Usage: dashflow plugins <command>"},
      {{"plugins", "list", "--help"}, "Usage: dashflow plugins list"},
      {{"plugins", "test", "--help"}, "--timeout"},
      {{"config", "--help"}, "Usage: dashflow config <command>"},
      {{"config", "validate", "--help"}, "Usage: dashflow config validate"},
      {{"self-improve", "--help"}, "Usage: dashflow self-improve <command>"},
      {{"self-improve", "analyze", "--help"}, "Usage: dashflow self-improve analyze"},
      {{"introspect", "health", "--help"}, "Usage: dashflow introspect health"},
  };
  for (const auto& [args, expected] : cases) {
    RunResult r = run(args);
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.describe();
    EXPECT_NE(r.out.find(expected), std::string::npos) << cmd << "\n" << r.describe();
    EXPECT_NE(r.out.find("--plugin-dir"), std::string::npos) << "global options listed: " << cmd;
  }
  RunResult top = run({"--help"});
  for (const char* group : {"self-improve", "plugins", "config", "introspect"})
    EXPECT_NE(top.out.find(group), std::string::npos) << group;
  RunResult plugins = run({"plugins", "--help"});
  for (const char* sub : {"list", "info", "check", "test"}) EXPECT_NE(plugins.out.find(sub), std::string::npos) << sub;
  RunResult list = run({"plugins", "list", "--help"});
  EXPECT_NE(list.out.find("--format"), std::string::npos) << "reading commands take --format";
}

TEST_F(Cli, NoCommandIsAUsageError) {
  RunResult r = run({});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.out.find("Usage"), std::string::npos);
}

TEST_F(Cli, UnknownCommandExits2) {
  RunResult r = run({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos) << r.describe();
  RunResult sub = run({"plugins", "frobnicate"});
  EXPECT_EQ(sub.exit_code, 2) << sub.describe();
  EXPECT_NE(sub.err.find("unknown command 'plugins frobnicate'"), std::string::npos) << sub.describe();
  EXPECT_NE(sub.err.find("dashflow plugins --help"), std::string::npos) << "hint names the group: " << sub.describe();
}

TEST_F(Cli, UnknownCommandAsJson) {
  json j = run_json({"frobnicate", "--format", "json"}, 2);
  ASSERT_TRUE(j.contains("error")) << j.dump();
  EXPECT_EQ(j["error"]["kind"], "usage");
  EXPECT_EQ(j["error"]["exit_code"], 2);
}

TEST_F(Cli, UnknownOptionExits2) {
  RunResult r = run({"plugins", "list", "--bogus-option"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("bogus-option"), std::string::npos) << r.describe();
  EXPECT_EQ(r.out, "");
}

TEST_F(Cli, UnknownOptionAsJsonIsValidJsonError) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"plugins", "list", "--bogus-option", "--format", "json"}, "bogus-option"},
      {{"plugins", "list", "--format=json", "--bogus-option"}, "bogus-option"},
      {{"config", "validate", "--format", "json", "--nope"}, "nope"},
  };
  for (const auto& [args, name] : cases) {
    json j = run_json(args, 2);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << j.dump();
    const json& e = j["error"];
    EXPECT_EQ(e["kind"], "usage");
    EXPECT_EQ(e["exit_code"], 2);
    ASSERT_TRUE(e["message"].is_string()) << e.dump();
    EXPECT_NE(e["message"].get<std::string>().find(name), std::string::npos) << e.dump();
  }
}

TEST_F(Cli, BadFormatValueIsAUsageError) {
  RunResult r = run({"plugins", "list", "--format", "yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("yaml"), std::string::npos) << r.describe();
}

TEST_F(Cli, MissingRequiredArgumentIsAUsageError) {
  RunResult r = run({"plugins", "check"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
}

// A group without a command: JSON errors in JSON mode, unknown options refused.
TEST_F(Cli, GroupWithoutCommandHonoursJsonAndUnknownOptions) {
  json j = run_json({"plugins", "--format", "json"}, 2);
  EXPECT_TRUE(j.contains("error")) << j.dump();
  RunResult r = run({"plugins", "--bogus-option"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("bogus-option"), std::string::npos) << r.describe();
}

// ------------------------------------------------------------ plugins list

TEST_F(Cli, PluginsListJsonListsBuiltins) {
  json j = run_json({"plugins", "list", "--format", "json"}, 0);
  ASSERT_TRUE(j["plugins"].is_array()) << j.dump();
  const json* console = plugin_with_id(j, "console");
  ASSERT_NE(console, nullptr) << j.dump(2);
  EXPECT_EQ((*console)["status"], "ok");
  EXPECT_EQ((*console)["kind"], "alert-sink");
  EXPECT_EQ((*console)["version"], "1.0.0");
  EXPECT_FALSE(console->contains("reason"));
  bool has_builtin_dir = false;
  for (const auto& d : j["plugin_dirs"])
    has_builtin_dir = has_builtin_dir || fs::path(d.get<std::string>()) == hosttest::builtin_dir();
  EXPECT_TRUE(has_builtin_dir) << j["plugin_dirs"].dump();
  EXPECT_TRUE(j["problems"].is_array());
  EXPECT_EQ(plugin_with_id(j, "good-analyzer"), nullptr) << "test plugins are not built-ins";
}

TEST_F(Cli, PluginsListTable) {
  RunResult r = run({"plugins", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("ID"), std::string::npos);
  EXPECT_NE(r.out.find("console"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("alert-sink"), std::string::npos);
}

TEST_F(Cli, NoBuiltinPluginsAndAnEmptyDir) {
  TempDir empty;
  RunResult r = run({"plugins", "list", "--no-builtin-plugins", "--plugin-dir", empty.str()});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("No plugins found"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find(empty.str()), std::string::npos) << r.describe();
}

TEST_F(Cli, PluginsListOverBrokenDirsListsReasonsAndExits0) {
  std::vector<std::string> args = {"plugins", "list", "--no-builtin-plugins"};
  for (const auto& f : broken_dir_flags()) args.push_back(f);
  RunResult r = run(args);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  auto has = [&](const std::string& s) { return r.out.find(s) != std::string::npos; };
  EXPECT_TRUE(has("ignored: " + fs::canonical(hosttest::case_so("no-manifest")).string() + ": ")) << r.describe();
  EXPECT_TRUE(has("refused: " + fs::canonical(hosttest::case_so("abi-major")).string() + ": incompatible ABI"))
      << r.describe();
  EXPECT_TRUE(has("99.0")) << r.describe();
  EXPECT_TRUE(has("1.7")) << r.describe();
  EXPECT_TRUE(has("not valid JSON")) << r.describe();
  EXPECT_TRUE(has("problem: duplicate plugin id 'duplicate-analyzer'")) << r.describe();
  // Plugins that only fail when loaded or called are listed as ok: list runs no plugin code.
  EXPECT_TRUE(has("missing-symbol")) << r.describe();
  EXPECT_TRUE(has("throwing-factory")) << r.describe();
}

TEST_F(Cli, PluginsListOverBrokenDirsAsJson) {
  std::vector<std::string> args = {"plugins", "list", "--no-builtin-plugins", "--format", "json"};
  for (const auto& f : broken_dir_flags()) args.push_back(f);
  json j = run_json(args, 0);
  const std::map<std::string, std::string> expected = {
      {"abi-major.so", "refused"},      {"abi-minor.so", "refused"},   {"missing-symbol.so", "ok"},
      {"throwing-factory.so", "ok"},    {"no-manifest.so", "ignored"}, {"duplicate-a.so", "refused"},
      {"duplicate-b.so", "refused"},    {"segv-consume.so", "ok"},     {"finish-throws.so", "ok"},
      {"kind-mismatch.so", "ok"},       {"invalid-json.so", "refused"}};
  EXPECT_EQ(j["plugins"].size(), expected.size()) << j.dump(2);
  for (const auto& [file, status] : expected) {
    const json* p = plugin_with_file(j, file);
    ASSERT_NE(p, nullptr) << file << "\n" << j.dump(2);
    EXPECT_EQ((*p)["status"], status) << file << ": " << p->dump();
    if (status != "ok") {
      ASSERT_TRUE(p->contains("reason")) << p->dump();
      EXPECT_FALSE((*p)["reason"].get<std::string>().empty());
    }
  }
  ASSERT_EQ(j["problems"].size(), 1u) << j.dump(2);
  EXPECT_NE(j["problems"][0].get<std::string>().find("duplicate-a.so"), std::string::npos);
  EXPECT_NE(j["problems"][0].get<std::string>().find("duplicate-b.so"), std::string::npos);
}

TEST_F(Cli, ListRunsNoPluginCode) {
  TempDir markers;
  const fs::path loaded = markers / "loaded", constructed = markers / "constructed";
  RunResult r = run({"plugins", "list", "--plugin-dir", hosttest::good_dir().string()},
                    {{"DASHFLOW_TEST_LOAD_MARKER", loaded.string()}, {"DASHFLOW_TEST_MARKER", constructed.string()}});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("good-analyzer"), std::string::npos) << r.describe();
  EXPECT_FALSE(fs::exists(loaded)) << "plugins list loaded a plugin library";
  EXPECT_FALSE(fs::exists(constructed));
}

TEST_F(Cli, DashflowPluginPathIsHonoured) {
  const std::string path = "/nonexistent/dir:" + hosttest::good_dir().string();
  json with = run_json({"plugins", "list", "--format", "json"}, 0, {{"DASHFLOW_PLUGIN_PATH", path}});
  const json* good = plugin_with_id(with, "good-analyzer");
  ASSERT_NE(good, nullptr) << with.dump(2);
  EXPECT_EQ((*good)["status"], "ok");
  EXPECT_NE(plugin_with_id(with, "console"), nullptr) << "built-ins are still searched";
  bool listed = false;
  for (const auto& d : with["plugin_dirs"]) listed = listed || d == hosttest::good_dir().string();
  EXPECT_TRUE(listed) << with["plugin_dirs"].dump();

  json without = run_json({"plugins", "list", "--format", "json"}, 0);
  EXPECT_EQ(plugin_with_id(without, "good-analyzer"), nullptr);
}

TEST_F(Cli, PluginDirsFromTheConfigFileAreSearched) {
  write_file(cwd_ / ".dashflow/dashflow.json",
             json({{"plugin_dirs", {hosttest::good_dir().string()}}, {"pipelines", {{"p", json::object()}}}}).dump());
  json j = run_json({"plugins", "list", "--format", "json"}, 0);
  EXPECT_NE(plugin_with_id(j, "good-analyzer"), nullptr) << j.dump(2);
}

TEST_F(Cli, WorldWritablePluginDirIsReported) {
  TempDir dir;
  hosttest::copy_into(hosttest::good_so(), dir.path());
  ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);
  RunResult r = run({"plugins", "list", "--plugin-dir", dir.str()});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("problem: plugin directory refused"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("chmod o-w " + dir.str()), std::string::npos) << r.describe();
  EXPECT_EQ(r.out.find("good-analyzer"), std::string::npos) << r.describe();
}

// ------------------------------------------------------------ plugins info

TEST_F(Cli, PluginsInfoConsole) {
  RunResult r = run({"plugins", "info", "console"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("console 1.0.0 (alert-sink)"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("status: ok"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("SDK ABI " + abi() + " (host " + abi() + ")"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("color"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("\"never\""), std::string::npos) << r.describe();

  json j = run_json({"plugins", "info", "console", "--format", "json"}, 0);
  EXPECT_EQ(j["id"], "console");
  EXPECT_EQ(j["abi"], abi());
  EXPECT_EQ(j["config_schema"]["additionalProperties"], false);
  EXPECT_EQ(j["manifest"]["kind"], "alert-sink");
}

TEST_F(Cli, PluginsInfoShowsSchemaDetails) {
  RunResult r = run({"plugins", "info", "good-analyzer", "--plugin-dir", hosttest::good_dir().string()});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("threshold (\"integer\") default 5 min 1"), std::string::npos) << r.describe();
}

TEST_F(Cli, PluginsInfoByPathOfARefusedPlugin) {
  RunResult r = run({"plugins", "info", hosttest::case_so("abi-major").string()});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("status: refused"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("99.0"), std::string::npos) << r.describe();
}

TEST_F(Cli, PluginsInfoUnknownIdExits1) {
  RunResult r = run({"plugins", "info", "no-such-plugin"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("no plugin with id 'no-such-plugin'"), std::string::npos) << r.describe();
  json j = run_json({"plugins", "info", "no-such-plugin", "--format", "json"}, 1);
  EXPECT_EQ(j["error"]["kind"], "not-found");
}

// ------------------------------------------------------------ plugins check

TEST_F(Cli, PluginsCheckGoodPlugin) {
  RunResult r = run({"plugins", "check", hosttest::console_so().string()});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("passes all checks"), std::string::npos) << r.describe();
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.describe();

  json j = run_json({"plugins", "check", hosttest::good_so().string(), "--format", "json"}, 0);
  EXPECT_EQ(j["ok"], true) << j.dump(2);
  EXPECT_GE(j["checks"].size(), 5u);
}

TEST_F(Cli, PluginsCheckMissingSymbol) {
  RunResult r = run({"plugins", "check", hosttest::case_so("missing-symbol").string()});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("FAIL"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("undefined symbol"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("dashflow_test_symbol_that_does_not_exist"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("has problems"), std::string::npos) << r.describe();
}

TEST_F(Cli, PluginsCheckAbiMismatch) {
  json j = run_json({"plugins", "check", hosttest::case_so("abi-major").string(), "--format", "json"}, 1);
  EXPECT_EQ(j["ok"], false);
  bool abi_failed = false;
  for (const auto& c : j["checks"]) {
    if (c["check"] == "SDK ABI") {
      abi_failed = c["ok"] == false;
      EXPECT_NE(c["detail"].get<std::string>().find("99.0"), std::string::npos) << c.dump();
      EXPECT_NE(c["detail"].get<std::string>().find(abi()), std::string::npos) << c.dump();
    }
  }
  EXPECT_TRUE(abi_failed) << j.dump(2);
}

TEST_F(Cli, PluginsCheckOtherBrokenFiles) {
  TempDir dir;
  write_file(dir / "text.so", "not elf\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {hosttest::case_so("no-manifest").string(), "not a dashflow plugin"},
      {hosttest::case_so("invalid-json").string(), "not valid JSON"},
      {hosttest::case_so("abi-minor").string(), "1.7"},
      {(dir / "text.so").string(), "not an ELF file"},
  };
  for (const auto& [file, reason] : cases) {
    RunResult r = run({"plugins", "check", file});
    EXPECT_EQ(r.exit_code, 1) << file << "\n" << r.describe();
    EXPECT_NE(r.out.find(reason), std::string::npos) << file << "\n" << r.describe();
  }
}

TEST_F(Cli, PluginsCheckWorldWritableFile) {
  TempDir dir;
  const fs::path so = hosttest::copy_into(hosttest::good_so(), dir.path());
  ASSERT_EQ(::chmod(so.c_str(), 0666), 0);
  RunResult r = run({"plugins", "check", so.string()});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("chmod o-w"), std::string::npos) << r.describe();
}

TEST_F(Cli, PluginsCheckMissingFile) {
  RunResult r = run({"plugins", "check", "/nonexistent/x.so"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("no such file"), std::string::npos) << r.describe();
}

// ------------------------------------------------------------ plugins test

TEST_F(Cli, PluginsTestConsolePasses) {
  RunResult r = run({"plugins", "test", hosttest::console_so().string()});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find(" 0 failed"), std::string::npos) << r.describe();
}

TEST_F(Cli, PluginsTestGoodAnalyzerPasses) {
  json j = run_json({"plugins", "test", hosttest::good_so().string(), "--format", "json"}, 0);
  EXPECT_EQ(j["failed"], 0) << j.dump(2);
  EXPECT_GE(j["passed"].get<int>(), 7);
}

TEST_F(Cli, PluginsTestSegfaultIsAFailedCheckNotADeadHarness) {
  RunResult r = run({"plugins", "test", hosttest::case_so("segv-consume").string()});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(r.signal, 0) << "the harness itself must survive: " << r.describe();
#ifdef DASHFLOW_SANITIZED
  // UBSan aborts on the null store before the SIGSEGV happens: still a failed check.
  EXPECT_NE(r.out.find("FAIL  empty and odd input never crash:"), std::string::npos) << r.describe();
#else
  EXPECT_NE(r.out.find("FAIL  empty and odd input never crash: crashed with signal 11"), std::string::npos)
      << r.describe();
#endif
  // The checks around it ran and passed.
  EXPECT_NE(r.out.find("PASS  stop without start"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("PASS  manifest readable without loading"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find(" 1 failed"), std::string::npos) << r.describe();

  json j = run_json({"plugins", "test", hosttest::case_so("segv-consume").string(), "--format", "json"}, 1);
  EXPECT_EQ(j["failed"], 1) << j.dump(2);
#ifndef DASHFLOW_SANITIZED
  bool crashed = false;
  for (const auto& c : j["checks"])
    if (c["passed"] == false) crashed = c["detail"].get<std::string>().find("crashed with signal 11") != std::string::npos;
  EXPECT_TRUE(crashed) << j.dump(2);
#endif
}

TEST_F(Cli, PluginsTestThrowingFactory) {
  RunResult r = run({"plugins", "test", hosttest::case_so("throwing-factory").string()});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(r.signal, 0);
  EXPECT_NE(r.out.find("cannot connect to the moon"), std::string::npos) << r.describe();
}

TEST_F(Cli, PluginsTestMissingSymbolAndAbi) {
  RunResult ms = run({"plugins", "test", hosttest::case_so("missing-symbol").string()});
  EXPECT_EQ(ms.exit_code, 1) << ms.describe();
  EXPECT_NE(ms.out.find("undefined symbol"), std::string::npos) << ms.describe();
  RunResult abi_major = run({"plugins", "test", hosttest::case_so("abi-major").string()});
  EXPECT_EQ(abi_major.exit_code, 1) << abi_major.describe();
  EXPECT_NE(abi_major.out.find("99.0"), std::string::npos) << abi_major.describe();
}

TEST_F(Cli, PluginsTestKindMismatch) {
  RunResult r = run({"plugins", "test", hosttest::case_so("kind-mismatch").string()});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.out.find("manifest says kind 'analyzer'"), std::string::npos) << r.describe();
}

// ------------------------------------------------------------ config validate

json good_config() {
  return {
      {"plugin_dirs", {hosttest::good_dir().string()}},
      {"storage", {{"plugin", "fs"}, {"config", {{"path", "store"}}}}},
      {"pipelines",
       {{"main",
         {{"trace_sources", {{{"plugin", "trace-dir"}, {"config", {{"path", "traces"}}}}}},
          {"analyzers", {{{"plugin", "good-analyzer"}, {"config", {{"threshold", 3}}}}}},
          {"planners", json::array()},
          {"alert_sinks", {{{"plugin", "console"}, {"config", {{"color", "never"}}}}}}}}}},
  };
}

TEST_F(Cli, ConfigValidateGoodConfig) {
  write_file(cwd_ / "good.json", good_config().dump(2));
  RunResult r = run({"config", "validate", "--config", "good.json"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("config good.json is valid (1 pipeline, storage 'fs')"), std::string::npos) << r.describe();
  // The positional form and JSON output.
  json j = run_json({"config", "validate", "good.json", "--format", "json"}, 0);
  EXPECT_EQ(j["valid"], true) << j.dump(2);
  EXPECT_EQ(j["issues"].size(), 0u);
  EXPECT_EQ(j["pipelines"], json::array({"main"}));
}

TEST_F(Cli, ConfigValidateBadPluginConfigNamesTheKeyAndRunsNoPluginCode) {
  TempDir markers;
  const fs::path loaded = markers / "loaded", constructed = markers / "constructed";
  const std::map<std::string, std::optional<std::string>> env = {{"DASHFLOW_TEST_LOAD_MARKER", loaded.string()},
                                                                 {"DASHFLOW_TEST_MARKER", constructed.string()}};
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"treshold", 3}}, "unknown key 'treshold' (did you mean 'threshold'?)"},
      {{{"threshold", "3"}}, "/threshold: expected integer"},
      {{{"threshold", 0}}, "/threshold: value 0 is below the minimum 1"},
  };
  for (const auto& [plugin_config, expected] : cases) {
    json config = good_config();
    config["pipelines"]["main"]["analyzers"][0]["config"] = plugin_config;
    write_file(cwd_ / "bad.json", config.dump(2));
    RunResult r = run({"config", "validate", "--config", "bad.json"}, env);
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.out.find("pipelines.main.analyzers[0] (good-analyzer)"), std::string::npos) << r.describe();
    EXPECT_NE(r.out.find(expected), std::string::npos) << r.describe();
    json j = run_json({"config", "validate", "--config", "bad.json", "--format", "json"}, 1, env);
    EXPECT_EQ(j["valid"], false);
    ASSERT_EQ(j["issues"].size(), 1u) << j.dump(2);
    EXPECT_NE(j["issues"][0].get<std::string>().find(expected), std::string::npos) << j.dump(2);
  }
  EXPECT_FALSE(fs::exists(loaded)) << "config validate loaded the plugin";
  EXPECT_FALSE(fs::exists(constructed)) << "config validate constructed the plugin";
}

TEST_F(Cli, ConfigValidateUnknownTopLevelKey) {
  json config = good_config();
  config["plugin_dir"] = json::array();
  write_file(cwd_ / "bad.json", config.dump(2));
  RunResult r = run({"config", "validate", "--config", "bad.json"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("unknown key 'plugin_dir'"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.describe();

  json j = run_json({"config", "validate", "--config", "bad.json", "--format", "json"}, 1);
  ASSERT_TRUE(j.contains("error")) << j.dump(2);
  EXPECT_EQ(j["error"]["kind"], "config");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("'plugin_dir'"), std::string::npos) << j.dump(2);
}

TEST_F(Cli, ConfigValidateUnknownPluginAndWrongKind) {
  json config = good_config();
  config["pipelines"]["main"]["analyzers"] = {{{"plugin", "no-such-analyzer"}}, {{"plugin", "console"}}};
  write_file(cwd_ / "bad.json", config.dump(2));
  json j = run_json({"config", "validate", "bad.json", "--format", "json"}, 1);
  ASSERT_EQ(j["issues"].size(), 2u) << j.dump(2);
  EXPECT_NE(j["issues"][0].get<std::string>().find("'no-such-analyzer' is not available"), std::string::npos)
      << j.dump(2);
  const std::string kind_issue = j["issues"][1].get<std::string>();
  EXPECT_NE(kind_issue.find("'console' is of kind alert-sink"), std::string::npos) << kind_issue;
  EXPECT_NE(kind_issue.find("analyzer"), std::string::npos) << kind_issue;
}

TEST_F(Cli, ConfigValidateMissingFile) {
  RunResult r = run({"config", "validate", "--config", "missing.json"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("missing.json"), std::string::npos) << r.describe();
}

}  // namespace
