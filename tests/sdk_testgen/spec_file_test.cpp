// The JSON spec file: versioned, ASCII, round-trips every string exactly,
// and rejects what it cannot honour with the path of the bad field.
#include <gtest/gtest.h>

#include "dashflow/testgen.hpp"

namespace {

using namespace dashflow;
using namespace dashflow::testgen;

const std::string kNasty = "q\"uote \\back\\slash\nnew\tline caf\xc3\xa9 \xe5\xa4\x9a \xf0\x9f\x9a\x80 ?\?= */";

SpecFile sample() {
  SpecFile f;
  f.generated_at = "2025-12-15T10:31:07Z";
  f.generator = {{"tool", "dashflow test"}};
  TestSpec a;
  a.name = "weather_bot_1";
  a.description = "from " + kNasty;
  a.match.graph_name = kNasty;
  a.source = {"/traces/t1.json", std::string("exec-1"), std::nullopt, std::string("2025-12-15T10:30:00Z"), 3};
  a.steps = {{"planner", {}}, {kNasty, {"search", kNasty}}, {"respond", {}}};
  a.timing = TimingSpec{1.5, 50, 900, {{"planner", 300}, {kNasty, 120}}};
  TestSpec b;
  b.name = "planner_1";
  b.match.entry_node = "planner";
  b.steps = {{"planner", {}}};
  f.tests = {a, b};
  return f;
}

TEST(SpecFile, RoundTripsNastyStringsExactly) {
  const SpecFile f = sample();
  const std::string text = spec_file_to_json(f);
  for (unsigned char c : text) ASSERT_LT(c, 0x80) << "spec JSON must be ASCII";
  const SpecFile back = parse_spec_file(text, "mem");
  EXPECT_EQ(back.tests, f.tests);
  EXPECT_EQ(back.generated_at, f.generated_at);
  EXPECT_EQ(back.generator, f.generator);
  EXPECT_EQ(back.schema_version, kSpecSchemaVersion);
  const json j = json::parse(text);
  EXPECT_EQ(j["_schema_version"], 1);
  EXPECT_EQ(j["kind"], kSpecKind);
  EXPECT_EQ(j["tests"][0]["expect"]["steps"][1]["node"], kNasty);
  EXPECT_TRUE(j["tests"][1]["match"]["graph_name"].is_null());
  EXPECT_EQ(j["tests"][1]["match"]["entry_node"], "planner");
  EXPECT_FALSE(j["tests"][1]["expect"].contains("timing"));
}

TEST(SpecFile, FindByName) {
  const SpecFile f = sample();
  ASSERT_NE(f.find("planner_1"), nullptr);
  EXPECT_EQ(f.find("planner_1")->steps.size(), 1u);
  EXPECT_EQ(f.find("nope"), nullptr);
}

std::string error_of(const std::string& text) {
  try {
    parse_spec_file(text, "tests.json");
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(no error)";
}

json valid() { return json::parse(spec_file_to_json(sample())); }

TEST(SpecFile, RejectsWithPathOfTheBadField) {
  EXPECT_NE(error_of("{not json").find("tests.json: not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of("[]"), "tests.json: expected an object, got array");

  json j = valid();
  j.erase("_schema_version");
  EXPECT_NE(error_of(j.dump()).find("tests.json: _schema_version: missing required field"), std::string::npos);

  j = valid();
  j["_schema_version"] = 2;
  EXPECT_NE(error_of(j.dump()).find("written by a newer dashflow"), std::string::npos) << error_of(j.dump());

  j = valid();
  j["kind"] = "something-else";
  EXPECT_NE(error_of(j.dump()).find("tests.json: kind: expected \"dashflow-regression-tests\""), std::string::npos);

  j = valid();
  j["tests"][0]["expect"]["sucess"] = true;  // typo must not switch a check off
  EXPECT_NE(error_of(j.dump()).find("tests.json: tests[0].expect.sucess: unknown key"), std::string::npos)
      << error_of(j.dump());

  j = valid();
  j["tests"][0]["expect"]["steps"][1].erase("node");
  EXPECT_EQ(error_of(j.dump()), "tests.json: tests[0].expect.steps[1].node: missing required field");

  j = valid();
  j["tests"][0]["expect"]["steps"][0]["tools"] = "search";
  EXPECT_EQ(error_of(j.dump()), "tests.json: tests[0].expect.steps[0].tools: expected an array, got string");

  j = valid();
  j["tests"][1]["name"] = "planner-1";
  EXPECT_NE(error_of(j.dump()).find("tests.json: tests[1].name: 'planner-1' is not a valid C++ identifier"),
            std::string::npos);

  j = valid();
  j["tests"][1]["name"] = "weather_bot_1";
  EXPECT_NE(error_of(j.dump()).find("tests[1].name: 'weather_bot_1' is used by an earlier test"), std::string::npos);

  j = valid();
  j["tests"][0]["expect"]["error_count"] = 2;
  EXPECT_NE(error_of(j.dump()).find("tests[0].expect.error_count: is 2 but success is true"), std::string::npos);

  j = valid();
  j["tests"][1]["match"].erase("entry_node");
  EXPECT_EQ(error_of(j.dump()), "tests.json: tests[1].match.entry_node: missing required field");

  j = valid();
  j["tests"][0]["match"]["graph_name"] = "";
  EXPECT_NE(error_of(j.dump()).find("tests[0].match.graph_name: must not be empty"), std::string::npos);

  j = valid();
  j["tests"][0]["expect"]["timing"]["tolerance"] = -1;
  EXPECT_NE(error_of(j.dump()).find("tests[0].expect.timing.tolerance: must be a finite number >= 0"), std::string::npos);

  j = valid();
  j["tests"][0]["expect"]["timing"]["node_max_ms"]["planner"] = "fast";
  EXPECT_NE(error_of(j.dump()).find("tests[0].expect.timing.node_max_ms.planner: expected an unsigned integer"),
            std::string::npos)
      << error_of(j.dump());
}

TEST(SpecFile, ReadsFromDiskAndNamesMissingFile) {
  EXPECT_THROW(read_spec_file("/nonexistent/tests.json"), SpecError);
  try {
    read_spec_file("/nonexistent/tests.json");
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tests.json"), std::string::npos);
  }
}

TEST(SpecFile, FlowKeysCompareOnIdentityOnly) {
  FlowKey a{std::string("g"), "x"}, b{std::string("g"), "y"};
  EXPECT_EQ(a, b);  // entry node ignored when a graph name is set
  EXPECT_FALSE(a < b || b < a);
  FlowKey c{std::nullopt, "x"}, d{std::nullopt, "y"};
  EXPECT_FALSE(c == d);
  EXPECT_EQ(c.describe(), "unnamed graph starting at node 'x'");
  EXPECT_EQ(a.describe(), "graph 'g'");
}

TEST(SpecFile, FlowOfTrace) {
  ExecutionTrace t;
  t.nodes_executed.resize(1);
  t.nodes_executed[0].node = "planner";
  EXPECT_EQ(flow_of(t), (FlowKey{std::nullopt, "planner"}));
  t.metadata.text = R"({"graph_name": "bot", "checkpoint_count": 0})";
  EXPECT_EQ(flow_of(t), (FlowKey{std::string("bot"), ""}));
  t.metadata.text = R"({"graph_name": ""})";
  EXPECT_EQ(flow_of(t), (FlowKey{std::nullopt, "planner"}));
  t.metadata.text = R"({"graph_name": 7})";
  EXPECT_EQ(flow_of(t), (FlowKey{std::nullopt, "planner"}));
  t.metadata.text = "not json";
  EXPECT_EQ(flow_of(t), (FlowKey{std::nullopt, "planner"}));
}

}  // namespace
