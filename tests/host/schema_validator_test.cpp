// The JSON Schema subset validator that guards every plugin's config.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/schema_validator.hpp"

using dashflow::host::apply_schema_defaults;
using dashflow::host::check_schema_supported;
using dashflow::host::SchemaIssue;
using dashflow::host::validate_against_schema;
using nlohmann::json;

namespace {

std::string all(const std::vector<SchemaIssue>& issues) {
  std::string s;
  for (const auto& i : issues) s += i.to_string() + "\n";
  return s;
}

const json kThresholds = json::parse(R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["min_error_count"],
  "properties": {
    "min_error_count": {"type": "integer", "minimum": 1, "maximum": 100, "default": 3},
    "min_error_rate": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.1},
    "mode": {"type": "string", "enum": ["fast", "thorough"], "default": "fast"},
    "label": {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"},
    "enabled": {"type": "boolean"},
    "nullable": {"type": ["string", "null"]},
    "version": {"const": 2},
    "nodes": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
    "nested": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "depth": {"type": "integer", "default": 2},
        "inner": {"type": "object", "additionalProperties": false,
                  "properties": {"flag": {"type": "boolean", "default": true}}}
      }
    },
    "labels": {"type": "object", "additionalProperties": {"type": "string"}}
  }
})");

TEST(SchemaValidator, ValidDocumentHasNoIssues) {
  json v = {{"min_error_count", 5},       {"min_error_rate", 0.5},         {"mode", "thorough"},
            {"label", "abc"},             {"enabled", false},              {"nullable", nullptr},
            {"version", 2},               {"nodes", {"a", "b"}},           {"nested", {{"depth", 4}}},
            {"labels", {{"k", "v"}}}};
  auto issues = validate_against_schema(v, kThresholds);
  EXPECT_TRUE(issues.empty()) << all(issues);
}

TEST(SchemaValidator, TypeMismatchNamesPathExpectedAndActual) {
  auto issues = validate_against_schema({{"min_error_count", "five"}}, kThresholds);
  ASSERT_EQ(issues.size(), 1u) << all(issues);
  EXPECT_EQ(issues[0].path, "/min_error_count");
  EXPECT_NE(issues[0].message.find("expected integer"), std::string::npos) << issues[0].message;
  EXPECT_NE(issues[0].message.find("string"), std::string::npos) << issues[0].message;
}

TEST(SchemaValidator, IntegerVersusNumber) {
  EXPECT_FALSE(validate_against_schema({{"min_error_count", 2.5}}, kThresholds).empty());
  EXPECT_TRUE(validate_against_schema({{"min_error_count", 2.0}}, kThresholds).empty());
  EXPECT_TRUE(validate_against_schema({{"min_error_count", 2}, {"min_error_rate", 0.25}}, kThresholds).empty());
  // A boolean is not a number, nor an integer.
  EXPECT_FALSE(validate_against_schema({{"min_error_count", true}}, kThresholds).empty());
  EXPECT_FALSE(validate_against_schema({{"min_error_count", 2}, {"min_error_rate", true}}, kThresholds).empty());
}

TEST(SchemaValidator, TypeUnion) {
  EXPECT_TRUE(validate_against_schema({{"min_error_count", 1}, {"nullable", "x"}}, kThresholds).empty());
  EXPECT_TRUE(validate_against_schema({{"min_error_count", 1}, {"nullable", nullptr}}, kThresholds).empty());
  auto issues = validate_against_schema({{"min_error_count", 1}, {"nullable", 3}}, kThresholds);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].message.find("string or null"), std::string::npos) << issues[0].message;
}

TEST(SchemaValidator, EnumAndConst) {
  auto issues = validate_against_schema({{"min_error_count", 1}, {"mode", "slow"}}, kThresholds);
  ASSERT_EQ(issues.size(), 1u) << all(issues);
  EXPECT_EQ(issues[0].path, "/mode");
  EXPECT_NE(issues[0].message.find("\"slow\""), std::string::npos);
  EXPECT_NE(issues[0].message.find("fast"), std::string::npos) << "lists the allowed values: " << issues[0].message;
  EXPECT_FALSE(validate_against_schema({{"min_error_count", 1}, {"version", 3}}, kThresholds).empty());
}

