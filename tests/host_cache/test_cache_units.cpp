// Unit tests of the analysis cache's parts: chunking, keys, the entry format
// (and how it rejects damage), the config section, the entry store with its
// LRU eviction, the skipped-input list.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "config/config.hpp"
#include "pipeline/cache/analysis_cache.hpp"
#include "pipeline/cache/chunk_entry.hpp"
#include "pipeline/cache/chunking.hpp"
#include "pipeline/ingest_partial.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using namespace dashflow;
using namespace dashflow::host;
using dashflow::test::TempDir;

namespace {

std::vector<TraceUnit> units(size_t n, const std::string& prefix = "traces/t") {
  std::vector<TraceUnit> out;
  for (size_t i = 0; i < n; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "%06zu.json", i);
    out.push_back({prefix + name, 17000 + i, 1700000000000000000 + static_cast<int64_t>(i), 1000 + i, 42});
  }
  return out;
}

void expect_cover(const std::vector<ChunkRange>& chunks, size_t n) {
  size_t next = 0;
  for (const auto& c : chunks) {
    EXPECT_EQ(c.begin, next);
    EXPECT_GT(c.end, c.begin);
    next = c.end;
  }
  EXPECT_EQ(next, n);
}

ChunkEntry sample_entry() {
  ChunkEntry e;
  e.key = std::string(64, 'a');
  e.units = 3;
  e.traces = 2;
  ExecutionTrace t;
  t.completed = true;
  t.total_duration_ms = 1200;
  t.total_tokens = 77;
  e.summary.add(t);
  t.completed = false;
  e.summary.add(t);
  e.skipped_count = 5;
  e.skipped = {{"traces/a.json", 0, "not JSON: unexpected 'x'"}, {"traces/b.jsonl", 3, "line 3: missing nodes_executed"}};
  e.facts = {{1700000000000, 1200, 77, 0, true}, {-5, 1200, 77, 2, false}};
  e.states = {{"patterns", R"({"analyzer":"patterns","x":[1,2,3]})"}, {"triggers", std::string_view("bin\0ary", 7)}};
  return e;
}

}  // namespace

// ---------------------------------------------------------------- chunking

TEST(Chunking, LocatorHashIsStableAcrossRunsAndPlatforms) {
  // Pinned: a different hash moves every chunk boundary, so every cache misses once after an upgrade.
  EXPECT_NE(locator_hash("traces/a.json"), locator_hash("traces/b.json"));
  EXPECT_EQ(locator_hash("traces/2025-12-01/exec-1.json"), 0x4d7e1903959a56beull);
  EXPECT_EQ(locator_hash(""), 0xf52a15e9a9b5e89bull);
}

TEST(Chunking, CoversEveryUnitWithChunksOfAboutTheModulus) {
  const auto list = units(20000);
  const auto chunks = split_into_chunks(list);
  expect_cover(chunks, list.size());
  // 20000 / 512 ~ 39 chunks expected; a uniform hash lands well within 20..80.
  EXPECT_GT(chunks.size(), 20u);
  EXPECT_LT(chunks.size(), 80u);
  for (const auto& c : chunks) EXPECT_LE(c.size(), ChunkLimits{}.max_units);
  for (size_t i = 0; i + 1 < chunks.size(); ++i) {  // every boundary is natural or a cap
    const auto& last = list[chunks[i].end - 1];
    uint64_t bytes = 0;
    for (size_t u = chunks[i].begin; u < chunks[i].end; ++u) bytes += list[u].size;
    EXPECT_TRUE(locator_hash(last.locator) % 512 == 0 || chunks[i].size() == 4096 || bytes >= (32u << 20))
        << last.locator;
  }
}

