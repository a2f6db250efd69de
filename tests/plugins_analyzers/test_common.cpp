// Shared analyzer helpers: normalization, truncation, p95, evidence, config.
#include <gtest/gtest.h>

#include "dashflow/errors.hpp"
#include "dashflow_analyzers/config.hpp"
#include "dashflow_analyzers/error_text.hpp"
#include "dashflow_analyzers/evidence.hpp"
#include "dashflow_analyzers/stats.hpp"
#include "dashflow_analyzers/text.hpp"
#include "trace_builder.hpp"

using namespace dashflow;
using namespace dashflow::analyzers;
using namespace dashflow::testing_analyzers;

TEST(Normalize, ReferenceExample) {
  EXPECT_EQ(normalize_error_message("Timeout after 30s for id 9B2C1D4E-5b1d-4c8e-9a0f-2d6b8e1c4a57"),
            "timeout after <n>s for id <uuid>");
}

TEST(Normalize, QuotesStrippedOnlyForGaps) {
  EXPECT_EQ(normalize_error_message("tool 'geocode' not found", true), "tool geocode not found");
  EXPECT_EQ(normalize_error_message("tool 'geocode' not found", false), "tool 'geocode' not found");
  EXPECT_EQ(normalize_error_message("say \"hi\"", true), "say hi");
}

TEST(Normalize, WhitespaceCollapsedAndTrimmed) {
  EXPECT_EQ(normalize_error_message("  a \t\n b   c  "), "a b c");
  EXPECT_EQ(normalize_error_message(""), "");
  EXPECT_EQ(normalize_error_message("   "), "");
}

TEST(Normalize, DigitRunEndsWhereUuidStarts) {
  // The UUID regex runs first in the reference, so a digit before a UUID is its own run.
  EXPECT_EQ(normalize_error_message("x912345678-1234-1234-1234-123456789abc7"), "x<n><uuid><n>");
  EXPECT_EQ(normalize_error_message("port 8080 and 443"), "port <n> and <n>");
}

TEST(Normalize, NonAsciiKept) {
  EXPECT_EQ(normalize_error_message("Fehler in Knoten «Prüfung» 42"), "fehler in knoten «prüfung» <n>");
}

TEST(Truncate, ReferenceExample) {
  EXPECT_EQ(truncate_text("this is a long string", 10), "this is...");
  EXPECT_EQ(truncate_text("short", 10), "short");
  EXPECT_EQ(truncate_text("exactly10!", 10), "exactly10!");
}

TEST(Truncate, NeverSplitsUtf8) {
  // "ééééé" is 10 bytes; limit 8 keeps characters starting before byte 5 -> 3 characters.
  EXPECT_EQ(truncate_text("ééééé", 8), "ééé...");
  EXPECT_EQ(truncate_text("日本語のテキスト", 7), "日本...");
  EXPECT_EQ(truncate_text("abcdef", 2), "...");
}

TEST(Utf8Prefix, CountsCharacters) {
  EXPECT_EQ(utf8_first_chars("ßßßßßßßßßß", 8), "ßßßßßßßß");
  EXPECT_EQ(utf8_first_chars("abc", 8), "abc");
}

TEST(P95, NearestRank) {
  std::vector<uint32_t> v;
  for (uint32_t i = 1; i <= 20; ++i) v.push_back(i);
  EXPECT_EQ(p95_nearest_rank(v), 19u);  // the reference gives 20 (one rank high)
  v.clear();
  for (uint32_t i = 100; i >= 1; --i) v.push_back(i);
  EXPECT_EQ(p95_nearest_rank(v), 95u);
  EXPECT_EQ(p95_nearest_rank({7}), 7u);
  EXPECT_EQ(p95_nearest_rank({}), 0u);
  EXPECT_EQ(p95_nearest_rank({5, 1}), 5u);  // ceil(1.9) = 2
}

TEST(LatencyReduction, ClampedAtZero) {
  EXPECT_EQ(latency_reduction_ms(1830, 1830), 0u);
  EXPECT_EQ(latency_reduction_ms(1100, 26072), 0u);
  EXPECT_EQ(latency_reduction_ms(2000, 1500), 500u);
}

TEST(Confidence, Formulas) {
  EXPECT_DOUBLE_EQ(pattern_confidence(4, 4), 0.5 + 0.3 * 0.4 + 0.2 * 0.5);
  EXPECT_DOUBLE_EQ(pattern_confidence(3, 0), 0.5 + 0.3 * 0.3);
  EXPECT_DOUBLE_EQ(degradation_confidence(100, 6), 0.4 + 0.4 + 0.2 * 6.0 / 50.0);
  EXPECT_DOUBLE_EQ(degradation_confidence(500, 100), 1.0);
}

TEST(ImpactPresets, Values) {
  const Impact h = impact_high("h"), m = impact_medium("m"), l = impact_low("l");
  EXPECT_EQ(h.error_reduction, 0.8);
  EXPECT_EQ(h.latency_reduction_ms, 400);
  EXPECT_EQ(m.accuracy_improvement, 0.4);
  EXPECT_EQ(m.latency_reduction_ms, 200);
  EXPECT_EQ(l.error_reduction, 0.1);
  EXPECT_EQ(l.description, "l");
}