TEST(SchemaValidator, MinimumMaximumInclusive) {
  EXPECT_TRUE(validate_against_schema({{"min_error_count", 1}}, kThresholds).empty());
  EXPECT_TRUE(validate_against_schema({{"min_error_count", 100}}, kThresholds).empty());
  auto below = validate_against_schema({{"min_error_count", 0}}, kThresholds);
  ASSERT_EQ(below.size(), 1u);
  EXPECT_NE(below[0].message.find("minimum"), std::string::npos) << below[0].message;
  auto above = validate_against_schema({{"min_error_count", 101}}, kThresholds);
  ASSERT_EQ(above.size(), 1u);
  EXPECT_NE(above[0].message.find("maximum"), std::string::npos) << above[0].message;
}

TEST(SchemaValidator, ExclusiveBounds) {
  EXPECT_FALSE(validate_against_schema({{"min_error_count", 1}, {"min_error_rate", 0}}, kThresholds).empty());
  EXPECT_FALSE(validate_against_schema({{"min_error_count", 1}, {"min_error_rate", 1}}, kThresholds).empty());
  EXPECT_TRUE(validate_against_schema({{"min_error_count", 1}, {"min_error_rate", 0.999}}, kThresholds).empty());
}

TEST(SchemaValidator, StringLengthAndPattern) {
  EXPECT_FALSE(validate_against_schema({{"min_error_count", 1}, {"label", "a"}}, kThresholds).empty());
  EXPECT_FALSE(validate_against_schema({{"min_error_count", 1}, {"label", "abcdef"}}, kThresholds).empty());
  auto issues = validate_against_schema({{"min_error_count", 1}, {"label", "AB"}}, kThresholds);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].message.find("pattern"), std::string::npos);
}

TEST(SchemaValidator, InvalidPatternIsAnIssueNotACrash) {
  json schema = {{"type", "string"}, {"pattern", "([a-z"}};
  auto issues = validate_against_schema("abc", schema);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].message.find("not a valid regular expression"), std::string::npos);
}

TEST(SchemaValidator, RequiredKeyMissing) {
  auto issues = validate_against_schema(json::object(), kThresholds);
  ASSERT_EQ(issues.size(), 1u) << all(issues);
  EXPECT_NE(issues[0].message.find("missing required key 'min_error_count'"), std::string::npos) << issues[0].message;
}

TEST(SchemaValidator, UnknownKeyIsNamedWithSuggestion) {
  auto issues = validate_against_schema({{"min_error_count", 1}, {"min_eror_rate", 0.2}}, kThresholds);
  ASSERT_EQ(issues.size(), 1u) << all(issues);
  EXPECT_NE(issues[0].message.find("unknown key 'min_eror_rate'"), std::string::npos) << issues[0].message;
  EXPECT_NE(issues[0].message.find("did you mean 'min_error_rate'"), std::string::npos) << issues[0].message;
}

TEST(SchemaValidator, UnknownKeyFarFromEverythingHasNoSuggestion) {
  auto issues = validate_against_schema({{"min_error_count", 1}, {"completely_different", 1}}, kThresholds);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].message.find("unknown key 'completely_different'"), std::string::npos);
  EXPECT_EQ(issues[0].message.find("did you mean"), std::string::npos) << issues[0].message;
}

TEST(SchemaValidator, AdditionalPropertiesAllowedByDefault) {
  json open = {{"type", "object"}, {"properties", {{"a", {{"type", "integer"}}}}}};
  EXPECT_TRUE(validate_against_schema({{"a", 1}, {"anything", "goes"}}, open).empty());
}

TEST(SchemaValidator, AdditionalPropertiesSchemaValidatesValues) {
  auto issues = validate_against_schema({{"min_error_count", 1}, {"labels", {{"k", 1}}}}, kThresholds);
  ASSERT_EQ(issues.size(), 1u) << all(issues);
  EXPECT_EQ(issues[0].path, "/labels/k");
}

