// The analysis cache through the real binary: a second `self-improve analyze`
// over unchanged traces is served from the cache with the same report as a
// run without it (--no-cache); a changed file re-reads only its chunk; a
// changed analyzer config misses; the "cache" config section is honoured.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "corpus.hpp"
#include "pipeline/cache/chunking.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::test::ProcessResult;
using dashflow::test::run_process;
using dashflow::test::TempDir;
using nlohmann::json;

namespace {

struct CacheLine {
  uint64_t hit_units = 0, units = 0, loaded = 0, chunks = 0, stored = 0, unusable = 0;
};

// The info line ingest logs after a run that used the cache.
std::optional<CacheLine> cache_line(const std::string& log) {
  static const std::regex re(
      R"(analysis cache: (\d+) of (\d+) trace files from the cache \((\d+) of (\d+) chunks\), (\d+) chunks stored, (\d+) unusable entries)");
  std::smatch m;
  if (!std::regex_search(log, m, re)) return std::nullopt;
  auto n = [&](int i) { return std::stoull(m[i].str()); };
  return CacheLine{n(1), n(2), n(3), n(4), n(5), n(6)};
}

class CacheE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dashflow::test::PlantedCorpus spec;
    spec.traces = 2000;
    dashflow::test::write_planted_corpus(tmp / "traces", spec);
    dashflow::test::write_file(tmp / "traces/broken.json", "{\"nodes_executed\": [");
    age_traces();
  }

  void age_traces() {
    const auto when = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const auto& e : fs::directory_iterator(tmp / "traces")) fs::last_write_time(e.path(), when);
  }

  // analyze into a fresh storage dir (so reports are comparable: no previous report).
  struct Run {
    ProcessResult process;
    json out;
    json report;
    std::optional<CacheLine> cache;
  };
  Run analyze(const std::vector<std::string>& extra = {}, const std::string& config = "") {
    const std::string storage = "store-" + std::to_string(++runs_);
    std::vector<std::string> args = {DASHFLOW_EXE, "--log-level", "info"};
    if (!config.empty()) args.insert(args.end(), {"--config", config});
    // Relative --traces: locators are "traces/<file>", so the chunks are the same in every test run.
    args.insert(args.end(), {"self-improve", "analyze", "--traces", "traces", "--storage", storage, "--format", "json"});
    args.insert(args.end(), extra.begin(), extra.end());
    Run r;
    r.process = run_process(args, tmp.path());
    EXPECT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
    try {
      r.out = json::parse(r.process.out);
      ProcessResult show = run_process({DASHFLOW_EXE, "self-improve", "reports", "show", r.out["report_id"],
                                        "--storage", storage, "--format", "json"},
                                       tmp.path());
      EXPECT_EQ(show.exit_code, 0) << show.err;
      r.report = json::parse(show.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what() << "\n" << r.process.out << r.process.err;
    }
    r.cache = cache_line(r.process.err);
    return r;
  }

  // What must not depend on the cache: findings, summary, skipped inputs, alerts.
  static json findings(const Run& r) {
    json j;
    for (const char* key : {"capability_gaps", "deprecations", "patterns", "retrospective", "execution_summary",
                            "skipped_inputs", "citations", "warnings", "plugin_failures"})
      j[key] = r.report.value(key, json());
    json alerts = r.out.value("alerts", json::array());
    for (auto& a : alerts) a.erase("starts_at");
    j["alerts"] = alerts;
    j["traces_analyzed"] = r.out["traces_analyzed"];
    j["inputs_skipped"] = r.out["inputs_skipped"];
    return j;
  }

  // The chunks of the listing, computed like the cache does.
  std::vector<std::vector<std::string>> chunks() const {
    std::vector<dashflow::TraceUnit> units;
    for (const auto& e : fs::directory_iterator(tmp / "traces"))
      units.push_back({"traces/" + e.path().filename().string(), static_cast<uint64_t>(e.file_size()), 1, 1, 1});
    std::sort(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.locator < b.locator; });
    std::vector<std::vector<std::string>> out;
    for (const auto& c : dashflow::host::split_into_chunks(units)) {
      out.emplace_back();
      for (size_t i = c.begin; i < c.end; ++i) out.back().push_back(units[i].locator);
    }
    return out;
  }

  TempDir tmp;
  int runs_ = 0;
};

}  // namespace

TEST_F(CacheE2E, SecondRunComesFromTheCacheWithTheSameReport) {
  const Run cold = analyze();
  ASSERT_TRUE(cold.cache) << cold.process.err;
  const uint64_t chunk_count = chunks().size();
  ASSERT_GE(chunk_count, 2u);
  EXPECT_EQ(cold.cache->units, 2001u);
  EXPECT_EQ(cold.cache->hit_units, 0u);
  EXPECT_EQ(cold.cache->chunks, chunk_count);
  EXPECT_EQ(cold.cache->stored, chunk_count);
  EXPECT_TRUE(fs::is_directory(tmp / ".dashflow/cache/analysis-v1")) << "default cache dir, relative to the working directory";

  const Run warm = analyze();
  ASSERT_TRUE(warm.cache) << warm.process.err;
  EXPECT_EQ(warm.cache->hit_units, 2001u);
  EXPECT_EQ(warm.cache->loaded, chunk_count);
  EXPECT_EQ(warm.cache->stored, 0u);

  const Run plain = analyze({"--no-cache"});
  EXPECT_FALSE(plain.cache) << "--no-cache neither reads nor writes the cache";
  EXPECT_EQ(cold.out["traces_analyzed"], 2000);
  EXPECT_EQ(cold.out["inputs_skipped"], 1);
  ASSERT_FALSE(cold.report["capability_gaps"].empty());
  EXPECT_EQ(findings(warm), findings(plain));
  EXPECT_EQ(findings(cold), findings(plain));
}

