// Malformed input gives a JsonError whose path names the field.
#include <gtest/gtest.h>

#include "dashflow/json.hpp"

namespace {

using namespace dashflow;

const char* kTrace = R"({
  "nodes_executed": [
    {"node": "a", "duration_ms": 1, "tokens_used": 0, "tools_called": [], "success": true, "index": 0, "metadata": {}},
    {"node": "b", "duration_ms": 2, "tokens_used": 0, "tools_called": [], "success": true, "index": 1, "metadata": {}}
  ],
  "total_duration_ms": 3, "total_tokens": 0, "errors": [], "completed": true, "metadata": {}
})";

// Reads `j` as T and returns the JsonError it must throw.
template <class T>
JsonError error_of(const json& j) {
  try {
    from_json_text<T>(j.dump());
  } catch (const JsonError& e) {
    return e;
  }
  ADD_FAILURE() << "no JsonError for " << j.dump();
  return JsonError("", "");
}

TEST(JsonErrors, MissingRequiredFieldInArrayElement) {
  json j = json::parse(kTrace);
  j["nodes_executed"][1].erase("duration_ms");
  const auto e = error_of<ExecutionTrace>(j);
  EXPECT_EQ(e.path(), "nodes_executed[1].duration_ms");
  EXPECT_STREQ(e.what(), "nodes_executed[1].duration_ms: missing required field");
}

TEST(JsonErrors, StringWhereUnsignedExpected) {
  json j = json::parse(kTrace);
  j["nodes_executed"][1]["duration_ms"] = "12";
  EXPECT_STREQ(error_of<ExecutionTrace>(j).what(), "nodes_executed[1].duration_ms: expected an unsigned integer, got string");
}

TEST(JsonErrors, NegativeAndFloatForU64) {
  json j = json::parse(kTrace);
  j["total_tokens"] = -5;
  EXPECT_STREQ(error_of<ExecutionTrace>(j).what(), "total_tokens: expected an unsigned integer, got negative integer");
  j["total_tokens"] = 1.5;
  EXPECT_STREQ(error_of<ExecutionTrace>(j).what(), "total_tokens: expected an unsigned integer, got float");
}

TEST(JsonErrors, MissingTopLevelRequiredFields) {
  for (const char* field : {"nodes_executed", "total_duration_ms", "total_tokens", "errors", "completed", "metadata"}) {
    json j = json::parse(kTrace);
    j.erase(field);
    const auto e = error_of<ExecutionTrace>(j);
    EXPECT_EQ(e.path(), field);
    EXPECT_NE(std::string(e.what()).find("missing required field"), std::string::npos) << e.what();
  }
}

TEST(JsonErrors, WrongContainerTypes) {
  json j = json::parse(kTrace);
  j["nodes_executed"] = json::object();
  EXPECT_STREQ(error_of<ExecutionTrace>(j).what(), "nodes_executed: expected an array, got object");
  j = json::parse(kTrace);
  j["metadata"] = "x";
  EXPECT_STREQ(error_of<ExecutionTrace>(j).what(), "metadata: expected an object, got string");
  j = json::parse(kTrace);
  j["nodes_executed"][0]["tools_called"] = json::array({"ok", 3});
  EXPECT_STREQ(error_of<ExecutionTrace>(j).what(), "nodes_executed[0].tools_called[1]: expected a string, got integer");
  EXPECT_STREQ(error_of<ExecutionTrace>(json::array()).what(), "expected an object, got array");
}

TEST(JsonErrors, BoolFieldGivenAsString) {
  json j = json::parse(kTrace);
  j["completed"] = "true";
  EXPECT_STREQ(error_of<ExecutionTrace>(j).what(), "completed: expected a boolean, got string");
}

TEST(JsonErrors, UnknownEnumVariant) {
  const json plan = json::parse(R"({"id":"x","title":"t","description":"d","category":"Speed","priority":1,
    "estimated_commits":1,"steps":[],"success_criteria":[],"rollback_plan":"","dependencies":[],"citations":[],
    "validation_score":0.0,"status":"Proposed"})");
  const auto e = error_of<ExecutionPlan>(plan);
  EXPECT_EQ(e.path(), "category");
  EXPECT_NE(std::string(e.what()).find("unknown variant 'Speed'"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("ApplicationImprovement"), std::string::npos) << e.what();
}

