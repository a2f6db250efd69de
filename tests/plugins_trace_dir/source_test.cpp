// The trace-dir source as the host uses it: listing, config, concurrency,
// and the built plugin's entry point and manifest.
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "dashflow/abi.h"
#include "dashflow/errors.hpp"
#include "trace_dir_test_util.hpp"

using namespace tdtest;
using dashflow::json;
using dashflow::tracedir::TraceDirConfig;
using dashflow::tracedir::TraceDirSource;

namespace {

const std::string kMinimal =
    R"({"nodes_executed":[],"total_duration_ms":0,"total_tokens":0,"errors":[],"completed":false,"metadata":{}})";

std::vector<std::string> locators(const std::vector<dashflow::TraceUnit>& units, const std::string& root) {
  std::vector<std::string> out;
  for (const auto& u : units) out.push_back(u.locator.substr(root.size() + 1));
  return out;
}

TraceDirSource source_for(const std::string& path, bool recursive = true, bool follow = false) {
  TraceDirConfig config;
  config.path = path;
  config.recursive = recursive;
  config.follow_symlinks = follow;
  return TraceDirSource(config);
}

}  // namespace

TEST(TraceDirSource, ListsTraceFilesSortedAndSkipsTheRest) {
  TempDir dir;
  for (const char* name : {"b.json", "a.jsonl", "c.json.gz", "d.jsonl.gz", "e.ndjson", "sub/f.json", "sub/deeper/g.json",
                           ".hidden.json", ".hiddendir/h.json", "tmp.json.tmp", "notes.txt", "x.json.bak"})
    dir.write(name, kMinimal);
  const auto units = source_for(dir.path()).list_units();
  EXPECT_EQ(locators(units, dir.path()), (std::vector<std::string>{"a.jsonl", "b.json", "c.json.gz", "d.jsonl.gz",
                                                                    "e.ndjson", "sub/deeper/g.json", "sub/f.json"}));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "b.json").c_str(), &st), 0);
  const auto& b = units[1];
  EXPECT_EQ(b.size, kMinimal.size());
  EXPECT_EQ(b.inode, st.st_ino);
  EXPECT_EQ(b.device, st.st_dev);
  EXPECT_EQ(b.mtime_ns, int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);

  const auto flat = source_for(dir.path(), /*recursive=*/false).list_units();
  EXPECT_EQ(locators(flat, dir.path()), (std::vector<std::string>{"a.jsonl", "b.json", "c.json.gz", "d.jsonl.gz", "e.ndjson"}));
  // A trailing slash in the configured path gives the same locators.
  EXPECT_EQ(source_for(dir.str() + "/").list_units(), units);
}

// The listing reads directories and stats files on several threads, in
// ranges; whatever the layout, the units are every trace file once, sorted
// by full path ('.' and '-' sort before '/', so a file "a.json" comes before
// the directory "a/", and "a-c.json" before "a/x.json").
TEST(TraceDirSource, ListingIsSortedByFullPathInEveryLayout) {
  TempDir dir;
  std::vector<std::string> expected;
  auto add = [&](const std::string& name) {
    dir.write(name, kMinimal);
    expected.push_back(name);
  };
  for (const char* name : {"a.json", "a/x.json", "a/z/deep.json", "a.b/y.json", "a-c.json", "b.json", "b/0.json",
                           "B/upper.json", "b0/q.json", "z.json"})
    add(name);
  for (int i = 0; i < 5000; ++i) add("big/" + std::to_string(i * 7919 % 5000) + ".json");  // several stat ranges
  for (int d = 0; d < 40; ++d) add("many/" + std::to_string(d) + "/t.json");
  std::sort(expected.begin(), expected.end());
  const auto units = source_for(dir.path()).list_units();
  EXPECT_EQ(locators(units, dir.path()), expected);
  for (const auto& u : units) EXPECT_EQ(u.size, kMinimal.size()) << u.locator;
}

