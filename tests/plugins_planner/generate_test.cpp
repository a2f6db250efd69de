// default-planner generate(): plans from gaps, deprecations, retrospective.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "dashflow/errors.hpp"
#include "dashflow/ids.hpp"
#include "dashflow/time.hpp"
#include "default_planner.hpp"
#include "finding_keys.hpp"
#include "plan_builders.hpp"
#include "planner_config.hpp"
#include "planner_fixtures.hpp"
#include "text_util.hpp"

using namespace dashflow;
using namespace dashflow::planner;
using namespace planner_test;

namespace {

const ExecutionPlan* find_title(const std::vector<ExecutionPlan>& plans, const std::string& title) {
  for (const auto& p : plans)
    if (p.title == title) return &p;
  return nullptr;
}

bool is_validated(const ExecutionPlan& p) { return std::holds_alternative<PlanStatus::Validated>(p.status.value); }
bool is_proposed(const ExecutionPlan& p) { return std::holds_alternative<PlanStatus::Proposed>(p.status.value); }

std::vector<std::string> fingerprints(const std::vector<ExecutionPlan>& plans) {
  std::vector<std::string> out;
  for (const auto& p : plans) out.push_back(p.fingerprint);
  return out;
}

}  // namespace

TEST(PlannerGenerate, WorkedExampleGivesSixPlansWithScoresAndFingerprints) {
  DefaultPlanner planner{PlannerConfig{}};
  const PlannerInput in = worked_input();
  const PlannerOutput out = planner.generate(in);
  // Seven findings, six plans: the retrospective's missing tool 'geocode' is the
  // same finding as the gap 'missing_tool:geocode' and merges into its plan.
  ASSERT_EQ(out.plans.size(), 6u);

  const auto* retry = find_title(out.plans, "Enhance tool_executor: Node has 100.0% retry rate (4 retries in 4 executions)");
  const auto* tool = find_title(out.plans, "Add Tool: Tool 'geocode' referenced but not available (4 errors)");
  const auto* perf = find_title(out.plans, "Optimize: p95 latency: 1830ms, avg: 1830ms over 4 executions");
  const auto* err = find_title(out.plans, "Add Tool: Missing dependency or tool");
  EXPECT_EQ(find_title(out.plans, "Add geocode"), nullptr) << "merged into the gap plan";
  const auto* platform = find_title(out.plans, "Insight #1: High retry count (4 retries in 4 executions). Impl");
  const auto* app = find_title(out.plans, "Insight #1: Success rate of 0.0% is below target. Focus on err");
  ASSERT_TRUE(retry && tool && perf && err && platform && app);

  EXPECT_EQ(retry->priority, 3);
  EXPECT_EQ(tool->priority, 2);
  EXPECT_EQ(perf->priority, 3);
  EXPECT_EQ(err->priority, 3);
  EXPECT_EQ(platform->priority, 4);
  EXPECT_EQ(app->priority, 4);

  EXPECT_EQ(retry->category, PlanCategory::ApplicationImprovement);
  EXPECT_EQ(tool->category, PlanCategory::ApplicationImprovement);
  EXPECT_EQ(perf->category, PlanCategory::Optimization);
  EXPECT_EQ(platform->category, PlanCategory::PlatformImprovement);
  EXPECT_EQ(app->category, PlanCategory::ApplicationImprovement);

  // W1: scores come from the source confidence, so the plans survive analyze.
  EXPECT_DOUBLE_EQ(retry->validation_score, 0.84);
  EXPECT_DOUBLE_EQ(tool->validation_score, 0.8);
  EXPECT_DOUBLE_EQ(perf->validation_score, 0.7);
  EXPECT_NEAR(err->validation_score, 0.6867, 1e-4);
  EXPECT_DOUBLE_EQ(platform->validation_score, 0.5);
  EXPECT_DOUBLE_EQ(app->validation_score, 0.5);
  for (const auto* p : {retry, tool, perf, err, platform, app}) EXPECT_TRUE(is_validated(*p)) << p->title;
  for (const auto& p : out.plans) EXPECT_GT(p.validation_score, 0.0) << p.title;

  // Fingerprints: fingerprint_of(kind|key|category).
  EXPECT_EQ(retry->fingerprint, fingerprint_of("gap|retry:tool_executor|ApplicationImprovement"));
  EXPECT_EQ(tool->fingerprint, fingerprint_of("gap|missing_tool:geocode|ApplicationImprovement"));
  EXPECT_EQ(perf->fingerprint, fingerprint_of("gap|performance:tool_executor|Optimization"));
  EXPECT_EQ(platform->fingerprint,
            fingerprint_of("retrospective|insight:platform:high_retry_count|PlatformImprovement"));
  EXPECT_EQ(app->fingerprint,
            fingerprint_of("retrospective|insight:application:success_rate_below_target|ApplicationImprovement"));

  // Descriptions, steps, criteria, rollback, citations.
  EXPECT_EQ(tool->description,
            "Missing tool: geocode. Proposed solution: Implement tool 'geocode' or provide alternative functionality");
  ASSERT_EQ(tool->steps.size(), 4u);
  EXPECT_EQ(tool->steps[0].action, "Create tool: Tool 'geocode' referenced but not available (4 errors)");
  EXPECT_EQ(tool->steps[0].verification, "build passes");
  EXPECT_EQ(tool->steps[1].verification, "unit tests pass");
  EXPECT_EQ(tool->steps[2].verification, "integration tests pass");
  EXPECT_EQ(tool->steps[3].action, "Run full test suite");
  for (size_t i = 0; i < tool->steps.size(); ++i) EXPECT_EQ(tool->steps[i].order, i + 1);
  EXPECT_EQ(tool->success_criteria,
            (std::vector<std::string>{"Error rate reduced by at least 64%", "Latency reduced by at least 320ms",
                                      "Accuracy improved by at least 64%", "All existing tests pass",
                                      "New functionality has test coverage"}));
  EXPECT_EQ(tool->rollback_plan,
            "Remove the Tool 'geocode' referenced but not available (4 errors) tool and revert to previous behavior");
  EXPECT_EQ(tool->estimated_commits, 2);
  EXPECT_EQ(err->citations.size(), 3u);
  EXPECT_EQ(perf->steps[0].verification, "benchmark before/after");
  EXPECT_EQ(perf->success_criteria,
            (std::vector<std::string>{"All existing tests pass", "New functionality has test coverage"}));
  EXPECT_EQ(perf->rollback_plan, "Revert optimization changes if performance regresses");
  EXPECT_EQ(retry->steps[0].files, std::vector<std::string>{"src/nodes/tool_executor"});
  EXPECT_EQ(platform->steps.size(), 1u);
  EXPECT_EQ(platform->steps[0].verification, "Manual review");
  EXPECT_TRUE(platform->rollback_plan.empty());
  for (const auto& p : out.plans)
    for (const auto& s : p.steps) EXPECT_EQ(s.verification.find("cargo"), std::string::npos) << s.verification;

  // Identity and links.
  std::set<std::string> ids;
  for (const auto& p : out.plans) {
    EXPECT_TRUE(looks_like_uuid(p.id));
    ids.insert(p.id);
    ASSERT_TRUE(p.source_report_id.has_value());
    EXPECT_EQ(*p.source_report_id, in.report_id);
    ASSERT_TRUE(p.created_at && p.updated_at);
    EXPECT_TRUE(parse_rfc3339_ms(*p.created_at).has_value());
    EXPECT_GE(p.priority, 1);
    EXPECT_LE(p.priority, 4);
  }
  EXPECT_EQ(ids.size(), 6u);
}

