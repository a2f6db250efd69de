// Malformed input is skipped with a reason that names the place and the
// problem; nothing crashes, nothing stops the other files or lines.
#include <gtest/gtest.h>

#include <random>

#include "gzip_bytes.hpp"
#include "otlp_test_util.hpp"

using namespace otlptest;
using dashflow::test::gzip_bytes;

namespace {

struct BadCase {
  const char* file;
  const char* reason;  // expected substring
};

}  // namespace

class BadFixture : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadFixture, SkippedWithItsReason) {
  const BadCase& c = GetParam();
  const std::string path = fixture(std::string("bad/") + c.file);
  const auto sink = read_path(path);
  EXPECT_TRUE(sink.traces.empty());
  ASSERT_EQ(sink.skips.size(), 1u) << reasons(sink);
  EXPECT_EQ(sink.skips[0].source, path);
  EXPECT_EQ(sink.skips[0].line, 0u);
  EXPECT_NE(sink.skips[0].reason.find(c.reason), std::string::npos) << sink.skips[0].reason;
}

INSTANTIATE_TEST_SUITE_P(
    Otlp, BadFixture,
    ::testing::Values(
        BadCase{"empty.json", "empty file (no JSON found)"},
        BadCase{"truncated.json", "truncated JSON (unexpected end of input)"},
        BadCase{"scalar.json", "expected an OTLP/JSON traces request (a JSON object with \"resourceSpans\") or an array of them, got"},
        BadCase{"dashflow_trace.json", "is a DashFlow ExecutionTrace, not OTLP; read it with the trace-dir source"},
        BadCase{"resource_logs.json", "holds OTLP logs (resourceLogs), not traces"},
        BadCase{"snake_case.json", "uses snake_case keys (resource_spans); OTLP/JSON requires lowerCamelCase"},
        BadCase{"attributes_as_map.json",
                "resourceSpans[0].scopeSpans[0].spans[1].attributes: expected an array of {\"key\": ..., \"value\": "
                "{...}} objects, got an object (a {key: value} map is not OTLP/JSON)"},
        BadCase{"base64_ids.json",
                "resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 32 hex digits (OTLP/JSON ids are hex, not "
                "base64), got 'W47/95gDgQPSabYzgT/GDA=='"},
        BadCase{"logs_as_spans.json",
                "resourceSpans[0].scopeSpans[0].spans[0].traceId: missing (every span needs one; OTLP logs sent as "
                "traces have no ids)"},
        BadCase{"bad_int.json",
                "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue: expected a 64-bit integer as a "
                "decimal string or a number, got string"},
        BadCase{"bad_status.json",
                "resourceSpans[0].scopeSpans[0].spans[0].status.code: unknown status code 'FAILED' (expected 0, 1, 2 or "
                "STATUS_CODE_UNSET, STATUS_CODE_OK, STATUS_CODE_ERROR)"},
        BadCase{"bad_time.json",
                "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected nanoseconds since the epoch as a "
                "decimal string or a non-negative number, got the string '2026-01-15T10:00:00Z'"}),
    [](const ::testing::TestParamInfo<BadCase>& info) {
      std::string name = info.param.file;
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

TEST(BadInput, BadLinesAreSkippedAndTheGoodLinesRead) {
  const std::string path = fixture("bad/mixed_lines.jsonl");
  const auto sink = read_path(path);
  ASSERT_EQ(sink.traces.size(), 2u) << reasons(sink);
  EXPECT_EQ(sink.traces[0].origin.line, 1u);
  EXPECT_EQ(node_names(sink.traces[0].trace), (std::vector<std::string>{"first"}));
  EXPECT_EQ(sink.traces[1].origin.line, 4u);
  EXPECT_EQ(node_names(sink.traces[1].trace), (std::vector<std::string>{"lookup"}));
  ASSERT_EQ(sink.skips.size(), 3u) << reasons(sink);
  EXPECT_EQ(sink.skips[0].line, 2u);
  EXPECT_NE(sink.skips[0].reason.find("invalid JSON"), std::string::npos) << sink.skips[0].reason;
  EXPECT_EQ(sink.skips[1].line, 3u);
  EXPECT_EQ(sink.skips[1].reason, "truncated JSON (unexpected end of input)");
  EXPECT_EQ(sink.skips[2].line, 5u);
  EXPECT_NE(sink.skips[2].reason.find("on the line, got array"), std::string::npos) << sink.skips[2].reason;
}

TEST(BadInput, ABadElementOfAnArrayRejectsOnlyThatRequest) {
  TempDir dir;
  const std::string good =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"13131313131313131313131313131313",)"
      R"("spanId":"1300000000000001","name":"ok","startTimeUnixNano":"1768473200000000000",)"
      R"("endTimeUnixNano":"1768473200100000000"}]}]}]})";
  const std::string bad = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz","spanId":"1300000000000002"}]}]}]})";
  const auto sink = read_path(dir.write("array.json", "[" + good + "," + bad + ", 7]"));
  ASSERT_EQ(sink.traces.size(), 1u) << reasons(sink);
  ASSERT_EQ(sink.skips.size(), 2u) << reasons(sink);
  EXPECT_EQ(sink.skips[0].reason,
            "[1].resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 32 hex digits (OTLP/JSON ids are hex, not "
            "base64), got 'xyz'");
  EXPECT_NE(sink.skips[1].reason.find("[2]: expected a JSON object (an ExportTraceServiceRequest), got"),
            std::string::npos)
      << sink.skips[1].reason;
}

TEST(BadInput, OneBrokenSpanRejectsItsWholeRequest) {
  // Langfuse's rule: a batch with a broken span is refused with the reason,
  // rather than mapped into a trace with holes.
  const auto sink = read_path(fixture("bad/attributes_as_map.json"));
  EXPECT_TRUE(sink.traces.empty());
  EXPECT_EQ(sink.skips.size(), 1u);
}

TEST(BadInput, BinaryGzipAndOversizedInput) {
  TempDir dir;
  {
    const auto sink = read_path(dir.write("binary.json", std::string("\x00\xff{\"resourceSpans\": [", 22)));
    ASSERT_EQ(sink.skips.size(), 1u);
    EXPECT_NE(sink.skips[0].reason.find("not valid UTF-8"), std::string::npos) << sink.skips[0].reason;
  }
  {
    const auto sink = read_path(dir.write("corrupt.json.gz", "\x1f\x8b\x08\x00garbage that is not deflate"));
    ASSERT_EQ(sink.skips.size(), 1u);
    EXPECT_NE(sink.skips[0].reason.find("gzip data is"), std::string::npos) << sink.skips[0].reason;
  }
  {
    const auto sink = read_path(dir.write("empty.json.gz", ""));
    ASSERT_EQ(sink.skips.size(), 1u);
    EXPECT_EQ(sink.skips[0].reason, "empty file (no gzip data)");
  }
  {
    // A gzip member cut in half.
    const std::string whole = gzip_bytes(read_file(fixture("sdk/agent_runs.json")), /*level=*/1);
    const auto sink = read_path(dir.write("cut.json.gz", whole.substr(0, whole.size() / 2)));
    ASSERT_EQ(sink.skips.size(), 1u);
    EXPECT_NE(sink.skips[0].reason.find("truncated"), std::string::npos) << sink.skips[0].reason;
    EXPECT_TRUE(sink.traces.empty());
  }
  {
    // Deep nesting is refused with a hint that names this source's config.
    std::string deep = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":)";
    for (int i = 0; i < 200; ++i) deep += R"({"arrayValue":{"values":[)";
    deep += R"({"intValue":1})";
    for (int i = 0; i < 200; ++i) deep += "]}}";
    deep += "}]}]}]}]}";
    const auto sink = read_path(dir.write("deep.json", deep));
    ASSERT_EQ(sink.skips.size(), 1u);
    EXPECT_NE(sink.skips[0].reason.find("otlp config"), std::string::npos) << sink.skips[0].reason;
    EXPECT_EQ(sink.skips[0].reason.find("trace-dir"), std::string::npos) << sink.skips[0].reason;
  }
  {
    const auto sink = read_path(dir / "vanished.json");
    ASSERT_EQ(sink.skips.size(), 1u);
    EXPECT_NE(sink.skips[0].reason.find("file not found"), std::string::npos);
  }
}

TEST(BadInput, RandomMutationsNeverCrash) {
  // Byte flips and cuts of a real export: every outcome is traces or skips.
  const std::string base = read_file(fixture("sdk/agent_runs.json"));
  std::mt19937 rng(20260115);
  TempDir dir;
  for (int round = 0; round < 300; ++round) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[at] = static_cast<char>(rng() % 256); break;
        case 1: text.erase(at, 1 + rng() % 40); break;
        default: text.insert(at, std::string(1 + rng() % 3, "{}[],:\"0"[rng() % 8])); break;
      }
    }
    const auto sink = read_path(dir.write("mutant.json", text));
    EXPECT_FALSE(sink.traces.empty() && sink.skips.empty()) << "round " << round << ": neither traces nor a skip";
    for (const auto& s : sink.skips) EXPECT_FALSE(s.reason.empty());
    // Whatever was read must serialize as JSON (reasons and traces go into reports).
    for (const auto& s : sink.skips) EXPECT_NO_THROW((void)dashflow::json(s.reason).dump());
    for (const auto& r : sink.traces) EXPECT_NO_THROW((void)dashflow::to_json_text(r.trace));
  }
}
