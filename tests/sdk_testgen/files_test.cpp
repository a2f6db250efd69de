// Trace files for generated test binaries, atomic writes, the traces-dir
// argument, and the GoogleTest emitter's output.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "dashflow/json.hpp"
#include "dashflow/testgen.hpp"
#include "dashflow/testing/builders.hpp"
#include "process.hpp"

namespace {

namespace fs = std::filesystem;
using namespace dashflow;
using namespace dashflow::testgen;
using dashflow::test::TempDir;
using dashflow::test::write_file;
using dashflow::testing::TraceBuilder;

std::string trace_text(const std::string& graph, std::vector<std::string> nodes) {
  TraceBuilder b;
  b.metadata_json(json{{"graph_name", graph}}.dump());
  for (auto& n : nodes) b.node(n, 5);
  return to_json_text(b.build(), false);
}

struct Collected {
  std::vector<std::string> traces;  // location -> first node
  std::vector<std::string> skipped;
};

Collected collect(const std::string& path) {
  Collected c;
  read_trace_files(
      path, [&](ExecutionTrace&& t, const std::string& loc) { c.traces.push_back(loc + "=" + t.nodes_executed.at(0).node); },
      [&](const std::string& loc, const std::string& reason) { c.skipped.push_back(loc + ": " + reason); });
  return c;
}

TEST(TraceFiles, ReadsJsonArraysAndLinesSortedAndRecursive) {
  TempDir tmp;
  write_file(tmp / "b.json", trace_text("g", {"b"}));
  write_file(tmp / "a.json", "[" + trace_text("g", {"a0"}) + "," + trace_text("g", {"a1"}) + "]");
  write_file(tmp / "c.jsonl", trace_text("g", {"c1"}) + "\n\n" + trace_text("g", {"c3"}) + "\n");
  write_file(tmp / "sub/d.ndjson", trace_text("g", {"d"}));
  write_file(tmp / ".hidden.json", trace_text("g", {"hidden"}));
  write_file(tmp / "x.json.tmp", trace_text("g", {"tmp"}));
  write_file(tmp / "notes.txt", "not a trace");
  const Collected c = collect(tmp.path());
  EXPECT_TRUE(c.skipped.empty()) << c.skipped.front();
  EXPECT_EQ(c.traces, (std::vector<std::string>{tmp / "a.json[0]=a0", tmp / "a.json[1]=a1", tmp / "b.json=b",
                                                tmp / "c.jsonl:1=c1", tmp / "c.jsonl:3=c3", tmp / "sub/d.ndjson:1=d"}));
}

TEST(TraceFiles, BadInputsAreSkippedWithTheReason) {
  TempDir tmp;
  write_file(tmp / "bad.json", "{\"nodes_executed\": ");
  write_file(tmp / "wrong.json", R"({"hello": 1})");
  write_file(tmp / "lines.jsonl", trace_text("g", {"ok"}) + "\n{broken\n");
  write_file(tmp / "old.json.gz", "\x1f\x8b");
  const Collected c = collect(tmp.path());
  EXPECT_EQ(c.traces, std::vector<std::string>{tmp / "lines.jsonl:1=ok"});
  ASSERT_EQ(c.skipped.size(), 4u);
  EXPECT_EQ(c.skipped[0].rfind(tmp / "bad.json: invalid JSON", 0), 0u) << c.skipped[0];
  EXPECT_EQ(c.skipped[1].rfind(tmp / "lines.jsonl:2: invalid JSON", 0), 0u) << c.skipped[1];
  EXPECT_EQ(c.skipped[2].rfind(tmp / "old.json.gz: gzip-compressed", 0), 0u) << c.skipped[2];
  EXPECT_NE(c.skipped[3].find("wrong.json: not a DashFlow trace: nodes_executed: missing required field"), std::string::npos)
      << c.skipped[3];
}

TEST(TraceFiles, MissingPathThrowsAndSingleFileWorks) {
  TempDir tmp;
  EXPECT_THROW(collect(tmp / "nope"), Error);
  write_file(tmp / "one.trace", trace_text("g", {"solo"}));
  EXPECT_EQ(collect(tmp / "one.trace").traces, std::vector<std::string>{tmp / "one.trace=solo"});
}

TEST(TraceFiles, RunSpecsOnDirectory) {
  TempDir tmp;
  write_file(tmp / "t1.json", trace_text("g", {"a", "b"}));
  write_file(tmp / "t2.json", trace_text("g", {"a"}));
  SpecFile f;
  TestSpec s;
  s.name = "g_1";
  s.match.graph_name = "g";
  s.steps = {{"a", {}}, {"b", {}}};
  f.tests = {s};
  const RunResult r = run_specs_on_directory(f, tmp.path());
  EXPECT_EQ(r.traces, 2u);
  EXPECT_EQ(r.find("g_1")->traces_passed, 1u);
  EXPECT_EQ(r.find("g_1")->traces_failed, 1u);
  EXPECT_EQ(r.find("g_1")->failures.at(0).location, (tmp / "t2.json").string());
}

TEST(AtomicWrite, WritesReplacesAndLeavesNoTemporaryFile) {
  TempDir tmp;
  const std::string path = tmp / "out.json";
  write_file_atomic(path, "first");
  EXPECT_EQ(dashflow::test::read_file(path), "first");
  ::chmod(path.c_str(), 0600);
  write_file_atomic(path, std::string("second\0with nul", 15));
  EXPECT_EQ(dashflow::test::read_file(path), std::string("second\0with nul", 15));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the mode of a replaced file is kept";
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(tmp.path())) ++files, (void)e;
  EXPECT_EQ(files, 1u);
}