TEST(TraceDirSource, MissingDirectoryIsNoUnits) {
  TempDir dir;
  EXPECT_TRUE(source_for(dir / "does/not/exist").list_units().empty());
}

TEST(TraceDirSource, PathMayBeASingleFile) {
  const std::string path = good_dir() + "/minimal.json";
  const auto units = source_for(path).list_units();
  ASSERT_EQ(units.size(), 1u);
  EXPECT_EQ(units[0].locator, path);
}

TEST(TraceDirSource, SymlinksFollowedOnlyWhenAskedAndLoopsEnd) {
  TempDir dir;
  TempDir elsewhere;
  dir.write("real.json", kMinimal);
  elsewhere.write("outside.json", kMinimal);
  ASSERT_EQ(::symlink((dir / "real.json").c_str(), (dir / "link.json").c_str()), 0);
  ASSERT_EQ(::symlink(elsewhere.path().c_str(), (dir / "linked_dir").c_str()), 0);
  ASSERT_EQ(::symlink(dir.path().c_str(), (dir / "loop").c_str()), 0);  // points at its own parent
  EXPECT_EQ(locators(source_for(dir.path()).list_units(), dir.path()), std::vector<std::string>{"real.json"});
  EXPECT_EQ(locators(source_for(dir.path(), true, true).list_units(), dir.path()),
            (std::vector<std::string>{"link.json", "linked_dir/outside.json", "real.json"}));
}

TEST(TraceDirSource, ConfigDefaultsAndErrors) {
  const TraceDirConfig defaults = TraceDirConfig::from_json(json::object());
  EXPECT_EQ(defaults.path, ".dashflow/traces");
  EXPECT_TRUE(defaults.recursive);
  EXPECT_EQ(defaults.max_file_mb, 512u);
  EXPECT_EQ(defaults.max_depth, 128u);
  EXPECT_FALSE(defaults.follow_symlinks);
  const auto c = TraceDirConfig::from_json(json::parse(
      R"({"path": "/x", "recursive": false, "max_file_mb": 3, "max_depth": 9, "follow_symlinks": true})"));
  EXPECT_EQ(c.path, "/x");
  EXPECT_FALSE(c.recursive);
  EXPECT_EQ(c.max_file_mb, 3u);
  EXPECT_EQ(c.max_depth, 9u);
  EXPECT_TRUE(c.follow_symlinks);
  auto error_of = [](const char* text) {
    try {
      TraceDirConfig::from_json(json::parse(text));
    } catch (const dashflow::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of(R"({"max_file_mb": 0})").find("'max_file_mb' must be an integer between 1"), std::string::npos);
  EXPECT_NE(error_of(R"({"max_file_mb": "big"})").find("'max_file_mb' must be an integer"), std::string::npos);
  EXPECT_NE(error_of(R"({"recursive": "yes"})").find("'recursive' must be true or false"), std::string::npos);
  EXPECT_NE(error_of(R"({"path": ""})").find("'path' must be a non-empty string"), std::string::npos);
  EXPECT_NE(error_of(R"({"dir": "x"})").find("unknown key 'dir'"), std::string::npos);
}

TEST(TraceDirSource, TwoThreadsGiveTheSameResultsAsOne) {
  TempDir dir;
  // Good fixtures, bad corpus and JSON Lines mixed, many files.
  for (const auto& entry : tdtest::fs::directory_iterator(good_dir()))
    for (int copy = 0; copy < 8; ++copy)
      tdtest::fs::copy_file(entry.path(), dir / ("g" + std::to_string(copy) + "_" + entry.path().filename().string()));
  for (const auto& entry : tdtest::fs::directory_iterator(bad_dir()))
    if (entry.is_regular_file())
      tdtest::fs::copy_file(entry.path(), dir / ("b_" + entry.path().filename().string()));
  auto source = source_for(dir.path());
  const auto units = source.list_units();
  ASSERT_GT(units.size(), 80u);

  CollectingSink single;
  for (const auto& unit : units) source.read_unit(unit, single);

  CollectingSink shared;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < units.size(); i += 2) source.read_unit(units[i], shared);
    });
  }
  for (auto& th : threads) th.join();

  auto key = [](const CollectedTrace& r) { return r.origin.source + "#" + std::to_string(r.origin.line); };
  auto by_key = [&](std::vector<CollectedTrace>& v) {
    std::stable_sort(v.begin(), v.end(),
                     [&](const CollectedTrace& a, const CollectedTrace& b) { return key(a) < key(b); });
  };
  by_key(single.traces);
  by_key(shared.traces);
  ASSERT_EQ(single.traces.size(), shared.traces.size());
  for (size_t i = 0; i < single.traces.size(); ++i) {
    EXPECT_EQ(key(single.traces[i]), key(shared.traces[i]));
    EXPECT_EQ(single.traces[i].trace, shared.traces[i].trace) << key(single.traces[i]);
    EXPECT_EQ(single.traces[i].origin.started_at_ms, shared.traces[i].origin.started_at_ms);
  }
  auto skip_key = [](const dashflow::SkippedInput& s) { return s.source + "#" + std::to_string(s.line) + "#" + s.reason; };
  std::vector<std::string> a, b;
  for (const auto& s : single.skips) a.push_back(skip_key(s));
  for (const auto& s : shared.skips) b.push_back(skip_key(s));
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a.empty());
}

