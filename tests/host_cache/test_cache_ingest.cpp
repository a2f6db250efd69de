// ingest_traces with the analysis cache, in process, with the real built-in
// plugins loaded from their .so files: the result is the same with and
// without the cache and for any thread count; damaged entries are misses;
// a changed file re-reads only its chunk; a changed analyzer config, a unit
// filter, an analyzer without save_state, or files still being written keep
// the cache out of the way.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "corpus.hpp"
#include "dashflow/json.hpp"
#include "pipeline/cache/chunking.hpp"
#include "pipeline/ingest.hpp"
#include "plugin/discovery.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using namespace dashflow;
using namespace dashflow::host;
using dashflow::test::TempDir;

namespace {

const std::vector<std::string> kAnalyzers = {"capability-gaps", "deprecation", "patterns", "retrospective", "triggers"};

PluginRegistry& registry() {
  static PluginRegistry r(discover_plugins({DASHFLOW_PLUGIN_DIR, DASHFLOW_CACHE_TEST_PLUGIN_DIR}));
  return r;
}

void age_all(const std::string& dir, std::chrono::seconds by) {
  const auto when = fs::file_time_type::clock::now() - by;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) fs::last_write_time(e.path(), when);
}

class CachedIngest : public ::testing::Test {
 protected:
  void SetUp() override {
    dashflow::test::PlantedCorpus spec;
    spec.traces = 2000;
    dashflow::test::write_planted_corpus(traces(), spec);
    dashflow::test::write_file(traces() + "/bad-0001.json", "{\"nodes_executed\": [");
    dashflow::test::write_file(traces() + "/mixed.jsonl",
                               nlohmann::json::parse(dashflow::test::healthy_trace_json(1, 0)).dump() + "\nnot json\n");
    age_all(traces(), std::chrono::hours(1));
    // Relative locators ("traces/<file>"): the content-defined chunks are then
    // the same in every run of the test, whatever the temp directory is called.
    previous_cwd = fs::current_path();
    fs::current_path(tmp.path());
  }
  void TearDown() override { fs::current_path(previous_cwd); }
  fs::path previous_cwd;

  std::string traces() const { return tmp / "traces"; }

  void build(const nlohmann::json& triggers_config = nlohmann::json::object(), bool with_no_save = false) {
    sources.clear();
    analyzers.clear();
    sources.push_back(registry().create_as<TraceSource>("trace-dir", {{"path", "traces"}, {"payloads", false}}));
    for (const auto& id : kAnalyzers)
      analyzers.push_back(registry().create_as<Analyzer>(id, id == "triggers" ? triggers_config : nlohmann::json::object()));
    if (with_no_save) analyzers.push_back(registry().create_as<Analyzer>("no-save-counter", nlohmann::json::object()));
  }

  IngestResult ingest(unsigned threads, bool cache = true, std::function<bool(const TraceUnit&)> include = nullptr) {
    IngestOptions o;
    o.threads = threads;
    o.include = std::move(include);
    o.cache.enabled = cache;
    o.cache.dir = tmp / "cache";
    return ingest_traces(sources, analyzers, o);
  }

  // Everything a report is made of, as JSON.
  nlohmann::json outcome(const IngestResult& r) const {
    AnalysisContext context;
    context.traces_total = r.traces;
    context.now_unix_ms = 1765000000000;
    context.known_nodes = {"planner", "fetch", "legacy"};
    context.known_tools = {"search", "fax"};
    nlohmann::json j = {{"traces", r.traces},
                        {"summary", r.summary.to_json()},
                        {"skipped", r.skipped},
                        {"skipped_count", r.skipped_count},
                        {"failures", r.failures}};
    std::vector<std::tuple<int64_t, uint64_t, uint64_t, uint32_t, bool>> facts;
    for (const auto& f : r.facts) facts.emplace_back(f.started_at_ms, f.duration_ms, f.tokens, f.retries, f.successful);
    std::sort(facts.begin(), facts.end());
    j["facts"] = facts;
    for (size_t i = 0; i < analyzers.size(); ++i) {
      if (!r.states[i]) {
        j[analyzers[i].id()] = "failed";
        continue;
      }
      AnalysisOutput o = analyzers[i]->finish(*r.states[i], context);
      j[analyzers[i].id()] = {{"gaps", o.capability_gaps},
                              {"deprecations", o.deprecations},
                              {"patterns", o.patterns},
                              {"retrospective", o.retrospective ? nlohmann::json(*o.retrospective) : nlohmann::json()},
                              {"warnings", o.warnings},
                              {"alerts", analyzers[i]->alerts(*r.states[i], context)}};
    }
    return j;
  }