TEST(PlannerGenerate, OutputIsSortedByPriorityThenFingerprint) {
  DefaultPlanner planner{PlannerConfig{}};
  const PlannerOutput out = planner.generate(worked_input());
  for (size_t i = 1; i < out.plans.size(); ++i) {
    const auto& a = out.plans[i - 1];
    const auto& b = out.plans[i];
    EXPECT_TRUE(a.priority < b.priority || (a.priority == b.priority && a.fingerprint < b.fingerprint))
        << a.title << " before " << b.title;
  }
}

TEST(PlannerGenerate, OrderDoesNotDependOnInputOrder) {
  DefaultPlanner planner{PlannerConfig{}};
  PlannerInput in = worked_input();
  const auto expected = fingerprints(planner.generate(in).plans);
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(in.gaps.begin(), in.gaps.end(), rng);
    EXPECT_EQ(fingerprints(planner.generate(in).plans), expected);
    auto hyps = planner.generate(in).hypotheses;
    for (size_t i = 1; i < hyps.size(); ++i) EXPECT_LT(hyps[i - 1].fingerprint, hyps[i].fingerprint);
  }
}

TEST(PlannerGenerate, FingerprintsAreStableWhenTheTextsCarryOtherNumbers) {
  DefaultPlanner planner{PlannerConfig{}};
  PlannerInput first = worked_input();
  PlannerInput second = worked_input();
  second.gaps = {retry_gap(0.75, 3, 4, 0.78), missing_tool_gap(9), performance_gap(2400, 1500, 17),
                 error_pattern_gap()};
  second.retrospective.application_insights = {"Success rate of 42.5% is below target. Focus on error reduction."};
  second.retrospective.platform_insights = {"High retry count (17 retries in 20 executions). Implement better error handling."};
  second.retrospective.missing_tools[0].benefit = "Would prevent 11 errors";

  const auto a = planner.generate(first);
  const auto b = planner.generate(second);
  const auto fa_list = fingerprints(a.plans);
  std::set<std::string> fa(fa_list.begin(), fa_list.end());
  const auto fb_list = fingerprints(b.plans);
  std::set<std::string> fb(fb_list.begin(), fb_list.end());
  ASSERT_EQ(fa.size(), 6u);
  EXPECT_EQ(fa, fb);
  // ids are fresh every run; fingerprints are what links runs
  EXPECT_NE(a.plans[0].id, b.plans[0].id);
}