TEST(SchemaValidator, NestedObjectsReportFullPath) {
  auto issues = validate_against_schema(
      {{"min_error_count", 1}, {"nested", {{"depth", "deep"}, {"inner", {{"flag", 1}, {"flagg", true}}}}}},
      kThresholds);
  ASSERT_EQ(issues.size(), 3u) << all(issues);
  std::string text = all(issues);
  EXPECT_NE(text.find("/nested/depth: expected integer"), std::string::npos) << text;
  EXPECT_NE(text.find("/nested/inner/flag: expected boolean"), std::string::npos) << text;
  EXPECT_NE(text.find("/nested/inner: unknown key 'flagg' (did you mean 'flag'?)"), std::string::npos) << text;
}

TEST(SchemaValidator, ArraysItemsAndCounts) {
  auto bad_item = validate_against_schema({{"min_error_count", 1}, {"nodes", {"a", 2}}}, kThresholds);
  ASSERT_EQ(bad_item.size(), 1u) << all(bad_item);
  EXPECT_EQ(bad_item[0].path, "/nodes/1");
  EXPECT_FALSE(validate_against_schema({{"min_error_count", 1}, {"nodes", json::array()}}, kThresholds).empty());
  EXPECT_FALSE(validate_against_schema({{"min_error_count", 1}, {"nodes", {"a", "b", "c", "d"}}}, kThresholds).empty());
}

TEST(SchemaValidator, EveryProblemIsReported) {
  auto issues = validate_against_schema({{"min_error_count", 0}, {"mode", "x"}, {"bogus", 1}}, kThresholds);
  EXPECT_EQ(issues.size(), 3u) << all(issues);
}

TEST(SchemaValidator, TopLevelTypeMismatch) {
  auto issues = validate_against_schema(json::array(), kThresholds);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].to_string().substr(0, 2), "/:");
}

// kThresholds without its type-union property (covered separately by
// TypeUnionWithoutDefaultDoesNotThrow).
json defaults_schema() {
  json s = kThresholds;
  s["properties"].erase("nullable");
  return s;
}

TEST(SchemaDefaults, FilledWhereAbsentKeptWhereGiven) {
  const json kThresholds = defaults_schema();
  json filled = apply_schema_defaults({{"min_error_count", 7}}, kThresholds);
  EXPECT_EQ(filled["min_error_count"], 7);
  EXPECT_EQ(filled["min_error_rate"], 0.1);
  EXPECT_EQ(filled["mode"], "fast");
  EXPECT_FALSE(filled.contains("label")) << "no default, not invented";
  // Nested defaults, also for an absent nested object.
  EXPECT_EQ(filled["nested"]["depth"], 2);
  EXPECT_EQ(filled["nested"]["inner"]["flag"], true);
  json partial = apply_schema_defaults({{"nested", {{"depth", 9}}}}, kThresholds);
  EXPECT_EQ(partial["nested"]["depth"], 9);
  EXPECT_EQ(partial["nested"]["inner"]["flag"], true);
}

TEST(SchemaDefaults, NullDocumentBecomesObjectWithDefaults) {
  const json kThresholds = defaults_schema();
  json filled = apply_schema_defaults(nullptr, kThresholds);
  ASSERT_TRUE(filled.is_object());
  EXPECT_EQ(filled["min_error_count"], 3);
}

TEST(SchemaDefaults, FilledDefaultsValidate) {
  const json kThresholds = defaults_schema();
  json filled = apply_schema_defaults(json::object(), kThresholds);
  auto issues = validate_against_schema(filled, kThresholds);
  EXPECT_TRUE(issues.empty()) << all(issues);
}

