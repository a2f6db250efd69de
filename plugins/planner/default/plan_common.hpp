// Parts shared by the three plan builders: the plan skeleton (id, times,
// report link, fingerprint), validation from the source confidence, steps,
// the language-neutral verification texts, priorities, and the in-run
// dedup + deterministic ordering.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/types.hpp"
#include "planner_config.hpp"

namespace dashflow::planner {

// Verification texts. DashFlow says "cargo check"/"cargo test"; our users
// build with anything, so the texts state the outcome, not the command.
namespace verify {
inline constexpr std::string_view kBuild = "build passes";
inline constexpr std::string_view kUnitTests = "unit tests pass";
inline constexpr std::string_view kIntegrationTests = "integration tests pass";
inline constexpr std::string_view kFullSuite = "full test suite passes";
inline constexpr std::string_view kBenchmark = "benchmark before/after";
inline constexpr std::string_view kBuildWithWarnings = "build passes and shows the deprecation warnings";
inline constexpr std::string_view kBuildAndTests = "build passes and unit tests pass";
inline constexpr std::string_view kNoUsages = "search finds no usages of the removed identifiers";
inline constexpr std::string_view kManual = "Manual review";
}  // namespace verify

// Limits for UTF-8-safe truncation of generated texts.
inline constexpr size_t kMaxTitleBytes = 160;
inline constexpr size_t kMaxDescriptionBytes = 4000;

// What every plan needs besides its content.
struct PlanStamp {
  Uuid report_id;
  Timestamp now;  // RFC 3339, used for created_at and updated_at
};

// A plan with a fresh id, timestamps, source_report_id and fingerprint set,
// category and priority as given, the rest empty.
ExecutionPlan new_plan(const PlanStamp& stamp, std::string_view kind, std::string_view key, PlanCategory category,
                       uint8_t priority);

// validation_score = clamp01(score); Validated when >= min_validation_score.
void set_validation(ExecutionPlan& plan, double score, const PlannerConfig& config);

// Appends a step numbered after the last one; the order saturates at 255.
void add_step(ExecutionPlan& plan, std::string action, std::vector<std::string> files, std::string_view verification);

// Impact score per DashFlow: clamp01(0.4*min(err,1) + 0.3*min(lat/500,1) + 0.3*min(acc,1)).
double impact_score(const Impact& impact);
// gap.priority(): s = impact score * confidence; s > 0.7 -> High, s > 0.4 -> Medium, else Low.
Priority gap_priority(const CapabilityGap& gap);
// High=1, Medium=2, Low=3.
uint8_t plan_priority(Priority priority);

// One plan per fingerprint (the higher validation_score wins, ties keep the
// earlier; citations of the dropped one are merged in without duplicates),
// sorted by priority ascending, then fingerprint.
std::vector<ExecutionPlan> dedup_and_sort(std::vector<ExecutionPlan> plans);

}  // namespace dashflow::planner