TEST(PlannerGenerate, DerivedKeysIgnoreNumbersWhenAnalyzersSetNoKey) {
  DefaultPlanner planner{PlannerConfig{}};
  auto strip = [](std::vector<CapabilityGap> gaps) {
    for (auto& g : gaps) g.key.clear();
    return gaps;
  };
  PlannerInput first = worked_input();
  first.gaps = strip(first.gaps);
  PlannerInput second = worked_input();
  second.gaps = strip({retry_gap(0.5, 2, 4, 0.7), missing_tool_gap(12), performance_gap(3100, 900, 40),
                       error_pattern_gap()});
  const auto fa = fingerprints(planner.generate(first).plans);
  const auto fb = fingerprints(planner.generate(second).plans);
  EXPECT_EQ(std::set<std::string>(fa.begin(), fa.end()), std::set<std::string>(fb.begin(), fb.end()));
  EXPECT_EQ(fa.size(), 6u);

  EXPECT_EQ(gap_key(strip({retry_gap()})[0]), "retry:tool_executor");
  EXPECT_EQ(gap_key(strip({missing_tool_gap()})[0]), "missing_tool:geocode");
  EXPECT_EQ(gap_key(strip({performance_gap()})[0]), "performance:tool_executor");
  // no quoted name: the normalized description, without digits
  CapabilityGap timeout;
  timeout.description = "Recurring error pattern: timeout after 30s";
  timeout.category.value = GapCategory::InadequateFunctionality{"fetch", "Error pattern: timeout after 30s"};
  timeout.manifestation.value = GapManifestation::Errors{5, {}};
  const std::string key = gap_key(timeout);
  EXPECT_EQ(key, "inadequate:fetch:recurring error pattern: timeout after <n>s");
  EXPECT_EQ(key.find_first_of("0123456789"), std::string::npos);
}

TEST(PlannerGenerate, InsightKindComesFromTheLeadingWords) {
  EXPECT_EQ(insight_kind("Success rate of 0.0% is below target. Focus on error reduction."),
            "success_rate_below_target");
  EXPECT_EQ(insight_kind("Success rate of 87.5% is below target. Focus on error reduction."),
            "success_rate_below_target");
  EXPECT_EQ(insight_kind("High retry count (4 retries in 4 executions). Implement better error handling."),
            "high_retry_count");
  EXPECT_EQ(insight_kind("12 timeout errors detected. Consider increasing timeout limits or optimizing slow nodes."),
            "timeout_errors_detected");
  EXPECT_EQ(insight_kind("Node 'fetch' is heavily used (300% of executions). Consider optimizing."),
            "node_fetch_heavily_used");
}

TEST(PlannerGenerate, SameFingerprintInOneRunGivesOnePlanWithMergedCitations) {
  DefaultPlanner planner{PlannerConfig{}};
  PlannerInput in;
  in.report_id = "r1";
  CapabilityGap weak = retry_gap(0.5, 2, 4, 0.65);
  weak.evidence = {trace_citation("thread-aaaaaaaa")};
  CapabilityGap strong = retry_gap(1.0, 4, 4, 0.9);
  strong.evidence = {trace_citation("thread-bbbbbbbb"), trace_citation("thread-aaaaaaaa")};
  in.gaps = {weak, strong};
  const auto out = planner.generate(in);
  ASSERT_EQ(out.plans.size(), 1u);
  EXPECT_DOUBLE_EQ(out.plans[0].validation_score, 0.9);
  EXPECT_EQ(out.plans[0].title, "Enhance tool_executor: Node has 100.0% retry rate (4 retries in 4 executions)");
  ASSERT_EQ(out.plans[0].citations.size(), 2u);  // b, a (duplicate a dropped)
  EXPECT_EQ(out.plans[0].citations[0].retrieval.value, "thread_id = 'thread-bbbbbbbb'");
  EXPECT_EQ(out.plans[0].citations[1].retrieval.value, "thread_id = 'thread-aaaaaaaa'");
  ASSERT_EQ(out.hypotheses.size(), 1u);
  EXPECT_EQ(out.hypotheses[0].fingerprint, out.plans[0].fingerprint);

  // same insight kind twice (different numbers) -> one plan
  in.gaps.clear();
  in.retrospective.platform_insights = {"3 timeout errors detected. Consider increasing timeout limits.",
                                        "7 timeout errors detected. Consider increasing timeout limits."};
  EXPECT_EQ(planner.generate(in).plans.size(), 1u);
}