TEST(AtomicWrite, ErrorsNameThePath) {
  TempDir tmp;
  try {
    write_file_atomic(tmp / "missing/out.json", "x");
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("missing/out.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  fs::create_directories(tmp / "adir");
  EXPECT_THROW(write_file_atomic(tmp / "adir", "x"), StorageError);
}

TEST(TracesDirArgument, ArgvThenEnvThenDefault) {
  char prog[] = "tests";
  char dir[] = "/from/argv";
  char* with_arg[] = {prog, dir, nullptr};
  char* without[] = {prog, nullptr};
  ::unsetenv("DASHFLOW_TESTGEN_UNIT_ENV");
  EXPECT_EQ(traces_dir_argument(1, without, "DASHFLOW_TESTGEN_UNIT_ENV"), kDefaultTracesDir);
  ::setenv("DASHFLOW_TESTGEN_UNIT_ENV", "/from/env", 1);
  EXPECT_EQ(traces_dir_argument(1, without, "DASHFLOW_TESTGEN_UNIT_ENV"), "/from/env");
  EXPECT_EQ(traces_dir_argument(2, with_arg, "DASHFLOW_TESTGEN_UNIT_ENV"), "/from/argv");
  ::setenv("DASHFLOW_TESTGEN_UNIT_ENV", "", 1);
  EXPECT_EQ(traces_dir_argument(1, without, "DASHFLOW_TESTGEN_UNIT_ENV"), kDefaultTracesDir);
  ::unsetenv("DASHFLOW_TESTGEN_UNIT_ENV");
}

TEST(Emitter, OneTestPerSpecAndAsciiSource) {
  SpecFile f;
  f.generated_at = "2025-12-15T10:31:07Z";
  TestSpec s;
  s.name = "weather_bot_1";
  s.match.graph_name = "weather\nbot \"v2\" \\ caf\xc3\xa9";
  s.steps = {{"a\\", {}}, {"*/", {"t\"ool"}}};
  TestSpec u = s;
  u.name = "weather_bot_2";
  f.tests = {s, u};
  const std::string src = emit_gtest_source(f);
  for (unsigned char c : src) ASSERT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << "byte " << int(c);
  EXPECT_NE(src.find("TEST(DashflowRegression, weather_bot_1) { check(\"weather_bot_1\"); }"), std::string::npos);
  EXPECT_NE(src.find("TEST(DashflowRegression, weather_bot_2)"), std::string::npos);
  EXPECT_NE(src.find("TEST(DashflowRegressionTraces, Readable)"), std::string::npos);
  EXPECT_NE(src.find("#include \"dashflow/testgen.hpp\""), std::string::npos);
  EXPECT_NE(src.find("DASHFLOW_TRACES_DIR"), std::string::npos);
  EXPECT_NE(src.find("int main(int argc, char** argv)"), std::string::npos);
  // No comment line ends with a backslash (it would swallow the next line).
  size_t start = 0;
  while (start < src.size()) {
    size_t end = src.find('\n', start);
    const std::string line = src.substr(start, end - start);
    if (line.rfind("//", 0) == 0) {
      EXPECT_NE(line.back(), '\\') << line;
    }
    start = end + 1;
  }
  GtestOptions bad;
  bad.suite = "Bad_Suite";
  EXPECT_THROW(emit_gtest_source(f, bad), ConfigError);
  f.tests[0].name = "not valid";
  EXPECT_THROW(emit_gtest_source(f), ConfigError);
}

}  // namespace