TEST(Chunking, AnInsertedFileChangesOnlyItsOwnChunk) {
  auto list = units(6000);
  const auto before = split_into_chunks(list);
  ASSERT_GE(before.size(), 3u);
  // Insert a file in the middle (names sort between t003000 and t003001).
  TraceUnit extra{"traces/t003000.json.extra", 10, 1, 1, 1};
  list.insert(list.begin() + 3001, extra);
  const auto after = split_into_chunks(list);
  auto ranges_as_names = [](const std::vector<TraceUnit>& l, const std::vector<ChunkRange>& cs) {
    std::set<std::vector<std::string>> out;
    for (const auto& c : cs) {
      std::vector<std::string> names;
      for (size_t i = c.begin; i < c.end; ++i) names.push_back(l[i].locator);
      out.insert(names);
    }
    return out;
  };
  auto original = units(6000);
  const auto a = ranges_as_names(original, before);
  const auto b = ranges_as_names(list, after);
  size_t changed = 0;
  for (const auto& chunk : b) changed += a.count(chunk) ? 0 : 1;
  // The chunk holding the new file differs; if the new file's hash made it a
  // boundary itself, its chunk splits in two. Nothing else moves.
  EXPECT_GE(changed, 1u);
  EXPECT_LE(changed, 2u);
  EXPECT_GE(b.size() - changed, a.size() - 1);
}

TEST(Chunking, CapsUnitsAndBytes) {
  auto list = units(100);
  ChunkLimits never_natural;
  never_natural.modulus = std::numeric_limits<uint64_t>::max();  // (practically) no natural boundary
  never_natural.max_units = 30;
  auto chunks = split_into_chunks(list, never_natural);
  expect_cover(chunks, 100);
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0], (ChunkRange{0, 30}));
  EXPECT_EQ(chunks[3], (ChunkRange{90, 100}));

  ChunkLimits by_bytes = never_natural;
  by_bytes.max_units = 1000;
  by_bytes.max_bytes = 17000 * 10;  // ~10 units of ~17 KB
  chunks = split_into_chunks(list, by_bytes);
  expect_cover(chunks, 100);
  for (const auto& c : chunks) EXPECT_LE(c.size(), 10u);
  EXPECT_TRUE(split_into_chunks({}, {}).empty());
}

// ---------------------------------------------------------------- keys

TEST(Keys, ChangeWithEveryInputThatCanChangeTheResult) {
  const PluginIdentity source{"trace-dir", "1.0.0", R"({"path":"traces","payloads":false})", "/p/ts.so 10 20"};
  const std::vector<PluginIdentity> analyzers = {{"patterns", "1.0.0", "{}", "/p/pa.so 1 2"},
                                                 {"triggers", "1.0.0", R"({"slow_node_threshold_ms":10000})", "/p/tr.so 3 4"}};
  const auto list = units(10);
  const std::string base = chunk_key(pipeline_key_text(source, analyzers, 1000), list);
  EXPECT_EQ(base.size(), 64u);
  EXPECT_EQ(base, chunk_key(pipeline_key_text(source, analyzers, 1000), list)) << "deterministic";

  std::set<std::string> keys = {base};
  auto add = [&](const std::string& k) { EXPECT_TRUE(keys.insert(k).second) << "key collided with an earlier variant"; };
  for (auto field : {&TraceUnit::size, &TraceUnit::inode, &TraceUnit::device}) {
    auto l = list;
    l[4].*field += 1;
    add(chunk_key(pipeline_key_text(source, analyzers, 1000), l));
  }
  {
    auto l = list;
    l[9].mtime_ns += 1;
    add(chunk_key(pipeline_key_text(source, analyzers, 1000), l));
  }
  {
    auto l = list;
    l[0].locator += "x";
    add(chunk_key(pipeline_key_text(source, analyzers, 1000), l));
  }
  add(chunk_key(pipeline_key_text(source, analyzers, 1000), std::span(list).first(9)));  // a unit less
  add(chunk_key(pipeline_key_text(source, analyzers, 999), list));
  for (auto field : {&PluginIdentity::id, &PluginIdentity::version, &PluginIdentity::config, &PluginIdentity::library}) {
    auto a = analyzers;
    a[1].*field += "'";
    add(chunk_key(pipeline_key_text(source, a, 1000), list));
    auto s = source;
    s.*field += "'";
    add(chunk_key(pipeline_key_text(s, analyzers, 1000), list));
  }
  add(chunk_key(pipeline_key_text(source, {analyzers[1], analyzers[0]}, 1000), list));  // order
  add(chunk_key(pipeline_key_text(source, {analyzers[0]}, 1000), list));                // one analyzer less
}