TEST(PlannerGenerate, ConfidenceAndScoreThresholds) {
  PlannerConfig cfg;
  cfg.min_validation_score = 0.75;
  DefaultPlanner planner{cfg};
  PlannerInput in;
  CapabilityGap low = retry_gap();
  low.confidence = 0.59;  // below min_confidence 0.6: no plan, but a hypothesis (>= 0.5)
  CapabilityGap mid = missing_tool_gap();  // 0.8 >= 0.75: Validated
  CapabilityGap perf = performance_gap();  // 0.7 < 0.75: Proposed
  in.gaps = {low, mid, perf};
  const auto out = planner.generate(in);
  ASSERT_EQ(out.plans.size(), 2u);
  EXPECT_EQ(out.hypotheses.size(), 3u);
  for (const auto& p : out.plans) {
    if (p.category == PlanCategory::Optimization) EXPECT_TRUE(is_proposed(p));
    else EXPECT_TRUE(is_validated(p));
  }
}

TEST(PlannerGenerate, HighImpactConfidentGapIsPriorityOne) {
  DefaultPlanner planner{PlannerConfig{}};
  PlannerInput in;
  CapabilityGap g = missing_tool_gap();
  g.confidence = 0.875;  // 0.8 * 0.875 just above 0.7 in doubles
  in.gaps = {g};
  EXPECT_EQ(planner.generate(in).plans.at(0).priority, 1);
  in.gaps[0].confidence = 0.85;  // 0.68 -> Medium
  EXPECT_EQ(planner.generate(in).plans.at(0).priority, 2);
}

TEST(PlannerGenerate, DeprecationPlans) {
  DefaultPlanner planner{PlannerConfig{}};
  PlannerInput in;
  DeprecationRecommendation dep;
  dep.target.value = DeprecationTarget::Node{"legacy_router", 0};
  dep.rationale = "Node 'legacy_router' was never executed in 120 traces";
  dep.benefits = {"Remove unused code", "Simplify graph structure"};
  dep.risks = {"Node may be used in untested scenarios"};
  dep.confidence = 1.0;
  dep.migration_path = "Route through 'router_v2'";
  DeprecationRecommendation weak = dep;
  weak.target.value = DeprecationTarget::Tool{"old_tool", std::nullopt};
  weak.confidence = 0.5;  // below 0.6: no plan, but a hypothesis
  in.deprecations = {dep, weak};
  const auto out = planner.generate(in);
  ASSERT_EQ(out.plans.size(), 1u);
  const ExecutionPlan& p = out.plans[0];
  EXPECT_EQ(p.title, "Deprecate Node: legacy_router");
  EXPECT_EQ(p.category, PlanCategory::ProcessImprovement);
  EXPECT_EQ(p.priority, 3);
  EXPECT_EQ(p.estimated_commits, 1);
  EXPECT_EQ(p.description,
            "Rationale: Node 'legacy_router' was never executed in 120 traces. Benefits: Remove unused code, Simplify "
            "graph structure. Risks: Node may be used in untested scenarios");
  ASSERT_EQ(p.steps.size(), 4u);
  EXPECT_EQ(p.steps[0].action, "Add deprecation warning");
  EXPECT_EQ(p.steps[1].action, "Migrate usages: Route through 'router_v2'");
  EXPECT_EQ(p.steps[2].action, "Remove deprecated code");
  EXPECT_EQ(p.steps[3].action, "Verify no usages remain");
  EXPECT_EQ(p.steps[3].order, 4);
  EXPECT_EQ(p.rollback_plan, "Revert deprecation changes. Route through 'router_v2'");
  EXPECT_EQ(p.fingerprint, fingerprint_of("deprecation|deprecate_node:legacy_router|ProcessImprovement"));
  EXPECT_TRUE(is_validated(p));
  EXPECT_DOUBLE_EQ(p.validation_score, 1.0);
  ASSERT_EQ(out.hypotheses.size(), 2u);
}