// The built .so: entry symbol, manifest, create with a config, read a file.
TEST(TraceDirSource, BuiltPluginLoadsAndReads) {
  const std::string so = std::string(DASHFLOW_PLUGIN_DIR) + "/dashflow-trace-dir.so";
  void* handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << ::dlerror();
  auto entry = reinterpret_cast<dashflow_plugin_entry_fn>(::dlsym(handle, "dashflow_plugin_entry_v1"));
  ASSERT_NE(entry, nullptr);
  const dashflow_plugin_descriptor* d = entry();
  EXPECT_EQ(std::string(d->id), "trace-dir");
  EXPECT_EQ(std::string(d->kind), "trace-source");
  const std::string manifest = d->manifest;
  const json schema = json::parse(manifest.substr(manifest.find('{')))["config_schema"];
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["properties"]["path"]["default"], ".dashflow/traces");
  EXPECT_EQ(schema["properties"]["recursive"]["default"], true);
  EXPECT_EQ(schema["properties"]["max_file_mb"]["default"], 512);
  EXPECT_EQ(schema["properties"]["max_file_mb"]["minimum"], 1);
  EXPECT_EQ(schema["properties"]["max_depth"]["default"], 128);
  EXPECT_EQ(schema["properties"]["follow_symlinks"]["default"], false);

  char err[256] = {0};
  const std::string config = json{{"path", good_dir()}, {"recursive", false}}.dump();
  void* instance = d->create(nullptr, config.c_str(), err, sizeof err);
  ASSERT_NE(instance, nullptr) << err;
  auto* source = static_cast<dashflow::TraceSource*>(instance);
  EXPECT_EQ(source->location(), good_dir());
  const auto units = source->list_units();
  EXPECT_EQ(units.size(), 9u);
  CollectingSink sink;
  for (const auto& unit : units) source->read_unit(unit, sink);
  EXPECT_TRUE(sink.skips.empty());
  EXPECT_EQ(sink.traces.size(), 12u);  // 7 single-trace files (one gzip) + 3 lines + an array of 2
  d->destroy(instance);

  const std::string bad_config = R"({"max_file_mb": "huge"})";
  EXPECT_EQ(d->create(nullptr, bad_config.c_str(), err, sizeof err), nullptr);
  EXPECT_NE(std::string(err).find("max_file_mb"), std::string::npos);
}