TEST(JsonErrors, StructVariantMissingField) {
  const json plan = json::parse(R"({"id":"x","title":"t","description":"d","category":"Optimization","priority":1,
    "estimated_commits":1,"steps":[],"success_criteria":[],"rollback_plan":"","dependencies":[],"citations":[],
    "validation_score":0.0,"status":{"InProgress":{"started":"2025-12-16T09:00:00Z"}}})");
  EXPECT_STREQ(error_of<ExecutionPlan>(plan).what(), "status.InProgress.assignee: missing required field");
}

TEST(JsonErrors, PriorityOutOfU8Range) {
  const json plan = json::parse(R"({"id":"x","title":"t","description":"d","category":"Optimization","priority":300,
    "estimated_commits":1,"steps":[],"success_criteria":[],"rollback_plan":"","dependencies":[],"citations":[],
    "validation_score":0.0,"status":"Proposed"})");
  EXPECT_STREQ(error_of<ExecutionPlan>(plan).what(), "priority: expected an integer 0..255, got 300 (too large)");
}

TEST(JsonErrors, TaggedEnumShapeErrors) {
  EXPECT_STREQ(error_of<PlanStatus>(json::parse(R"({"A":1,"B":2})")).what(),
               "expected an externally tagged enum (a string, or an object with exactly one key), got object");
  EXPECT_STREQ(error_of<PlanStatus>(json("InProgress")).what(), "variant 'InProgress' needs an object body, got a bare string");
  EXPECT_STREQ(error_of<PlanStatus>(json::parse(R"({"Failed":"why"})")).what(), "Failed: expected an object, got string");
  EXPECT_STREQ(error_of<EvaluationTrigger>(json::parse(R"({"AfterExecutions":"50"})")).what(),
               "AfterExecutions: expected an unsigned integer, got string");
  EXPECT_STREQ(error_of<EvaluationTrigger>(json::parse(R"({"AfterDuration":[1]})")).what(),
               "AfterDuration: expected an array of two integers, got array");
  EXPECT_STREQ(error_of<PlanStatus>(json::parse(R"({"Proposed":{"x":1}})")).what(),
               "Proposed: unit variant takes no value, got object");
}

TEST(JsonErrors, DeepPathThroughReport) {
  json report = json::parse(R"({"id":"r","timestamp":"2025-12-15T10:31:07Z","scope":"System",
    "execution_summary":{"total_executions":1,"successful_executions":1,"failed_executions":0,"success_rate":1.0,
      "avg_duration_ms":1.0,"total_tokens":0,"avg_tokens":0.0,"retry_rate":0.0,"vs_previous":null},
    "capability_gaps":[{"description":"d","evidence":[{"id":"c","source_type":{"ExecutionTrace":{"thread_id":"t"}},
      "description":"x","retrieval":{"Inline":{"data":"y"}}}],"manifestation":{"MissingContext":{"what":"w"}},
      "proposed_solution":"s","expected_impact":{"error_reduction":0,"latency_reduction_ms":0,"accuracy_improvement":0,
      "description":""},"confidence":0.5,"category":{"MissingNode":{"suggested_signature":"f"}}}],
    "deprecations":[],"retrospective":{"actual_execution":{"total_executions":1,"successful_executions":1,
      "failed_executions":0,"success_rate":1.0,"avg_duration_ms":1.0,"total_tokens":0,"avg_tokens":0.0,"retry_rate":0.0},
      "counterfactuals":[],"missing_tools":[],"application_insights":[],"task_insights":[],"platform_insights":[]},
    "proposals":[],"execution_plans":[],"hypotheses":[],"citations":[]})");
  EXPECT_STREQ(error_of<IntrospectionReport>(report).what(),
               "capability_gaps[0].evidence[0].source_type.ExecutionTrace.timestamp: missing required field");
}

TEST(JsonErrors, SyntaxError) {
  try {
    from_json_text<ExecutionTrace>("{\"nodes_executed\": [");
    FAIL() << "no error";
  } catch (const JsonError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid JSON"), std::string::npos) << e.what();
  }
}

TEST(JsonErrors, OptionalNullIsUnsetButWrongTypeIsAnError) {
  json j = json::parse(kTrace);
  j["thread_id"] = nullptr;
  EXPECT_FALSE(from_json_text<ExecutionTrace>(j.dump()).thread_id.has_value());
  j["thread_id"] = 42;
  EXPECT_STREQ(error_of<ExecutionTrace>(j).what(), "thread_id: expected a string, got integer");
}

}  // namespace
