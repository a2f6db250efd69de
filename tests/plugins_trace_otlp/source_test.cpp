// The otlp source as the host uses it: listing, the built plugin's entry
// point and manifest, config errors, concurrent reads.
#include <dlfcn.h>

#include <gtest/gtest.h>

#include <thread>

#include "dashflow/abi.h"
#include "otlp_test_util.hpp"

using namespace otlptest;
using dashflow::json;

namespace {

std::vector<std::string> locators(const std::vector<dashflow::TraceUnit>& units, const std::string& root) {
  std::vector<std::string> out;
  for (const auto& u : units) out.push_back(u.locator.substr(root.size() + 1));
  return out;
}

// A stable digest of what a read produced, to compare runs.
std::string digest(const CollectingSink& sink) {
  std::vector<std::string> items;
  for (const auto& r : sink.traces)
    items.push_back(r.origin.source + "#" + std::to_string(r.origin.line) + " " + dashflow::to_json_text(r.trace, false));
  for (const auto& s : sink.skips) items.push_back(s.source + "#" + std::to_string(s.line) + " skip " + s.reason);
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& i : items) out += i + "\n";
  return out;
}

}  // namespace

TEST(OtlpSource, ListsTheSameFilesAsTraceDirRecursively) {
  TempDir dir;
  for (const char* name : {"b.json", "a.jsonl", "c.json.gz", "d.jsonl.gz", "e.ndjson", "sub/f.json", ".hidden.json",
                           "tmp.json.tmp", "notes.txt", "x.pb"})
    dir.write(name, "{}");
  auto source = make_source(dir.path());
  EXPECT_EQ(locators(source.list_units(), dir.path()),
            (std::vector<std::string>{"a.jsonl", "b.json", "c.json.gz", "d.jsonl.gz", "e.ndjson", "sub/f.json"}));
  EXPECT_EQ(source.location(), dir.str());
  EXPECT_TRUE(make_source(dir / "missing").list_units().empty());
}

TEST(OtlpSource, ConcurrentReadsGiveTheSequentialResult) {
  std::vector<std::string> dirs = {fixture("sdk"), fixture("edge"), fixture("bad")};
  std::vector<dashflow::TraceUnit> units;
  std::vector<const dashflow::otlp::OtlpSource*> owners;
  std::vector<dashflow::otlp::OtlpSource> sources;
  sources.reserve(dirs.size());
  for (const auto& d : dirs) sources.push_back(make_source(d));
  for (auto& s : sources)
    for (const auto& u : s.list_units()) {
      units.push_back(u);
      owners.push_back(&s);
    }
  ASSERT_GT(units.size(), 20u);

  CollectingSink sequential;
  for (size_t i = 0; i < units.size(); ++i) owners[i]->read_unit(units[i], sequential);

  CollectingSink parallel;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < units.size(); i += 4) owners[i]->read_unit(units[i], parallel);
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(digest(parallel), digest(sequential));
  EXPECT_FALSE(sequential.traces.empty());
  EXPECT_FALSE(sequential.skips.empty());
}

TEST(OtlpSource, PluginEntryManifestAndConfig) {
  const std::string so = std::string(DASHFLOW_PLUGIN_DIR) + "/dashflow-otlp.so";
  void* handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << ::dlerror();
  auto entry = reinterpret_cast<dashflow_plugin_entry_fn>(::dlsym(handle, "dashflow_plugin_entry_v1"));
  ASSERT_NE(entry, nullptr);
  const dashflow_plugin_descriptor* d = entry();
  EXPECT_EQ(std::string(d->id), "otlp");
  EXPECT_EQ(std::string(d->kind), "trace-source");
  const std::string manifest = d->manifest;
  const json schema = json::parse(manifest.substr(manifest.find('{')))["config_schema"];
  EXPECT_EQ(schema["additionalProperties"], false);
  // The schema defaults are the code's defaults.
  const dashflow::otlp::OtlpConfig defaults;
  EXPECT_EQ(schema["properties"]["path"]["default"], defaults.path);
  EXPECT_EQ(schema["properties"]["recursive"]["default"], defaults.recursive);
  EXPECT_EQ(schema["properties"]["max_file_mb"]["default"], defaults.max_file_mb);
  EXPECT_EQ(schema["properties"]["max_depth"]["default"], defaults.max_depth);
  EXPECT_EQ(schema["properties"]["follow_symlinks"]["default"], defaults.follow_symlinks);
  EXPECT_EQ(schema["properties"]["keep_attributes"]["default"], defaults.keep_attributes);
  EXPECT_EQ(schema["properties"]["keep_content"]["default"], defaults.keep_content);

  char err[256] = {0};
  const std::string config = json{{"path", fixture("sdk")}}.dump();
  void* instance = d->create(nullptr, config.c_str(), err, sizeof err);
  ASSERT_NE(instance, nullptr) << err;
  auto* source = static_cast<dashflow::TraceSource*>(instance);
  EXPECT_EQ(source->location(), fixture("sdk"));
  CollectingSink sink;
  for (const auto& unit : source->list_units()) source->read_unit(unit, sink);
  EXPECT_TRUE(sink.skips.empty()) << reasons(sink);
  EXPECT_EQ(sink.traces.size(), 6u);
  d->destroy(instance);

  const std::string bad_config = R"({"keep_content": "please"})";
  EXPECT_EQ(d->create(nullptr, bad_config.c_str(), err, sizeof err), nullptr);
  EXPECT_NE(std::string(err).find("keep_content"), std::string::npos) << err;
}