TEST(Keys, LocatorsCannotImitateOtherUnits) {
  const PluginIdentity source{"trace-dir", "1", "{}", ""};
  const std::string text = pipeline_key_text(source, {}, 10);
  std::vector<TraceUnit> two = {{"a", 1, 2, 3, 4}, {"b", 1, 2, 3, 4}};
  std::vector<TraceUnit> one = {{"a\t1\t2\t3\t4\nunit\t1:b", 1, 2, 3, 4}};
  EXPECT_NE(chunk_key(text, two), chunk_key(text, one));
}

TEST(Keys, FileIdentityFollowsTheFile) {
  TempDir tmp;
  const std::string lib = tmp / "plugin.so";
  dashflow::test::write_file(lib, "v1");
  const std::string first = file_identity(lib);
  EXPECT_NE(first, lib);
  EXPECT_EQ(file_identity(lib), first);
  dashflow::test::write_file(lib, "v2 longer");
  EXPECT_NE(file_identity(lib), first) << "a rebuilt plugin invalidates its entries";
  EXPECT_EQ(file_identity(tmp / "missing.so"), (tmp / "missing.so").string());
}

// ---------------------------------------------------------------- entry format

TEST(ChunkEntryFormat, RoundTrips) {
  const ChunkEntry e = sample_entry();
  const std::string bytes = encode_chunk_entry(e);
  EXPECT_EQ(bytes.substr(0, 8), "DFCHUNK1");
  EXPECT_EQ(decode_chunk_entry(bytes), e);
  ChunkEntry empty;
  empty.key = "k";
  EXPECT_EQ(decode_chunk_entry(encode_chunk_entry(empty)), empty);
}

TEST(ChunkEntryFormat, EveryTruncationIsRejected) {
  const std::string bytes = encode_chunk_entry(sample_entry());
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_THROW(decode_chunk_entry(std::string_view(bytes).substr(0, n)), ChunkEntryError) << "length " << n;
  EXPECT_THROW(decode_chunk_entry(bytes + "x"), ChunkEntryError);
}

TEST(ChunkEntryFormat, EveryFlippedByteIsRejected) {
  const std::string bytes = encode_chunk_entry(sample_entry());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
    EXPECT_THROW(decode_chunk_entry(damaged), ChunkEntryError) << "byte " << i;
  }
}

TEST(ChunkEntryFormat, HeaderAloneTellsTruncatedAndForeignFiles) {
  const std::string bytes = encode_chunk_entry(sample_entry());
  const std::string_view header = std::string_view(bytes).substr(0, kChunkEntryHeaderBytes);
  EXPECT_TRUE(chunk_entry_header_fits(header, bytes.size()));
  EXPECT_FALSE(chunk_entry_header_fits(header, bytes.size() - 1)) << "truncated";
  EXPECT_FALSE(chunk_entry_header_fits(header, bytes.size() + 1)) << "extended";
  EXPECT_FALSE(chunk_entry_header_fits(header.substr(0, 10), bytes.size())) << "shorter than a header";
  EXPECT_FALSE(chunk_entry_header_fits("DFCHUNK0" + std::string(header.substr(8)), bytes.size())) << "other version";
}

