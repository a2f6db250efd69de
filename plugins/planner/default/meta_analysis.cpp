#include "meta_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "dashflow/time.hpp"
#include "finding_keys.hpp"
#include "text_util.hpp"

namespace dashflow::planner {
namespace {

int64_t time_ms(const std::optional<Timestamp>& t) {
  if (!t) return 0;
  return parse_rfc3339_ms(*t).value_or(0);
}

// When an implemented plan was completed: Implemented.completed, else updated_at.
int64_t completion_ms(const ExecutionPlan& plan) {
  if (const auto* done = std::get_if<PlanStatus::Implemented>(&plan.status.value)) {
    if (auto t = parse_rfc3339_ms(done->completed)) return *t;
  }
  return time_ms(plan.updated_at);
}

std::vector<const IntrospectionReport*> window_reports(const std::vector<IntrospectionReport>& reports,
                                                       uint64_t window) {
  std::vector<const IntrospectionReport*> sorted;
  for (const auto& r : reports) sorted.push_back(&r);
  std::stable_sort(sorted.begin(), sorted.end(), [](const IntrospectionReport* a, const IntrospectionReport* b) {
    return parse_rfc3339_ms(a->timestamp).value_or(0) > parse_rfc3339_ms(b->timestamp).value_or(0);
  });
  if (sorted.size() > window) sorted.resize(window);
  return sorted;
}

std::vector<RecurringPattern> recurring_gaps(const std::vector<const IntrospectionReport*>& window,
                                             double threshold) {
  struct Seen {
    uint64_t count = 0;
    Uuid newest, oldest;
  };
  std::map<std::string, Seen> seen;
  for (const IntrospectionReport* report : window) {  // newest first
    std::set<std::string> keys;
    for (const auto& gap : report->capability_gaps) keys.insert(gap_key(gap));
    for (const auto& key : keys) {
      Seen& s = seen[key];
      if (s.count == 0) s.newest = report->id;
      s.oldest = report->id;
      ++s.count;
    }
  }
  const double share = std::ceil(static_cast<double>(window.size()) * threshold - 1e-9);
  const uint64_t minimum = std::max<uint64_t>(2, static_cast<uint64_t>(std::max(share, 0.0)));
  std::vector<RecurringPattern> out;
  for (const auto& [key, s] : seen) {
    if (s.count < minimum) continue;
    RecurringPattern p;
    p.description = key;
    p.occurrence_count = s.count;
    p.first_seen = s.oldest;
    p.last_seen = s.newest;
    p.pattern_type = "RecurringGap";
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const RecurringPattern& a, const RecurringPattern& b) {
    return a.occurrence_count > b.occurrence_count;  // ties stay in key order
  });
  return out;
}

std::vector<const ExecutionPlan*> implemented_in_window(const std::vector<ExecutionPlan>& plans, int64_t window_start) {
  std::vector<const ExecutionPlan*> out;
  for (const auto& plan : plans) {
    if (!std::holds_alternative<PlanStatus::Implemented>(plan.status.value)) continue;
    if (completion_ms(plan) >= window_start) out.push_back(&plan);
  }
  return out;
}

ImprovementMomentum momentum(const std::vector<const IntrospectionReport*>& window,
                             const std::vector<ExecutionPlan>& plans) {
  ImprovementMomentum m;
  if (window.size() < 2) return m;
  const ReportExecutionSummary& recent = window.front()->execution_summary;
  const ReportExecutionSummary& earlier = window.back()->execution_summary;
  m.success_rate_trend = recent.success_rate - earlier.success_rate;
  m.retry_rate_trend = earlier.retry_rate - recent.retry_rate;
  m.latency_trend_ms = earlier.avg_duration_ms - recent.avg_duration_ms;

  const int64_t window_start = parse_rfc3339_ms(window.back()->timestamp).value_or(0);
  const auto implemented = implemented_in_window(plans, window_start);
  m.plans_implemented = implemented.size();
  for (const ExecutionPlan* plan : implemented) {
    const int64_t done = completion_ms(*plan);
    bool addressed = false;
    for (const IntrospectionReport* report : window) {
      if (parse_rfc3339_ms(report->timestamp).value_or(0) > done) continue;
      for (const auto& gap : report->capability_gaps) {
        if (gap_fingerprint(gap) == plan->fingerprint) {
          addressed = true;
          break;
        }
      }
      if (addressed) break;
    }
    if (addressed) ++m.gaps_addressed;
  }
  const double velocity = m.success_rate_trend * 100.0 + m.retry_rate_trend * 50.0 + m.latency_trend_ms / 10.0;
  m.velocity_score = std::clamp(velocity, -100.0, 100.0);
  m.is_positive = m.velocity_score > 0;
  return m;
}

std::vector<DeadEnd> dead_ends(const std::vector<ExecutionPlan>& plans) {
  std::vector<DeadEnd> out;
  for (const auto& plan : plans) {
    DeadEnd d;
    d.plan_title = plan.title;
    d.plan_id = plan.id;
    if (const auto* failed = std::get_if<PlanStatus::Failed>(&plan.status.value)) {
      d.failure_reason = failed->reason.empty() ? "Unknown" : failed->reason;
      d.lesson_learned = "Plan '" + plan.title + "' with priority " + std::to_string(plan.priority) +
                         " failed. Consider alternative approaches.";
    } else if (const auto* superseded = std::get_if<PlanStatus::Superseded>(&plan.status.value)) {
      d.failure_reason = "Superseded by " + superseded->by;
      d.lesson_learned = "Plan '" + plan.title + "' with priority " + std::to_string(plan.priority) +
                         " was superseded. Consider alternative approaches.";
    } else {
      continue;
    }
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [](const DeadEnd& a, const DeadEnd& b) {
    if (a.plan_title != b.plan_title) return a.plan_title < b.plan_title;
    return a.plan_id < b.plan_id;
  });
  return out;
}

std::vector<SuccessPattern> success_patterns(const std::vector<const IntrospectionReport*>& window,
                                             const std::vector<ExecutionPlan>& plans) {
  std::map<std::string, std::vector<const ExecutionPlan*>> by_category;
  for (const auto& plan : plans)
    if (std::holds_alternative<PlanStatus::Implemented>(plan.status.value))
      by_category[to_string(plan.category)].push_back(&plan);

  std::vector<SuccessPattern> out;
  for (const auto& [category, group] : by_category) {
    if (group.size() < 2) continue;
    double score = 0;
    uint64_t steps = 0;
    for (const ExecutionPlan* p : group) {
      score += p->validation_score;
      steps += p->steps.size();
    }
    SuccessPattern s;
    s.category = category;
    s.success_count = group.size();
    s.average_validation_score = score / static_cast<double>(group.size());
    s.common_characteristics = {"Average " + std::to_string(steps / group.size()) + " steps per plan"};
    out.push_back(std::move(s));
  }

  if (window.size() >= 2) {
    const double newest = window.front()->execution_summary.success_rate;
    const double oldest = window.back()->execution_summary.success_rate;
    if (newest > oldest) {
      const int64_t window_start = parse_rfc3339_ms(window.back()->timestamp).value_or(0);
      const auto implemented = implemented_in_window(plans, window_start);
      double score = 0;
      for (const ExecutionPlan* p : implemented) score += p->validation_score;
      SuccessPattern s;
      s.category = "Overall Improvement";
      s.success_count = window.size();
      // Mean validation score of the plans implemented in the window (0 when
      // none); DashFlow stored the newest success rate here.
      s.average_validation_score = implemented.empty() ? 0.0 : score / static_cast<double>(implemented.size());
      s.common_characteristics = {"Success rate improved from " + format_fixed(oldest * 100.0, 1) + "% to " +
                                  format_fixed(newest * 100.0, 1) + "%"};
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace

double hypothesis_accuracy(const std::vector<Hypothesis>& hypotheses) {
  uint64_t evaluated = 0, correct = 0;
  for (const auto& h : hypotheses) {
    if (!h.outcome) continue;
    ++evaluated;
    if (h.outcome->correct) ++correct;
  }
  return evaluated == 0 ? 1.0 : static_cast<double>(correct) / static_cast<double>(evaluated);
}

MetaAnalysisResult meta_analyze(const MetaInput& input, const PlannerConfig& config) {
  MetaAnalysisResult result;
  result.hypothesis_accuracy = hypothesis_accuracy(input.hypotheses);
  if (input.reports.size() < config.min_reports_for_patterns) {
    result.reports_analyzed = input.reports.size();
    return result;
  }
  const auto window = window_reports(input.reports, config.analysis_window);
  result.reports_analyzed = window.size();
  result.recurring_gaps = recurring_gaps(window, config.recurrence_threshold);
  result.improvement_momentum = momentum(window, input.plans);
  result.dead_ends = dead_ends(input.plans);
  result.success_patterns = success_patterns(window, input.plans);
  return result;
}

}  // namespace dashflow::planner