TEST(ToolNames, MissingToolRegexes) {
  EXPECT_EQ(extract_missing_tool_name("tool 'geocode' not found"), "geocode");
  EXPECT_EQ(extract_missing_tool_name("function \"lookup\" is undefined"), "lookup");
  EXPECT_EQ(extract_missing_tool_name("'weather' not found"), "weather");
  EXPECT_EQ(extract_missing_tool_name("something not found"), "");
  EXPECT_TRUE(mentions_missing_tool("x not found"));
  EXPECT_FALSE(mentions_missing_tool("Not Found"));  // case-sensitive on the raw message
}

TEST(ToolNames, RetrospectiveExtraction) {
  EXPECT_EQ(extract_tool_name_from_error("tool 'geocode' not found"), "geocode");
  EXPECT_EQ(extract_tool_name_from_error("tool 'two words' not found"), "unknown_tool");
  EXPECT_EQ(extract_tool_name_from_error("service \"maps\" unavailable"), "maps");
  EXPECT_EQ(extract_tool_name_from_error("`calc` not implemented"), "calc");
  EXPECT_EQ(extract_tool_name_from_error("nothing quoted not found"), "unknown_tool");
}

TEST(Evidence, KeepsEarliestThreeInTimeOrder) {
  EvidenceSet e;
  const auto t = make_trace({{"a", 1}}, {}, "exec-late");
  e.offer(t, origin("f5.json", 500));
  e.offer(t, origin("f1.json", 100));
  e.offer(t, origin("f4.json", 400));
  e.offer(t, origin("f2.json", 100));  // same time: file name decides
  e.offer(t, origin("f2.json", 100));  // the same trace twice counts once
  e.offer(t, origin("f0.json", 0));
  ASSERT_EQ(e.refs().size(), 3u);
  EXPECT_EQ(e.refs()[0].source, "f0.json");
  EXPECT_EQ(e.refs()[1].source, "f1.json");
  EXPECT_EQ(e.refs()[2].source, "f2.json");
  EXPECT_EQ(EvidenceSet::from_json(e.to_json()), e);
}

TEST(Evidence, MergeIsOrderIndependent) {
  const auto t = make_trace({{"a", 1}});
  EvidenceSet a, b, c;
  for (int i = 0; i < 5; ++i) a.offer(t, origin("a" + std::to_string(i), 10 * i));
  for (int i = 0; i < 5; ++i) b.offer(t, origin("b" + std::to_string(i), 10 * i + 5));
  c = a;
  c.merge(b);
  b.merge(a);
  EXPECT_EQ(b, c);
  EXPECT_EQ(c.refs()[1].source, "b0");
}

TEST(Citation, TraceCitationShape) {
  TraceRef r;
  r.thread_id = "session-42";
  r.execution_id = "7f3c2a9e-5b1d-4c8e-9a0f-2d6b8e1c4a57";
  r.started_at_ms = 1765794600100;
  r.source = "traces/x.json";
  const Citation c = trace_citation(r);
  EXPECT_EQ(c.id, "trace-7f3c2a9e");
  const auto& src = std::get<CitationSource::ExecutionTrace>(c.source_type.value);
  EXPECT_EQ(src.thread_id, "session-42");
  EXPECT_EQ(src.timestamp, "2025-12-15T10:30:00.100Z");
  EXPECT_EQ(c.retrieval.kind, CitationRetrieval::Kind::TraceStorage);
  EXPECT_EQ(c.retrieval.value, "thread_id = 'session-42'");
}

TEST(Citation, FileCitationWithoutIdsIsUtf8Safe) {
  TraceRef r;
  r.source = "/data/traces/ßßßßßßßßßß.json";
  const Citation c = trace_citation(r);
  EXPECT_EQ(c.id, "trace-ßßßßßßßß");
  EXPECT_EQ(c.retrieval.kind, CitationRetrieval::Kind::File);
  EXPECT_EQ(c.retrieval.value, r.source);
}

TEST(Citation, AggregationIdIsStable) {
  EXPECT_EQ(aggregation_citation("q", "s").id, aggregation_citation("q", "s").id);
  EXPECT_NE(aggregation_citation("q", "s").id, aggregation_citation("q", "t").id);
  EXPECT_EQ(aggregation_citation("q", "s").id.size(), 12u);
}

TEST(Config, DefaultsTypesAndRanges) {
  const json cfg = json::parse(R"({"n": 5, "x": 0.5, "b": false, "l": ["a", "b"], "bad": "text", "neg": -1})");
  EXPECT_EQ(config_uint(cfg, "n", 1), 5u);
  EXPECT_EQ(config_uint(cfg, "missing", 7), 7u);
  EXPECT_DOUBLE_EQ(config_number(cfg, "x", 0.1, 0, 1), 0.5);
  EXPECT_FALSE(config_bool(cfg, "b", true));
  EXPECT_EQ(config_strings(cfg, "l"), (std::vector<std::string>{"a", "b"}));
  EXPECT_THROW(config_uint(cfg, "bad", 1), ConfigError);
  EXPECT_THROW(config_uint(cfg, "neg", 1), ConfigError);
  EXPECT_THROW(config_number(cfg, "n", 0.1, 0, 1), ConfigError);
  EXPECT_THROW(config_strings(cfg, "n"), ConfigError);
}
