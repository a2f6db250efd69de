#include "evaluation.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "dashflow/ids.hpp"
#include "dashflow/time.hpp"
#include "text_util.hpp"

namespace dashflow::planner {
namespace {

constexpr double kEps = 1e-9;

enum class Direction { Reduce, Improve, NoIncrease, NoDecrease, Unknown };
enum class Unit { Percent, Millis, None };

struct Promise {
  Direction direction = Direction::Unknown;
  double amount = 0;
  Unit unit = Unit::None;
};

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "reduced by 32%", "reduced by 160ms", "improved by 5%", "no increase", "no decrease".
Promise parse_promise(std::string_view expected_value) {
  const std::string text = lower_ascii(expected_value);
  Promise p;
  if (text.find("no increase") != std::string::npos) {
    p.direction = Direction::NoIncrease;
    return p;
  }
  if (text.find("no decrease") != std::string::npos) {
    p.direction = Direction::NoDecrease;
    return p;
  }
  size_t at = text.find("reduced by");
  if (at != std::string::npos) {
    p.direction = Direction::Reduce;
  } else if ((at = text.find("improved by")) != std::string::npos) {
    p.direction = Direction::Improve;
  } else {
    return p;
  }
  const std::string rest = text.substr(text.find(" by", at) + 3);
  const char* begin = rest.c_str();
  char* end = nullptr;
  p.amount = std::strtod(begin, &end);
  if (end == begin || p.amount < 0) {
    p.direction = Direction::Unknown;
    return p;
  }
  while (*end == ' ') ++end;
  if (*end == '%') p.unit = Unit::Percent;
  else if (end[0] == 'm' && end[1] == 's') p.unit = Unit::Millis;
  else p.direction = Direction::Unknown;
  return p;
}

std::string pct(double fraction) { return format_fixed(fraction * 100.0, 1) + "%"; }

EvidenceJudgement not_measurable(std::string why) {
  return {false, false, "not measurable from traces: " + why};
}

// A rate that should go down ("reduced by X%" relative, or "no increase").
EvidenceJudgement judge_rate_down(const char* name, const Promise& p, double base, double cur, double tol) {
  const std::string values = name + std::string(" ") + pct(base) + " -> " + pct(cur);
  if (p.direction == Direction::NoIncrease) {
    const double allowed = base * (1.0 + tol);
    return {true, cur <= allowed + kEps, values + " (allowed up to " + pct(allowed) + ")"};
  }
  if (p.direction != Direction::Reduce || p.unit != Unit::Percent) return not_measurable("unrecognized expectation");
  if (base <= 0) return not_measurable("baseline " + std::string(name) + " is 0");
  const double reduction = (base - cur) / base;
  const double required = p.amount / 100.0 * (1.0 - tol);
  return {true, reduction >= required - kEps, "reduced by " + pct(reduction) + " (" + values + ")"};
}

EvidenceJudgement judge_latency(const Promise& p, double base, double cur, double tol) {
  const std::string values = "avg " + format_fixed(base, 1) + "ms -> " + format_fixed(cur, 1) + "ms";
  if (p.direction == Direction::NoIncrease) {
    const double allowed = base * (1.0 + tol);
    return {true, cur <= allowed + kEps, values + " (allowed up to " + format_fixed(allowed, 1) + "ms)"};
  }
  if (p.direction != Direction::Reduce) return not_measurable("unrecognized expectation");
  const double reduction = base - cur;
  if (p.unit == Unit::Millis) {
    const double required = p.amount * (1.0 - tol);
    return {true, reduction >= required - kEps, "reduced by " + format_fixed(reduction, 1) + "ms (" + values + ")"};
  }
  if (base <= 0) return not_measurable("baseline latency is 0");
  const double relative = reduction / base;
  const double required = p.amount / 100.0 * (1.0 - tol);
  return {true, relative >= required - kEps, "reduced by " + pct(relative) + " (" + values + ")"};
}

EvidenceJudgement judge_success(const Promise& p, double base, double cur, double tol) {
  const std::string values = "success rate " + pct(base) + " -> " + pct(cur);
  if (p.direction == Direction::NoDecrease) {
    const double allowed = base * (1.0 - tol);
    return {true, cur >= allowed - kEps, values + " (allowed down to " + pct(allowed) + ")"};
  }
  if (p.direction != Direction::Improve || p.unit != Unit::Percent) return not_measurable("unrecognized expectation");
  const double target = std::min(p.amount / 100.0, 1.0 - base);
  if (target <= 0) return not_measurable("baseline success rate is already 100%");
  const double gain = cur - base;
  const double required = target * (1.0 - tol);
  return {true, gain >= required - kEps,
          "improved by " + format_fixed(gain * 100.0, 1) + " percentage points (" + values + ")"};
}

Citation evaluation_citation(const ExpectedEvidence& expected, const std::string& observed,
                             const ReportExecutionSummary& since) {
  Citation c;
  c.id = "eval-" + new_uuid_v4().substr(0, 8);
  const std::string summary = "Measured after " + std::to_string(since.total_executions) + " executions";
  c.source_type.value = CitationSource::Aggregation{"Evaluate " + expected.metric + " for hypothesis", summary};
  c.description = "Aggregation: " + summary;
  c.retrieval.kind = CitationRetrieval::Kind::Inline;
  c.retrieval.value = "Expected: " + expected.expected_value + ", Observed: " + observed;
  return c;
}

}  // namespace

bool ready_for_evaluation(const Hypothesis& h, uint64_t traces_since, int64_t now_unix_ms) {
  const EvaluationTrigger& t = h.evaluation_trigger;
  switch (t.kind) {
    case EvaluationTrigger::Kind::AfterExecutions:
      return traces_since >= t.executions;
    case EvaluationTrigger::Kind::AfterDuration: {
      const auto created = parse_rfc3339_ms(h.created_at);
      if (!created) return false;
      const int64_t duration_ms =
          static_cast<int64_t>(t.duration_secs) * 1000 + static_cast<int64_t>(t.duration_nanos / 1000000);
      return now_unix_ms - *created >= duration_ms;
    }
    case EvaluationTrigger::Kind::AfterPlan:
    case EvaluationTrigger::Kind::Manual:
      return false;
  }
  return false;
}

EvidenceJudgement judge_evidence(const ExpectedEvidence& expected, const ReportExecutionSummary& base,
                                 const ReportExecutionSummary& cur, double tol) {
  const std::string& metric = expected.metric;
  if (metric == "test_pass_rate") return not_measurable("test results are not in execution traces");
  if (metric.rfind("criterion_", 0) == 0) return not_measurable("requires manual verification");
  const Promise p = parse_promise(expected.expected_value);
  if (metric == "error_rate") {
    const double base_err = std::clamp(1.0 - base.success_rate, 0.0, 1.0);
    const double cur_err = std::clamp(1.0 - cur.success_rate, 0.0, 1.0);
    return judge_rate_down("error rate", p, base_err, cur_err, tol);
  }
  if (metric == "retry_rate") return judge_rate_down("retry rate", p, base.retry_rate, cur.retry_rate, tol);
  if (metric == "latency_ms") return judge_latency(p, base.avg_duration_ms, cur.avg_duration_ms, tol);
  if (metric == "accuracy" || metric == "success_rate") return judge_success(p, base.success_rate, cur.success_rate, tol);
  return not_measurable("unknown metric '" + metric + "'");
}

std::optional<HypothesisOutcome> evaluate_hypothesis(const Hypothesis& h, const ReportExecutionSummary& since,
                                                     uint64_t traces_since, int64_t now_unix_ms,
                                                     const PlannerConfig& config) {
  if (!ready_for_evaluation(h, traces_since, now_unix_ms)) return std::nullopt;
  if (!h.baseline || since.total_executions == 0 || h.expected_evidence.empty()) return std::nullopt;

  HypothesisOutcome outcome;
  size_t measurable = 0, missed = 0;
  std::vector<std::string> not_judged, misses;
  for (const auto& expected : h.expected_evidence) {
    const EvidenceJudgement j = judge_evidence(expected, *h.baseline, since, config.metric_tolerance);
    ObservedEvidence observed;
    observed.metric = expected.metric;
    observed.observed_value = j.observed;
    observed.matches_expected = j.measurable && j.matched;
    observed.citation = evaluation_citation(expected, j.observed, since);
    outcome.observed_evidence.push_back(std::move(observed));
    if (!j.measurable) {
      not_judged.push_back(expected.metric);
      continue;
    }
    ++measurable;
    if (!j.matched) {
      ++missed;
      misses.push_back(expected.metric + ": expected " + expected.expected_value + ", observed " + j.observed);
    }
  }
  if (measurable == 0) return std::nullopt;  // inconclusive: stays active

  outcome.correct = missed == 0;
  if (outcome.correct) {
    outcome.analysis = "Hypothesis validated. All " + std::to_string(measurable) +
                       " expected evidence items matched observations.";
  } else {
    outcome.analysis = "Hypothesis partially failed. " + std::to_string(missed) + " of " + std::to_string(measurable) +
                       " evidence items did not match expectations.";
    outcome.improvements_for_future = {"Consider more conservative improvement estimates",
                                       "Gather more baseline data before making predictions"};
    for (auto& m : misses) outcome.improvements_for_future.push_back("Missed " + m);
  }
  if (!not_judged.empty())
    outcome.analysis += " Not measurable from traces, not judged: " + join(not_judged, ", ") + ".";
  return outcome;
}

}  // namespace dashflow::planner
