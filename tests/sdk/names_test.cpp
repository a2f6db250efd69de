// Display names and the lenient string parsers (dashflow-core.md §2.1, §2.5, §2.7).
#include <gtest/gtest.h>

#include "dashflow/json.hpp"

namespace {

using namespace dashflow;

TEST(Names, DisplayNames) {
  EXPECT_EQ(to_string(Priority::High), "High");
  EXPECT_EQ(to_string(PlanCategory::ApplicationImprovement), "ApplicationImprovement");
  EXPECT_EQ(to_string(Assessment::StronglyDisagree), "StronglyDisagree");
  EXPECT_EQ(to_string(CritiqueSeverity::Moderate), "Moderate");
  EXPECT_EQ(to_string(AlertSeverity::Warning), "Warning");
  EXPECT_EQ(to_string(AnalysisDepth::DeepAnalysis), "DeepAnalysis");
  EXPECT_EQ(status_name(PlanStatus{PlanStatus::InProgress{"t", "a"}}), "InProgress");
  EXPECT_EQ(status_name(PlanStatus{PlanStatus::Superseded{"x"}}), "Superseded");
  EXPECT_EQ(category_name(GapCategory{GapCategory::MissingTool{"x"}}), "MissingTool");
  EXPECT_EQ(category_name(GapCategory{GapCategory::PerformanceGap{"x"}}), "PerformanceGap");
}

TEST(Names, PriorityFromString) {
  for (const char* s : {"high", "HIGH", "p0", "Critical", " high "}) EXPECT_EQ(priority_from_string(s), Priority::High) << s;
  for (const char* s : {"medium", "P1", "normal"}) EXPECT_EQ(priority_from_string(s), Priority::Medium) << s;
  for (const char* s : {"low", "", "whatever", "p2"}) EXPECT_EQ(priority_from_string(s), Priority::Low) << s;
}

TEST(Names, AssessmentFromString) {
  for (const char* s : {"StronglyAgree", "strongly_agree", "strong_yes"}) EXPECT_EQ(assessment_from_string(s), Assessment::StronglyAgree) << s;
  for (const char* s : {"agree", "YES", "approve"}) EXPECT_EQ(assessment_from_string(s), Assessment::Agree) << s;
  for (const char* s : {"disagree", "no", "Reject"}) EXPECT_EQ(assessment_from_string(s), Assessment::Disagree) << s;
  for (const char* s : {"stronglydisagree", "strongly_disagree", "strong_no"})
    EXPECT_EQ(assessment_from_string(s), Assessment::StronglyDisagree) << s;
  for (const char* s : {"neutral", "maybe", ""}) EXPECT_EQ(assessment_from_string(s), Assessment::Neutral) << s;
}

TEST(Names, SeverityFromString) {
  for (const char* s : {"critical", "Blocking", "high"}) EXPECT_EQ(severity_from_string(s), CritiqueSeverity::Critical) << s;
  for (const char* s : {"major", "important"}) EXPECT_EQ(severity_from_string(s), CritiqueSeverity::Major) << s;
  for (const char* s : {"moderate", "Medium"}) EXPECT_EQ(severity_from_string(s), CritiqueSeverity::Moderate) << s;
  for (const char* s : {"minor", "low", "?"}) EXPECT_EQ(severity_from_string(s), CritiqueSeverity::Minor) << s;
}

TEST(Names, PlanCategoryFromString) {
  for (const char* s : {"opt", "Optimization", "prompt"}) EXPECT_EQ(plan_category_from_string(s), PlanCategory::Optimization) << s;
  for (const char* s : {"platform", "DashFlow", "infrastructure"})
    EXPECT_EQ(plan_category_from_string(s), PlanCategory::PlatformImprovement) << s;
  for (const char* s : {"process", "doc", "documentation"}) EXPECT_EQ(plan_category_from_string(s), PlanCategory::ProcessImprovement) << s;
  for (const char* s : {"app", "", "feature"}) EXPECT_EQ(plan_category_from_string(s), PlanCategory::ApplicationImprovement) << s;
}

TEST(Names, AlertSeverityReadsDashFlowLowercase) {
  EXPECT_EQ(from_json_text<AlertSeverity>("\"critical\""), AlertSeverity::Critical);
  EXPECT_EQ(from_json_text<AlertSeverity>("\"Info\""), AlertSeverity::Info);
  EXPECT_THROW(from_json_text<AlertSeverity>("\"fatal\""), JsonError);
}

}  // namespace
