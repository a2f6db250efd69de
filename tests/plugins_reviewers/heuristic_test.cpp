#include <gtest/gtest.h>


#include "heuristic_reviewer.hpp"

using namespace dashflow;

namespace {

ModelReview review(const ExecutionPlan& plan, uint64_t executions = 100) {
  dashflow_plugins::HeuristicReviewer reviewer(PluginContext(nullptr, "{}"));
  ReviewRequest request;
  request.plan = plan;
  request.summary.total_executions = executions;
  return reviewer.review(request);
}

ExecutionPlan solid_plan() {
  ExecutionPlan p;
  p.id = "11111111-2222-4333-8444-555555555555";
  p.title = "Add geocode tool";
  p.validation_score = 0.9;
  p.steps.push_back({1, "Create tool", {}, "build passes"});
  p.success_criteria = {"Error rate reduced by at least 60%"};
  p.rollback_plan = "Remove the tool";
  Citation c;
  c.id = "trace-abc";
  p.citations.push_back(c);
  return p;
}

}  // namespace

TEST(HeuristicReviewer, AgreesWithAWellFoundedPlan) {
  ModelReview r = review(solid_plan());
  EXPECT_EQ(r.assessment, Assessment::StronglyAgree);
  EXPECT_TRUE(r.critiques.empty());
  EXPECT_EQ(r.model.provider, "Other");
}

TEST(HeuristicReviewer, CritiquesMissingEvidenceAndVerification) {
  ExecutionPlan p = solid_plan();
  p.citations.clear();
  p.success_criteria.clear();
  ModelReview r = review(p);
  ASSERT_EQ(r.critiques.size(), 2u);
  EXPECT_EQ(r.critiques[0].target, "evidence");
  EXPECT_EQ(r.critiques[0].severity, CritiqueSeverity::Major);
  EXPECT_EQ(r.critiques[1].target, "success_criteria");
  EXPECT_EQ(r.assessment, Assessment::Disagree);  // 0.9 - 0.3 - 0.3 = 0.3
  EXPECT_EQ(r.suggestions.size(), 2u);
}

TEST(HeuristicReviewer, PlanWithoutStepsIsACriticalProblem) {
  ExecutionPlan p = solid_plan();
  p.steps.clear();
  ModelReview r = review(p);
  EXPECT_EQ(r.assessment, Assessment::StronglyDisagree);
  bool critical = false;
  for (const auto& c : r.critiques) critical = critical || c.severity == CritiqueSeverity::Critical;
  EXPECT_TRUE(critical);
}

TEST(HeuristicReviewer, SmallSamplesAndLowConfidenceLowerTheVerdict) {
  ExecutionPlan p = solid_plan();
  p.validation_score = 0.55;
  ModelReview r = review(p, 5);
  EXPECT_EQ(r.critiques.size(), 2u);
  EXPECT_EQ(r.assessment, Assessment::Disagree);  // 0.55 - 0.15 - 0.05 = 0.35
}

TEST(HeuristicReviewer, IsDeterministic) {
  ExecutionPlan p = solid_plan();
  p.rollback_plan.clear();
  EXPECT_EQ(review(p), review(p));
}