TEST_F(CacheE2E, AChangedFileRereadsOnlyItsChunk) {
  const Run cold = analyze();
  ASSERT_TRUE(cold.cache) << cold.process.err;
  const auto chunked = chunks();
  ASSERT_GE(chunked.size(), 2u);
  // A timeout trace of the last chunk now succeeds quickly: same file name, new content.
  std::string victim;
  for (const auto& name : chunked.back()) {
    if (dashflow::test::read_file((tmp / name)).find("Timeout after") != std::string::npos) {
      victim = name;
      break;
    }
  }
  ASSERT_FALSE(victim.empty());
  const int index = std::stoi(victim.substr(victim.find("/t") + 2, 4));
  dashflow::test::write_file(tmp / victim, dashflow::test::healthy_trace_json(index, 0));
  fs::last_write_time(tmp / victim, fs::file_time_type::clock::now() - std::chrono::minutes(10));

  const Run after = analyze();
  ASSERT_TRUE(after.cache) << after.process.err;
  EXPECT_EQ(after.cache->loaded, chunked.size() - 1);
  EXPECT_EQ(after.cache->stored, 1u);
  EXPECT_EQ(after.cache->hit_units, 2001u - chunked.back().size());
  EXPECT_EQ(findings(after), findings(analyze({"--no-cache"}))) << "the changed trace is seen";
  EXPECT_NE(findings(after)["execution_summary"], findings(cold)["execution_summary"]);
}

TEST_F(CacheE2E, AnAnalyzerConfigChangeMissesAndTheConfigSectionIsHonoured) {
  auto config = [&](int threshold, const json& cache) {
    json c = {{"pipelines",
               {{"default",
                 {{"analyzers", json::array({{{"plugin", "capability-gaps"}},
                                             {{"plugin", "triggers"}, {"config", {{"slow_node_threshold_ms", threshold}}}}})}}}}},
              {"cache", cache}};
    const std::string path = tmp / ("config-" + std::to_string(threshold) + ".json");
    dashflow::test::write_file(path, c.dump(2));
    return path;
  };
  const json in_mycache = {{"dir", "mycache"}, {"max_mb", 64}};
  const Run first = analyze({}, config(1000, in_mycache));
  ASSERT_TRUE(first.cache) << first.process.err;
  EXPECT_TRUE(fs::is_directory(tmp / "mycache/analysis-v1"));
  EXPECT_FALSE(fs::exists(tmp / ".dashflow/cache"));
  const Run same = analyze({}, config(1000, in_mycache));
  EXPECT_EQ(same.cache->hit_units, 2001u);

  const Run changed = analyze({}, config(2000, in_mycache));
  ASSERT_TRUE(changed.cache) << changed.process.err;
  EXPECT_EQ(changed.cache->hit_units, 0u) << "a triggers config change invalidates every entry";
  EXPECT_EQ(changed.cache->stored, changed.cache->chunks);

  const Run disabled = analyze({}, config(3000, {{"enabled", false}, {"dir", "othercache"}}));
  EXPECT_FALSE(disabled.cache);
  EXPECT_FALSE(fs::exists(tmp / "othercache"));

  ProcessResult bad = run_process({DASHFLOW_EXE, "--config", config(4000, {{"max_mb", 0}}), "self-improve", "analyze",
                                   "--traces", "traces", "--storage", "store-bad"},
                                  tmp.path());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("cache.max_mb"), std::string::npos) << bad.err;
}

TEST_F(CacheE2E, DamagedEntriesAreReadAgainNotErrors) {
  const Run cold = analyze();
  ASSERT_TRUE(cold.cache) << cold.process.err;
  // The run snapshot would serve the whole run: remove it to exercise the chunk entries.
  const fs::path dir = tmp / ".dashflow/cache/analysis-v1";
  std::string snapshot_key = dashflow::test::read_file((dir / "last-run-snapshot").string());
  snapshot_key.pop_back();
  ASSERT_TRUE(fs::remove(dir / (snapshot_key + ".chunk")));
  size_t damaged = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (damaged == 2) break;
    if (e.path().extension() != ".chunk") continue;
    const std::string bytes = dashflow::test::read_file(e.path().string());
    dashflow::test::write_file(e.path().string(), damaged == 0 ? bytes.substr(0, 40) : "garbage");
    ++damaged;
  }
  ASSERT_EQ(damaged, 2u);
  const Run after = analyze();
  ASSERT_TRUE(after.cache) << after.process.err;
  EXPECT_EQ(after.cache->unusable, 2u);
  EXPECT_EQ(after.cache->stored, 2u);
  EXPECT_EQ(after.cache->loaded, after.cache->chunks - 2);
  EXPECT_EQ(findings(after), findings(cold));
  EXPECT_EQ(after.process.err.find("warning"), std::string::npos) << after.process.err;
}