  // The chunk entries (not the run snapshot, not the note naming it).
  std::vector<fs::path> entries() const {
    std::vector<fs::path> out;
    const fs::path snap = snapshot();
    for (const auto& e : fs::directory_iterator(tmp / "cache/analysis-v1"))
      if (e.path().extension() == ".chunk" && e.path() != snap) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  // The current run snapshot's entry (empty when none was stored).
  fs::path snapshot() const {
    const fs::path note = tmp / "cache/analysis-v1/last-run-snapshot";
    if (!fs::exists(note)) return {};
    std::string key = dashflow::test::read_file(note.string());
    while (!key.empty() && key.back() == '\n') key.pop_back();
    return fs::path(tmp / "cache/analysis-v1") / (key + ".chunk");
  }

  // The chunks the trace-dir listing falls into, as the cache computes them.
  std::vector<std::vector<TraceUnit>> chunks() {
    const auto units = sources[0]->list_units();
    std::vector<std::vector<TraceUnit>> out;
    for (const auto& c : split_into_chunks(units)) out.emplace_back(units.begin() + c.begin, units.begin() + c.end);
    return out;
  }

  TempDir tmp;
  std::vector<PluginInstance<TraceSource>> sources;
  std::vector<PluginInstance<Analyzer>> analyzers;
};

}  // namespace

TEST_F(CachedIngest, SameResultWithAndWithoutTheCacheForAnyThreadCount) {
  build();
  const IngestResult plain = ingest(1, false);
  EXPECT_FALSE(plain.cache.used);
  EXPECT_EQ(plain.traces, 2001u);
  EXPECT_EQ(plain.skipped_count, 2u);
  const nlohmann::json expected = outcome(plain);
  ASSERT_FALSE(expected["capability-gaps"]["gaps"].empty()) << "the corpus must give findings";
  ASSERT_FALSE(expected["triggers"]["alerts"].empty());

  const IngestResult cold = ingest(2);
  ASSERT_TRUE(cold.cache.used) << cold.cache.off_reason;
  EXPECT_GT(cold.cache.chunks, 1u);
  EXPECT_EQ(cold.cache.chunks_saved, cold.cache.chunks);
  EXPECT_EQ(cold.cache.units_hit, 0u);
  EXPECT_EQ(cold.cache.units_missed, 2002u);
  EXPECT_EQ(entries().size(), cold.cache.chunks);
  EXPECT_TRUE(cold.cache.snapshot_saved);
  EXPECT_TRUE(fs::exists(snapshot()));
  EXPECT_EQ(outcome(cold), expected);

  for (unsigned threads : {1u, 3u, 8u}) {
    const IngestResult warm = ingest(threads);
    EXPECT_TRUE(warm.cache.snapshot_loaded) << threads << " threads";
    EXPECT_EQ(warm.cache.chunks_loaded, cold.cache.chunks) << threads << " threads";
    EXPECT_EQ(warm.cache.units_hit, 2002u);
    EXPECT_EQ(warm.cache.units_missed, 0u);
    EXPECT_EQ(warm.cache.chunks_saved, 0u);
    EXPECT_EQ(outcome(warm), expected) << threads << " threads";
  }

  // One thread and at least four chunks to read: each chunk is one work item
  // (no batches merged into it); the same result and entries.
  ASSERT_GE(cold.cache.chunks, 4u) << "the corpus must have enough chunks for this case";
  fs::remove_all(tmp / "cache");
  const IngestResult whole = ingest(1);
  EXPECT_EQ(whole.cache.chunks_saved, cold.cache.chunks);
  EXPECT_TRUE(whole.cache.snapshot_saved);
  EXPECT_EQ(outcome(whole), expected);
}