TEST(PlannerGenerate, TitlesAreTruncatedOnCharacterBoundaries) {
  DefaultPlanner planner{PlannerConfig{}};
  PlannerInput in;
  CapabilityGap g = missing_tool_gap();
  std::string desc;
  for (int i = 0; i < 120; ++i) desc += "géocodé-";  // multibyte all along
  g.category.value = GapCategory::MissingTool{desc};
  g.description = "Outil manquant: " + desc;
  in.gaps = {g};
  in.retrospective.platform_insights = {"Ünïcødé ïnsïght with ümlauts évérywhère ✓✓✓ and then some more text"};
  const auto out = planner.generate(in);
  ASSERT_EQ(out.plans.size(), 2u);
  for (const auto& p : out.plans) {
    EXPECT_TRUE(valid_utf8(p.title)) << p.title;
    EXPECT_TRUE(valid_utf8(p.description));
    for (const auto& s : p.steps) EXPECT_TRUE(valid_utf8(s.action));
  }
  const auto& tool = out.plans[0].category == PlanCategory::ApplicationImprovement ? out.plans[0] : out.plans[1];
  EXPECT_LE(tool.title.size(), kMaxTitleBytes);
  EXPECT_EQ(tool.title.substr(tool.title.size() - 3), "...");
  const auto& insight = out.plans[0].category == PlanCategory::PlatformImprovement ? out.plans[0] : out.plans[1];
  EXPECT_LE(insight.title.size(), std::string("Insight #1: ").size() + 50);
}

TEST(PlannerGenerate, TestStepsAndRollbackCanBeTurnedOff) {
  PlannerConfig cfg;
  cfg.auto_add_test_steps = false;
  cfg.auto_add_rollback = false;
  DefaultPlanner planner{cfg};
  PlannerInput in;
  in.gaps = {missing_tool_gap()};
  const auto out = planner.generate(in);
  ASSERT_EQ(out.plans.size(), 1u);
  EXPECT_EQ(out.plans[0].steps.size(), 3u);
  EXPECT_TRUE(out.plans[0].rollback_plan.empty());
}

TEST(PlannerGenerate, StepOrderSaturatesAt255) {
  ExecutionPlan plan;
  for (int i = 0; i < 300; ++i) add_step(plan, "step", {}, "build passes");
  EXPECT_EQ(plan.steps[0].order, 1);
  EXPECT_EQ(plan.steps[254].order, 255);
  EXPECT_EQ(plan.steps[299].order, 255);
}

TEST(PlannerConfigTest, ReadsKeysAndRejectsBadValues) {
  const auto cfg = PlannerConfig::from_json(json{{"min_validation_score", 0.9}, {"evaluate_after_executions", 10}});
  EXPECT_DOUBLE_EQ(cfg.min_validation_score, 0.9);
  EXPECT_EQ(cfg.evaluate_after_executions, 10u);
  EXPECT_DOUBLE_EQ(cfg.min_confidence, 0.6);
  EXPECT_THROW(PlannerConfig::from_json(json{{"metric_tolerance", "high"}}), ConfigError);
  EXPECT_THROW(PlannerConfig::from_json(json{{"min_confidence", 1.5}}), ConfigError);
  EXPECT_THROW(PlannerConfig::from_json(json{{"analysis_window", 0}}), ConfigError);

  DefaultPlanner planner(PluginContext(nullptr, R"({"min_validation_score": 0.95})"));
  EXPECT_DOUBLE_EQ(planner.config().min_validation_score, 0.95);
  PlannerInput in;
  in.gaps = {missing_tool_gap()};
  EXPECT_TRUE(is_proposed(planner.generate(in).plans.at(0)));
}

TEST(PlannerGenerate, UnnamedRetrospectiveToolKeepsItsOwnPlan) {
  DefaultPlanner planner{PlannerConfig{}};
  PlannerInput in = worked_input();
  in.retrospective.missing_tools[0].tool_name = "unknown_tool";
  const auto out = planner.generate(in);
  const auto* retro = find_title(out.plans, "Add unknown_tool");
  ASSERT_NE(retro, nullptr);
  EXPECT_EQ(retro->fingerprint, fingerprint_of("retrospective|retro_tool:unknown_tool|ApplicationImprovement"));
  EXPECT_TRUE(is_proposed(*retro));
  EXPECT_EQ(out.plans.size(), 7u);
}
