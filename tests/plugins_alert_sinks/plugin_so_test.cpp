// The built sink plugins as the host sees them: they pass the conformance
// suite of the real `dashflow plugins test`, load with RTLD_NOW (every
// symbol, libcurl and libcrypto included, resolved), document every config
// key with a default, refuse bad config by key, and work through the C entry.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>

#include "dashflow/abi.h"
#include "dashflow/plugin.hpp"
#include "sink_test_support.hpp"

namespace sinktest {
namespace {

const std::array<std::pair<const char*, const char*>, 3> kPlugins = {{
    {"dashflow-alert-file.so", "file"},
    {"dashflow-alert-webhook.so", "webhook"},
    {"dashflow-alert-alertmanager.so", "alertmanager"},
}};

std::string plugin_path(const char* file) { return std::string(DASHFLOW_PLUGIN_DIR) + "/" + file; }

// Runs a command, returning exit code and stdout.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return {-1, ""};
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

const dashflow_plugin_descriptor* descriptor(const char* file) {
  void* handle = ::dlopen(plugin_path(file).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    ADD_FAILURE() << ::dlerror();
    return nullptr;
  }
  auto entry = reinterpret_cast<dashflow_plugin_entry_fn>(::dlsym(handle, DASHFLOW_ENTRY_SYMBOL));
  return entry ? entry() : nullptr;  // never unloaded, like in the host
}

json manifest_of(const dashflow_plugin_descriptor* d) {
  const std::string text = d->manifest;
  return json::parse(text.substr(text.find('{')));
}

// Every leaf property has a default and a description; objects are closed.
void expect_documented(const json& schema, const std::string& where) {
  if (schema.value("type", "") == "object" && schema.contains("properties")) {
    EXPECT_EQ(schema["additionalProperties"], false) << where;
    for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it) {
      const std::string key = where + "." + it.key();
      EXPECT_TRUE(it.value().contains("description")) << key << " has no description";
      if (it.value().contains("properties"))
        expect_documented(it.value(), key);
      else
        EXPECT_TRUE(it.value().contains("default")) << key << " has no default";
    }
  }
}

TEST(SinkPlugins, PassTheConformanceSuiteOfTheRealBinary) {
  for (const auto& [file, id] : kPlugins) {
    TempDir cwd;
    const auto [code, out] = run("cd '" + cwd.path().string() + "' && '" + DASHFLOW_EXE + "' plugins test '" +
                                 plugin_path(file) + "' --format json");
    EXPECT_EQ(code, 0) << file << "\n" << out;
    const json j = json::parse(out);
    EXPECT_EQ(j["failed"], 0) << j.dump(2);
    EXPECT_GE(j["passed"].get<int>(), 7) << j.dump(2);
    // Conformance never leaves spool or alert files behind in the cwd.
    EXPECT_TRUE(fs::is_empty(cwd.path())) << file;
  }
}

TEST(SinkPlugins, ManifestsDescribeEveryKeyWithADefault) {
  for (const auto& [file, id] : kPlugins) {
    const dashflow_plugin_descriptor* d = descriptor(file);
    ASSERT_NE(d, nullptr) << file;
    EXPECT_EQ(d->magic, DASHFLOW_PLUGIN_MAGIC);
    EXPECT_STREQ(d->id, id);
    EXPECT_STREQ(d->kind, "alert-sink");
    const json m = manifest_of(d);
    expect_documented(m["config_schema"], id);
  }
}

TEST(SinkPlugins, BadConfigIsRefusedByKeyThroughTheCEntry) {
  for (const auto& [file, id] : kPlugins) {
    const dashflow_plugin_descriptor* d = descriptor(file);
    ASSERT_NE(d, nullptr);
    char err[512] = {0};
    EXPECT_EQ(d->create(nullptr, R"({"no_such_key": 1})", err, sizeof err), nullptr) << id;
    EXPECT_NE(std::string(err).find("unknown config key 'no_such_key'"), std::string::npos) << id << ": " << err;
  }
}

TEST(SinkPlugins, WebhookAndAlertmanagerDeliverThroughTheLoadedLibrary) {
  Receiver receiver;
  TempDir dir;
  for (const auto& [file, id] : kPlugins) {
    if (std::string(id) == "file") continue;
    const dashflow_plugin_descriptor* d = descriptor(file);
    ASSERT_NE(d, nullptr);
    TestHost host;
    char err[512] = {0};
    const std::string config =
        json{{"url", receiver.url("/" + std::string(id))}, {"spool_dir", (dir / id).string()}}.dump();
    void* instance = d->create(&host.api, config.c_str(), err, sizeof err);
    ASSERT_NE(instance, nullptr) << err;
    auto* sink = static_cast<dashflow::AlertSink*>(instance);
    sink->start();
    sink->send(make_alert("n"));
    sink->flush();
    sink->stop();
    d->destroy(instance);
  }
  const auto got = receiver.accepted();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].path, "/webhook");
  EXPECT_EQ(got[1].path, "/alertmanager/api/v2/alerts");
}

TEST(SinkPlugins, FileSinkWritesThroughTheLoadedLibrary) {
  TempDir dir;
  const dashflow_plugin_descriptor* d = descriptor("dashflow-alert-file.so");
  ASSERT_NE(d, nullptr);
  char err[512] = {0};
  const std::string config = json{{"path", (dir / "a.jsonl").string()}}.dump();
  void* instance = d->create(nullptr, config.c_str(), err, sizeof err);
  ASSERT_NE(instance, nullptr) << err;
  static_cast<dashflow::AlertSink*>(instance)->send(make_alert("n"));
  d->destroy(instance);
  EXPECT_EQ(json::parse(read_lines(dir / "a.jsonl").at(0)).get<dashflow::Alert>(), make_alert("n"));
}

}  // namespace
}  // namespace sinktest
