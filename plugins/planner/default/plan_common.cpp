#include "plan_common.hpp"

#include <algorithm>
#include <map>

#include "dashflow/ids.hpp"
#include "finding_keys.hpp"

namespace dashflow::planner {

ExecutionPlan new_plan(const PlanStamp& stamp, std::string_view kind, std::string_view key, PlanCategory category,
                       uint8_t priority) {
  ExecutionPlan plan;
  plan.id = new_uuid_v4();
  plan.category = category;
  plan.priority = std::clamp<uint8_t>(priority, 1, 4);
  plan.fingerprint = plan_fingerprint(kind, key, category);
  plan.created_at = stamp.now;
  plan.updated_at = stamp.now;
  if (!stamp.report_id.empty()) plan.source_report_id = stamp.report_id;
  plan.status.value = PlanStatus::Proposed{};
  return plan;
}

void set_validation(ExecutionPlan& plan, double score, const PlannerConfig& config) {
  plan.validation_score = std::clamp(score, 0.0, 1.0);
  if (plan.validation_score >= config.min_validation_score) {
    plan.status.value = PlanStatus::Validated{};
  } else {
    plan.status.value = PlanStatus::Proposed{};
  }
}

void add_step(ExecutionPlan& plan, std::string action, std::vector<std::string> files, std::string_view verification) {
  ImplementationStep step;
  const size_t order = plan.steps.size() + 1;
  step.order = static_cast<uint8_t>(std::min<size_t>(order, 255));
  step.action = std::move(action);
  step.files = std::move(files);
  step.verification = std::string(verification);
  plan.steps.push_back(std::move(step));
}

double impact_score(const Impact& impact) {
  const double s = 0.4 * std::min(impact.error_reduction, 1.0) +
                   0.3 * std::min(impact.latency_reduction_ms / 500.0, 1.0) +
                   0.3 * std::min(impact.accuracy_improvement, 1.0);
  return std::clamp(s, 0.0, 1.0);
}

Priority gap_priority(const CapabilityGap& gap) {
  const double s = impact_score(gap.expected_impact) * gap.confidence;
  if (s > 0.7) return Priority::High;
  if (s > 0.4) return Priority::Medium;
  return Priority::Low;
}

uint8_t plan_priority(Priority priority) {
  switch (priority) {
    case Priority::High: return 1;
    case Priority::Medium: return 2;
    case Priority::Low: return 3;
  }
  return 3;
}

std::vector<ExecutionPlan> dedup_and_sort(std::vector<ExecutionPlan> plans) {
  std::vector<ExecutionPlan> kept;
  std::map<std::string, size_t> index;  // fingerprint -> position in kept
  for (auto& plan : plans) {
    auto it = index.find(plan.fingerprint);
    if (it == index.end()) {
      index.emplace(plan.fingerprint, kept.size());
      kept.push_back(std::move(plan));
      continue;
    }
    ExecutionPlan& existing = kept[it->second];
    std::vector<Citation> merged;
    if (plan.validation_score > existing.validation_score) {
      merged = std::move(existing.citations);
      existing = std::move(plan);
    } else {
      merged = std::move(plan.citations);
    }
    for (auto& c : merged) {
      if (std::find(existing.citations.begin(), existing.citations.end(), c) == existing.citations.end())
        existing.citations.push_back(std::move(c));
    }
  }
  std::sort(kept.begin(), kept.end(), [](const ExecutionPlan& a, const ExecutionPlan& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.fingerprint < b.fingerprint;
  });
  return kept;
}

}  // namespace dashflow::planner