// BUG (host/src/config/schema_validator.cpp, apply_schema_defaults, the
// `it.value().value("type", "")` and `schema.value("type", "")` calls):
// nlohmann's value(key, default) throws type_error 302 when "type" holds an
// array, so a schema with a type union ("type": ["string", "null"]) on a
// property without a default makes apply_schema_defaults throw, although
// validate_against_schema supports unions. Fix: test
// `it.value().contains("type") && it.value()["type"] == "object"` instead of
// value("type", "").
TEST(SchemaDefaults, TypeUnionWithoutDefaultDoesNotThrow) {
  json schema = json::parse(R"({"type": "object", "properties": {"maybe": {"type": ["string", "null"]}}})");
  EXPECT_NO_THROW({
    json filled = apply_schema_defaults(json::object(), schema);
    EXPECT_FALSE(filled.contains("maybe"));
  });
  json top = json::parse(R"({"type": ["object", "null"], "properties": {"a": {"default": 1}}})");
  EXPECT_NO_THROW(apply_schema_defaults(nullptr, top));
}

TEST(SchemaSupported, KnownKeywordsPass) {
  auto issues = check_schema_supported(kThresholds);
  EXPECT_TRUE(issues.empty()) << all(issues);
}

TEST(SchemaSupported, UnsupportedKeywordsAreNamedWithPath) {
  json schema = json::parse(R"({
    "type": "object",
    "properties": {
      "a": {"type": "string", "format": "email"},
      "b": {"type": "array", "items": {"oneOf": [{"type": "string"}]}},
      "c": {"type": "object", "additionalProperties": {"$ref": "#/x"}}
    },
    "patternProperties": {"^x": {}}
  })");
  auto issues = check_schema_supported(schema);
  std::string text = all(issues);
  EXPECT_EQ(issues.size(), 4u) << text;
  EXPECT_NE(text.find("/: schema keyword 'patternProperties' is not supported"), std::string::npos) << text;
  EXPECT_NE(text.find("/properties/a: schema keyword 'format'"), std::string::npos) << text;
  EXPECT_NE(text.find("/properties/b/items: schema keyword 'oneOf'"), std::string::npos) << text;
  EXPECT_NE(text.find("/properties/c/additionalProperties: schema keyword '$ref'"), std::string::npos) << text;
}

TEST(SchemaSupported, NonObjectSchemaIsAnIssue) {
  EXPECT_FALSE(check_schema_supported(json::array()).empty());
  EXPECT_FALSE(check_schema_supported(json::parse(R"({"properties": {"a": 5}})")).empty());
}

// BUG (host/src/config/schema_validator.cpp, check_supported): only keyword
// names are checked, not their values. A manifest whose schema says
// "minimum": "1" (or "required": [1], "type": 5) passes discovery, and then
// validate_against_schema throws nlohmann::json::type_error (m->get<double>())
// when a user's config is validated, surfacing as an "internal" error instead
// of a manifest problem reported by `plugins list/check`. Fix: in
// check_supported, verify value types (type: string|array of strings;
// minimum/maximum/exclusive*: number; min/maxLength, min/maxItems:
// non-negative integer; required: array of strings; pattern: string that
// compiles; enum: array; properties: object; items/additionalProperties:
// object or boolean).
TEST(SchemaSupported, KeywordValuesOfTheWrongTypeAreIssues) {
  for (const char* text : {R"({"type": "integer", "minimum": "1"})", R"({"type": 5})",
                           R"({"type": "object", "required": [1]})", R"({"type": "string", "maxLength": "x"})",
                           R"({"type": "array", "items": 3})"}) {
    json schema = json::parse(text);
    EXPECT_FALSE(check_schema_supported(schema).empty()) << text;
  }
}

// Whatever check_schema_supported accepts, validation must never throw.
// (Bad keyword values are refused by check_schema_supported.)
TEST(SchemaValidator, NeverThrowsForSupportedSchemas) {
  for (const char* text : {R"({"type": "integer", "minimum": "1"})", R"({"type": "object", "required": [1]})",
                           R"({"type": ["string", 3]})"}) {
    json schema = json::parse(text);
    if (!check_schema_supported(schema).empty()) continue;  // refused up front: fine
    EXPECT_NO_THROW(validate_against_schema(json::parse(R"(5)"), schema)) << text;
    EXPECT_NO_THROW(validate_against_schema(json::object(), schema)) << text;
  }
}

}  // namespace