TEST(ChunkEntryFormat, RejectsInconsistentContentWithAValidChecksum) {
  ChunkEntry e = sample_entry();
  e.facts.pop_back();  // facts no longer match the trace count
  EXPECT_THROW(decode_chunk_entry(encode_chunk_entry(e)), ChunkEntryError);
  e = sample_entry();
  e.skipped_count = 1;  // fewer counted than listed
  EXPECT_THROW(decode_chunk_entry(encode_chunk_entry(e)), ChunkEntryError);
  EXPECT_THROW(decode_chunk_entry("DFCHUNK0" + std::string(12, '\0')), ChunkEntryError);
  EXPECT_THROW(decode_chunk_entry(""), ChunkEntryError);
}

// ---------------------------------------------------------------- settings

TEST(CacheSettingsConfig, DefaultsFlagAndValidation) {
  CacheSettings s = CacheSettings::from_config(nlohmann::json::object());
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.dir, fs::path(".dashflow/cache"));
  EXPECT_EQ(s.max_bytes, 1024ull << 20);
  EXPECT_FALSE(CacheSettings::from_config(nlohmann::json::object(), true).enabled) << "--no-cache";

  s = CacheSettings::from_config({{"cache", {{"enabled", true}, {"dir", "/tmp/c"}, {"max_mb", 5}}}});
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.dir, fs::path("/tmp/c"));
  EXPECT_EQ(s.max_bytes, 5ull << 20);
  EXPECT_FALSE(CacheSettings::from_config({{"cache", {{"enabled", false}}}}).enabled);
  EXPECT_FALSE(CacheSettings::from_config({{"cache", {{"enabled", true}}}}, true).enabled) << "the flag wins";

  auto message = [](const nlohmann::json& raw) {
    try {
      CacheSettings::from_config(raw);
    } catch (const ConfigFileError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({{"cache", {{"enabled", "yes"}}}}).find("'cache.enabled'"), std::string::npos);
  EXPECT_NE(message({{"cache", {{"dir", ""}}}}).find("'cache.dir'"), std::string::npos);
  EXPECT_NE(message({{"cache", {{"max_mb", 0}}}}).find("'cache.max_mb'"), std::string::npos);
  EXPECT_NE(message({{"cache", {{"max_mb", -3}}}}).find("'cache.max_mb'"), std::string::npos);
  EXPECT_NE(message({{"cache", {{"size", 3}}}}).find("'cache.size'"), std::string::npos);
  EXPECT_NE(message({{"cache", 7}}).find("'cache'"), std::string::npos);
}

// ---------------------------------------------------------------- store

class Store : public ::testing::Test {
 protected:
  TempDir tmp;
  CacheSettings settings() const {
    CacheSettings s;
    s.enabled = true;
    s.dir = tmp / "cache";
    return s;
  }
  static std::string key(char c) { return std::string(64, c); }
  static void age(const fs::path& p, std::chrono::seconds by) {
    fs::last_write_time(p, fs::file_time_type::clock::now() - by);
  }
};

TEST_F(Store, WritesReadsAndTouchesEntries) {
  AnalysisCache cache(settings());
  EXPECT_EQ(cache.dir(), fs::path(tmp / "cache") / "analysis-v1");
  EXPECT_FALSE(cache.contains(key('a')));
  EXPECT_FALSE(cache.read(key('a')).has_value());
  const std::string_view bytes("bytes\0more", 10);
  cache.write(key('a'), bytes);
  EXPECT_TRUE(cache.contains(key('a')));
  const auto mapped = cache.read(key('a'));
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(mapped->bytes(), bytes);
  cache.write(key('b'), "");  // an empty file maps too (and is then refused by the decoder)
  ASSERT_TRUE(cache.read(key('b')).has_value());
  EXPECT_EQ(cache.read(key('b'))->bytes(), "");
  const fs::path file = cache.dir() / (key('a') + ".chunk");
  age(file, std::chrono::hours(5));
  const auto old = fs::last_write_time(file);
  cache.touch(key('a'));
  EXPECT_GT(fs::last_write_time(file), old);
  for (const auto& e : fs::directory_iterator(cache.dir()))  // no temp file left behind
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
}