TEST_F(CachedIngest, DamagedEntriesAreMissesAndAreRewritten) {
  build();
  const nlohmann::json expected = outcome(ingest(2));
  fs::remove(snapshot());  // so that this run reads the chunk entries
  const auto files = entries();
  ASSERT_GE(files.size(), 3u);
  {  // truncated
    const std::string bytes = dashflow::test::read_file(files[0].string());
    dashflow::test::write_file(files[0].string(), bytes.substr(0, bytes.size() / 2));
  }
  {  // one flipped byte in the middle
    std::string bytes = dashflow::test::read_file(files[1].string());
    bytes[bytes.size() / 2] ^= 0x01;
    dashflow::test::write_file(files[1].string(), bytes);
  }
  dashflow::test::write_file(files[2].string(), "");  // empty
  const IngestResult damaged = ingest(2);
  EXPECT_EQ(damaged.cache.entries_invalid, 3u);
  EXPECT_EQ(damaged.cache.chunks_saved, 3u);
  EXPECT_EQ(damaged.cache.chunks_loaded, files.size() - 3);
  EXPECT_TRUE(damaged.failures.empty());
  EXPECT_EQ(outcome(damaged), expected);

  fs::remove(snapshot());
  const IngestResult again = ingest(2);
  EXPECT_EQ(again.cache.entries_invalid, 0u);
  EXPECT_EQ(again.cache.chunks_loaded, files.size()) << "the damaged entries were stored again";
  EXPECT_FALSE(again.cache.snapshot_loaded);
  EXPECT_EQ(outcome(again), expected);
}

TEST_F(CachedIngest, ADamagedRunSnapshotFallsBackToTheChunksAndIsStoredAgain) {
  build();
  const nlohmann::json expected = outcome(ingest(2));
  const fs::path snap = snapshot();
  ASSERT_TRUE(fs::exists(snap));
  std::string bytes = dashflow::test::read_file(snap.string());
  bytes[bytes.size() / 2] ^= 0x01;
  dashflow::test::write_file(snap.string(), bytes);
  const IngestResult damaged = ingest(2);
  EXPECT_FALSE(damaged.cache.snapshot_loaded);
  EXPECT_EQ(damaged.cache.entries_invalid, 1u);
  EXPECT_EQ(damaged.cache.chunks_loaded, damaged.cache.chunks) << "every chunk entry serves";
  EXPECT_TRUE(damaged.cache.snapshot_saved);
  EXPECT_EQ(outcome(damaged), expected);
  const IngestResult again = ingest(2);
  EXPECT_TRUE(again.cache.snapshot_loaded);
  EXPECT_EQ(outcome(again), expected);
}

TEST_F(CachedIngest, ANewFileReplacesTheRunSnapshot) {
  build();
  ingest(2);
  const fs::path first = snapshot();
  ASSERT_TRUE(fs::exists(first));
  dashflow::test::write_file(tmp / "traces/zz-new.json", dashflow::test::healthy_trace_json(9999, 5));
  fs::last_write_time(tmp / "traces/zz-new.json", fs::file_time_type::clock::now() - std::chrono::minutes(30));
  const IngestResult after = ingest(2);
  EXPECT_FALSE(after.cache.snapshot_loaded);
  EXPECT_TRUE(after.cache.snapshot_saved);
  EXPECT_NE(snapshot(), first);
  EXPECT_FALSE(fs::exists(first)) << "the previous snapshot serves no directory any more";
  EXPECT_EQ(outcome(after), outcome(ingest(1, false)));
}

