// Bad input (tests/data/bad_traces plus generated huge/deep/binary/bomb
// files): every one skipped with a reason naming the problem, nothing thrown,
// and the good files next to them still read.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "gzip_bytes.hpp"
#include "trace_dir_test_util.hpp"

using namespace tdtest;
using dashflow::test::gzip_bytes;

namespace {

const std::string kMinimal =
    R"({"nodes_executed":[],"total_duration_ms":0,"total_tokens":0,"errors":[],"completed":false,"metadata":{}})";

// One skip for the file, whose reason contains fragment.
void expect_skip(const CollectingSink& sink, const std::string& fragment, uint64_t line = 0) {
  EXPECT_TRUE(sink.traces.empty());
  ASSERT_EQ(sink.skips.size(), 1u);
  EXPECT_NE(sink.skips[0].reason.find(fragment), std::string::npos)
      << "reason '" << sink.skips[0].reason << "' lacks '" << fragment << "'";
  EXPECT_EQ(sink.skips[0].line, line);
}

}  // namespace

// Each committed bad file and the reason fragment it must be skipped with.
TEST(TraceDirBadInput, CorpusFilesAreSkippedWithReasons) {
  const std::map<std::string, std::string> expected = {
      {"empty.json", "empty file"},
      {"whitespace_only.json", "empty file"},
      {"truncated.json", "truncated JSON (unexpected end of input)"},
      {"missing_total_tokens.json", "missing required field 'total_tokens'"},
      {"wrong_type_duration.json", "nodes_executed[2].duration_ms: expected a non-negative integer, got string"},
      {"negative_tokens.json", "total_tokens: expected a non-negative integer, got negative integer -5"},
      {"float_duration.json", "total_duration_ms: expected a non-negative integer, got number 1.5"},
      {"null_completed.json", "completed: expected true or false, got null"},
      {"node_missing_index.json", "nodes_executed[0]: missing required field 'index'"},
      {"error_message_number.json", "errors[0].message: expected a string, got integer 3"},
      {"tool_not_string.json", "nodes_executed[0].tools_called[1]: expected a string, got integer 7"},
      {"metadata_array.json", "metadata: expected an object, got array"},
      {"top_level_string.json", "expected a JSON object (one trace) or an array of traces at the top level, got string"},
      {"syntax_error.json", "invalid JSON: parse error at line 1, column"},
      {"trailing_garbage.json", "invalid JSON"},
      {"invalid_utf8.json", "not valid UTF-8 (first bad byte at offset 113)"},
      {"corrupt.json.gz", "gzip data is corrupt"},
      {"truncated.json.gz", "gzip data is truncated"},
      {"not_gzip.json.gz", "gzip data is corrupt (incorrect header check)"},
  };
  for (const auto& [name, fragment] : expected) {
    SCOPED_TRACE(name);
    const CollectingSink sink = read_path(bad_dir() + "/" + name);
    expect_skip(sink, fragment);
    if (!sink.skips.empty()) {
      EXPECT_EQ(sink.skips[0].source, bad_dir() + "/" + name);
    }
  }
}

TEST(TraceDirBadInput, JsonLinesSkipsBadLinesAndKeepsTheRest) {
  const CollectingSink sink = read_path(bad_dir() + "/mixed.jsonl");
  ASSERT_EQ(sink.traces.size(), 2u);
  EXPECT_EQ(sink.traces[0].trace.thread_id, "jl-1");
  EXPECT_EQ(sink.traces[0].origin.line, 1u);
  EXPECT_EQ(sink.traces[1].trace.thread_id, "jl-5");
  EXPECT_EQ(sink.traces[1].origin.line, 5u);
  ASSERT_EQ(sink.skips.size(), 3u);
  EXPECT_EQ(sink.skips[0].line, 3u);
  EXPECT_EQ(sink.skips[0].reason, "missing required field 'errors'");
  EXPECT_EQ(sink.skips[1].line, 4u);
  EXPECT_EQ(sink.skips[1].reason, "truncated JSON (unexpected end of input)");
  EXPECT_EQ(sink.skips[2].line, 6u);
  EXPECT_NE(sink.skips[2].reason.find("expected a JSON object (one trace) on the line, got array"), std::string::npos);
}

// The whole directory through list_units + read_unit: the good neighbour is
// read, every bad file gives exactly one skip, hidden/temp/other files are not listed.
TEST(TraceDirBadInput, DirectoryRunReadsTheGoodFileNextToTheBadOnes) {
  auto source = make_source(bad_dir());
  const auto units = source.list_units();
  CollectingSink sink;
  for (const auto& unit : units) {
    EXPECT_EQ(unit.locator.find("/."), std::string::npos) << unit.locator;
    EXPECT_EQ(unit.locator.find(".tmp"), std::string::npos) << unit.locator;
    EXPECT_EQ(unit.locator.find(".txt"), std::string::npos) << unit.locator;
    EXPECT_NO_THROW(source.read_unit(unit, sink));
  }
  EXPECT_EQ(units.size(), 21u);  // 19 bad files + mixed.jsonl + good_neighbor.json
  ASSERT_EQ(sink.traces.size(), 3u);  // good_neighbor + two good lines of mixed.jsonl
  bool neighbour = false;
  for (const auto& r : sink.traces) neighbour = neighbour || r.trace.thread_id == std::optional<std::string>("neighbor");
  EXPECT_TRUE(neighbour);
  EXPECT_EQ(sink.skips.size(), 19u + 3u);
  for (const auto& skip : sink.skips) EXPECT_FALSE(skip.reason.empty()) << skip.source;
}