TEST_F(Store, EvictsLeastRecentlyUsedDownToNinetyPercent) {
  CacheSettings s = settings();
  s.max_bytes = 1 << 20;  // 1 MiB
  AnalysisCache cache(s);
  const std::string blob(300 * 1024, 'x');
  for (char c : {'a', 'b', 'c', 'd', 'e'}) cache.write(key(c), blob);  // 1.5 MiB
  // Use order: b oldest, then d, a, e, c newest.
  int hours = 10;
  for (char c : {'b', 'd', 'a', 'e', 'c'}) age(cache.dir() / (key(c) + ".chunk"), std::chrono::hours(hours--));
  const CacheMaintenance m = cache.maintain();
  EXPECT_EQ(m.evicted, 2u);
  EXPECT_EQ(m.entries, 3u);
  EXPECT_EQ(m.bytes, 3 * blob.size());
  EXPECT_FALSE(cache.contains(key('b')));
  EXPECT_FALSE(cache.contains(key('d')));
  for (char c : {'a', 'e', 'c'}) EXPECT_TRUE(cache.contains(key(c)));
  EXPECT_EQ(cache.maintain().evicted, 0u) << "under the limit now";
}

TEST_F(Store, RemovesOnlyStaleTempFilesAndIgnoresStrangers) {
  AnalysisCache cache(settings());
  const fs::path stale = cache.dir() / (key('a') + ".chunk.tmp.123.abc");
  const fs::path fresh = cache.dir() / (key('b') + ".chunk.tmp.456.def");
  const fs::path stranger = cache.dir() / "README";
  dashflow::test::write_file(stale.string(), "half");
  dashflow::test::write_file(fresh.string(), "being written");
  dashflow::test::write_file(stranger.string(), "not ours");
  age(stale, std::chrono::hours(2));
  const CacheMaintenance m = cache.maintain();
  EXPECT_EQ(m.temp_removed, 1u);
  EXPECT_EQ(m.entries, 0u);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh)) << "another process may be writing it";
  EXPECT_TRUE(fs::exists(stranger));
}

TEST_F(Store, UnusableDirectoryIsAnErrorNamingIt) {
  dashflow::test::write_file(tmp / "file", "x");
  CacheSettings s = settings();
  s.dir = tmp / "file";  // a file, not a directory
  try {
    AnalysisCache cache(s);
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(tmp / "file"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------- skipped list

TEST(SkippedListTest, KeepsTheSmallestWhateverTheOrderOrSplit) {
  std::vector<SkippedInput> all;
  for (int i = 0; i < 500; ++i) all.push_back({"f" + std::to_string((i * 7919) % 500), static_cast<uint64_t>(i % 3), "bad"});
  SkippedList one(20);
  for (const auto& s : all) one.add(s);
  SkippedList a(20), b(20), c(20);
  for (size_t i = 0; i < all.size(); ++i) (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(all[all.size() - 1 - i]);
  c.merge(a);
  c.merge(b);
  EXPECT_EQ(one.count(), 500u);
  EXPECT_EQ(c.count(), 500u);
  ASSERT_EQ(one.sorted().size(), 20u);
  EXPECT_EQ(one.sorted(), c.sorted());
  auto expected = all;
  std::sort(expected.begin(), expected.end(), [](const SkippedInput& x, const SkippedInput& y) {
    return std::tie(x.source, x.line, x.reason) < std::tie(y.source, y.line, y.reason);
  });
  expected.resize(20);
  EXPECT_EQ(one.sorted(), expected);

  SkippedList none(0);
  none.add(all[0]);
  EXPECT_EQ(none.count(), 1u);
  EXPECT_TRUE(none.sorted().empty());
}