TEST_F(CachedIngest, AChangedFileRereadsOnlyItsChunk) {
  build();
  ingest(2);
  const auto chunked = chunks();
  ASSERT_GE(chunked.size(), 2u);
  // A trace of the second chunk with a retried error loses it: same size, new content.
  std::string victim, text;
  size_t pos = std::string::npos;
  for (const auto& u : chunked[1]) {
    text = dashflow::test::read_file(u.locator);
    pos = text.find("\"retry_attempted\": true");
    victim = u.locator;
    if (pos != std::string::npos) break;
  }
  ASSERT_NE(pos, std::string::npos) << "no retried error in the second chunk";
  text.replace(pos, 23, "\"retry_attempted\":false");
  dashflow::test::write_file(victim, text);
  fs::last_write_time(victim, fs::file_time_type::clock::now() - std::chrono::minutes(30));

  const IngestResult after = ingest(2);
  EXPECT_EQ(after.cache.chunks_loaded, chunked.size() - 1);
  EXPECT_EQ(after.cache.chunks_saved, 1u);
  EXPECT_EQ(after.cache.units_missed, chunked[1].size());
  EXPECT_EQ(outcome(after), outcome(ingest(1, false))) << "the change is seen";
  EXPECT_EQ(entries().size(), chunked.size() + 1) << "the old entry stays until evicted";
}

TEST_F(CachedIngest, AnAnalyzerConfigChangeInvalidatesEveryEntry) {
  build({{"slow_node_threshold_ms", 1000}});
  const IngestResult first = ingest(2);
  build({{"slow_node_threshold_ms", 2000}});
  const IngestResult second = ingest(2);
  EXPECT_EQ(second.cache.units_hit, 0u);
  EXPECT_EQ(second.cache.chunks_saved, first.cache.chunks);
  EXPECT_EQ(outcome(second), outcome(ingest(1, false)));
  build({{"slow_node_threshold_ms", 1000}});
  EXPECT_EQ(ingest(2).cache.chunks_loaded, first.cache.chunks) << "the first config's entries still serve it";
}

TEST_F(CachedIngest, AUnitFilterBypassesTheCache) {
  build();
  const IngestResult r = ingest(2, true, [](const TraceUnit& u) { return u.locator.find("t00") != std::string::npos; });
  EXPECT_FALSE(r.cache.used);
  EXPECT_NE(r.cache.off_reason.find("filter"), std::string::npos) << r.cache.off_reason;
  EXPECT_EQ(r.traces, 100u);
  EXPECT_FALSE(fs::exists(tmp / "cache"));
}

TEST_F(CachedIngest, AnAnalyzerWithoutSaveStateTurnsTheCacheOff) {
  build(nlohmann::json::object(), true);
  const IngestResult r = ingest(2);
  EXPECT_FALSE(r.cache.used);
  EXPECT_NE(r.cache.off_reason.find("'no-save-counter'"), std::string::npos) << r.cache.off_reason;
  EXPECT_EQ(r.traces, 2001u);
  ASSERT_NE(r.states.back(), nullptr);
  EXPECT_FALSE(fs::exists(tmp / "cache"));
}

TEST_F(CachedIngest, FilesStillBeingWrittenAreReadButNotStored) {
  build();
  const auto chunked = chunks();
  ASSERT_GE(chunked.size(), 2u);
  fs::last_write_time(chunked[0].back().locator, fs::file_time_type::clock::now());  // just written
  const IngestResult r = ingest(2);
  EXPECT_EQ(r.cache.chunks_saved, chunked.size() - 1);
  EXPECT_EQ(r.traces, 2001u);
  EXPECT_EQ(ingest(2).cache.units_missed, chunked[0].size()) << "read again until it settles";
}

TEST_F(CachedIngest, AnUnusableCacheDirectoryOnlyCostsTheCache) {
  build();
  dashflow::test::write_file(tmp / "cache", "a file where the directory should be");
  const IngestResult r = ingest(2);
  EXPECT_FALSE(r.cache.used);
  EXPECT_NE(r.cache.off_reason.find(tmp / "cache"), std::string::npos) << r.cache.off_reason;
  EXPECT_EQ(r.traces, 2001u);
  EXPECT_TRUE(r.failures.empty());
}