TEST(TraceDirBadInput, FileOverTheSizeCap) {
  TempDir dir;
  const std::string path = dir / "huge.json";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, 3 * 1024 * 1024), 0);  // sparse: no disk cost
  ::close(fd);
  expect_skip(read_path(path, /*max_file_mb=*/1), "file is 3 MB, over max_file_mb 1");
}

TEST(TraceDirBadInput, GzipBombIsRefusedAtTheCap) {
  TempDir dir;
  // 8 MiB of spaces then a trace compresses to a few KiB; cap is 1 MiB.
  const std::string path = dir.write("bomb.json.gz", gzip_bytes(std::string(8u << 20, ' ') + kMinimal));
  EXPECT_LT(tdtest::fs::file_size(path), 64u * 1024);
  expect_skip(read_path(path, 1), "gzip data decompresses to more than max_file_mb 1 MB");
  // The same file reads fine with a larger cap.
  const CollectingSink ok = read_path(path, 16);
  EXPECT_EQ(ok.traces.size(), 1u);
  EXPECT_TRUE(ok.skips.empty());
}

TEST(TraceDirBadInput, NestingDeeperThanTheLimit) {
  TempDir dir;
  // final_state nested 200 deep: the trace is at depth 1, so 201 levels.
  std::string deep = R"({"nodes_executed":[],"total_duration_ms":0,"total_tokens":0,"errors":[],"completed":false,"metadata":{},"final_state":)";
  deep += std::string(200, '[') + std::string(200, ']') + "}";
  const std::string path = dir.write("deep.json", deep);
  expect_skip(read_path(path), "JSON nesting deeper than 128");
  EXPECT_EQ(read_path(path, 512, 256).traces.size(), 1u);
  // Exactly at the limit is fine: 128 levels in all.
  std::string edge = R"({"nodes_executed":[],"total_duration_ms":0,"total_tokens":0,"errors":[],"completed":false,"metadata":{},"final_state":)";
  edge += std::string(127, '[') + std::string(127, ']') + "}";
  const CollectingSink at_limit = read_path(dir.write("edge.json", edge));
  EXPECT_EQ(at_limit.traces.size(), 1u);
  EXPECT_TRUE(at_limit.skips.empty()) << (at_limit.skips.empty() ? "" : at_limit.skips[0].reason);
}

TEST(TraceDirBadInput, BinaryGarbage) {
  TempDir dir;
  std::mt19937 rng(42);
  std::string bytes(64 * 1024, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  expect_skip(read_path(dir.write("garbage.json", bytes)), "not valid UTF-8");
  expect_skip(read_path(dir.write("garbage.jsonl", bytes.substr(0, 100))), "not valid UTF-8", 1);
  // Valid UTF-8 but not JSON.
  expect_skip(read_path(dir.write("text.json", "hello world, not json")), "invalid JSON");
}

TEST(TraceDirBadInput, TruncatedAtEveryByteNeverThrows) {
  const std::string full = read_file(good_dir() + "/full_example.json");
  for (size_t cut = 0; cut < full.size(); cut += 7) {
    CollectingSink sink;
    EXPECT_NO_THROW(dashflow::tracedir::parse_traces_text(full.substr(0, cut), dashflow::tracedir::TextFormat::Document,
                                                          "cut", {}, sink));
    EXPECT_TRUE(sink.traces.empty()) << cut;
    ASSERT_EQ(sink.skips.size(), 1u) << cut;
  }
}

TEST(TraceDirBadInput, DirectoryNamedJson) {
  TempDir dir;
  tdtest::fs::create_directories(dir / "traces.json");
  expect_skip(read_path(dir / "traces.json"), "is a directory");
  // list_units lists regular files only.
  EXPECT_TRUE(make_source(dir.path()).list_units().empty());
}

TEST(TraceDirBadInput, FifoNamedJsonDoesNotHang) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "pipe.json").c_str(), 0644), 0);
  expect_skip(read_path(dir / "pipe.json"), "not a regular file");
}

TEST(TraceDirBadInput, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: file permissions do not stop root from reading";
  TempDir dir;
  const std::string path = dir.write("locked.json", kMinimal);
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  expect_skip(read_path(path), "permission denied");
}

TEST(TraceDirBadInput, FileRemovedAfterListing) {
  TempDir dir;
  expect_skip(read_path(dir / "gone.json"), "file not found");
}

TEST(TraceDirBadInput, EmptyGzipFile) {
  TempDir dir;
  expect_skip(read_path(dir.write("empty.json.gz", "")), "empty file");
}
