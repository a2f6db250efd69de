#include "dashflow/consensus.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "dashflow/json.hpp"

namespace dashflow {

namespace {

constexpr double kEpsilon = 1e-9;  // for score >= threshold with rounding noise

double clamp01(double v) { return std::isnan(v) ? 0.0 : std::clamp(v, 0.0, 1.0); }

std::string label(const ModelIdentifier& m) { return m.provider + "/" + m.model; }

std::string fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string plural(size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

// Case, whitespace and trailing-period insensitive key for grouping texts.
std::string text_key(const std::string& s) {
  std::string out;
  bool space = false;
  for (unsigned char c : s) {
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(c));
  }
  while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
  return out;
}

int severity_rank(CritiqueSeverity s) { return static_cast<int>(s); }

std::optional<CritiqueSeverity> worst_severity(const ModelReview& r) {
  std::optional<CritiqueSeverity> worst;
  for (const auto& c : r.critiques)
    if (!worst || severity_rank(c.severity) > severity_rank(*worst)) worst = c.severity;
  return worst;
}

std::string lowercase_name(CritiqueSeverity s) {
  std::string n = to_string(s);
  for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n;
}

std::vector<std::string> shared_concerns(const std::vector<ModelReview>& reviews) {
  struct Concern {
    std::string target;                  // first spelling seen
    std::set<size_t> reviewers;
    CritiqueSeverity worst = CritiqueSeverity::Minor;
  };
  std::map<std::string, Concern> by_target;
  for (size_t i = 0; i < reviews.size(); ++i) {
    for (const auto& c : reviews[i].critiques) {
      const std::string key = text_key(c.target.empty() ? "plan" : c.target);
      Concern& concern = by_target[key];
      if (concern.target.empty()) concern.target = c.target.empty() ? "plan" : c.target;
      concern.reviewers.insert(i);
      if (severity_rank(c.severity) > severity_rank(concern.worst)) concern.worst = c.severity;
    }
  }
  std::vector<const Concern*> shared;
  for (const auto& [key, concern] : by_target)
    if (concern.reviewers.size() >= 2) shared.push_back(&concern);
  std::stable_sort(shared.begin(), shared.end(),
                   [](const Concern* a, const Concern* b) { return a->reviewers.size() > b->reviewers.size(); });
  std::vector<std::string> out;
  for (const Concern* c : shared)
    out.push_back(std::to_string(c->reviewers.size()) + " of " + std::to_string(reviews.size()) +
                  " reviewers raise concerns about '" + c->target + "' (most severe: " + lowercase_name(c->worst) + ")");
  return out;
}

std::vector<std::string> modifications(const std::vector<ModelReview>& reviews) {
  std::map<std::string, std::string> unique;  // key -> first spelling; sorted by key
  auto add = [&](const std::string& s) {
    const std::string key = text_key(s);
    if (!key.empty()) unique.emplace(key, s);
  };
  for (const auto& r : reviews) {
    for (const auto& s : r.suggestions) add(s);
    for (const auto& c : r.critiques)
      if (c.suggested_fix) add(*c.suggested_fix);
  }
  std::vector<std::string> out;
  for (auto& [key, text] : unique) out.push_back(text);
  return out;
}

std::string band(double score) {
  if (score >= 0.75) return "Strong support for the plan";
  if (score >= 0.6) return "Moderate support for the plan";
  if (score >= 0.4) return "Mixed verdicts on the plan";
  return "Weak support: reviewers found serious problems with the plan";
}

std::string open_concerns(const std::vector<ModelReview>& reviews) {
  size_t critical = 0, major = 0;
  const Critique* worst = nullptr;
  const ModelReview* worst_from = nullptr;
  for (const auto& r : reviews)
    for (const auto& c : r.critiques) {
      if (c.severity == CritiqueSeverity::Critical) ++critical;
      if (c.severity == CritiqueSeverity::Major) ++major;
      if (c.severity >= CritiqueSeverity::Major && (!worst || c.severity > worst->severity)) worst = &c, worst_from = &r;
    }
  if (!worst) return "No critical or major critique was raised.";
  std::string criticism = worst->criticism.size() > 160 ? worst->criticism.substr(0, 157) + "..." : worst->criticism;
  return "Open concerns: " + plural(critical, "critical", "critical") + ", " + plural(major, "major", "major") +
         "; the most severe, from " + label(worst_from->model) + " on '" + worst->target + "': \"" + criticism + "\".";
}

}  // namespace

double assessment_value(Assessment a) {
  switch (a) {
    case Assessment::StronglyAgree: return 1.0;
    case Assessment::Agree: return 0.75;
    case Assessment::Neutral: return 0.5;
    case Assessment::Disagree: return 0.25;
    case Assessment::StronglyDisagree: return 0.0;
  }
  return 0.5;
}

double severity_penalty(CritiqueSeverity s) {
  switch (s) {
    case CritiqueSeverity::Minor: return 0.0;
    case CritiqueSeverity::Moderate: return 0.05;
    case CritiqueSeverity::Major: return 0.15;
    case CritiqueSeverity::Critical: return 0.30;
  }
  return 0.0;
}

bool is_approval(Assessment a) { return a == Assessment::Agree || a == Assessment::StronglyAgree; }
bool is_rejection(Assessment a) { return a == Assessment::Disagree || a == Assessment::StronglyDisagree; }

double review_score(const ModelReview& r) {
  const auto worst = worst_severity(r);
  return clamp01(assessment_value(r.assessment) - (worst ? severity_penalty(*worst) : 0.0));
}

ConsensusResult build_consensus(std::string plan_id, std::vector<ModelReview> reviews, std::vector<std::string> failures,
                                const ConsensusConfig& config) {
  ConsensusResult out;
  out.plan_id = std::move(plan_id);
  std::stable_sort(reviews.begin(), reviews.end(), [](const ModelReview& a, const ModelReview& b) {
    return std::tie(a.model.provider, a.model.model) < std::tie(b.model.provider, b.model.model);
  });
  std::sort(failures.begin(), failures.end());
  const size_t min_reviews = std::max<size_t>(config.min_reviews, 1);
  const double threshold = std::isnan(config.threshold) ? 1.0 : std::clamp(config.threshold, 0.0, 1.0);
  const size_t n = reviews.size();
  const std::string failed_note = failures.empty() ? "" : " (" + plural(failures.size(), "failed", "failed") + ")";

  if (n == 0) {
    out.failures = std::move(failures);
    out.synthesis = "No review succeeded" + failed_note + "; the plan is not validated.";
    return out;
  }

  // Score.
  double sum = 0, weighted_sum = 0, confidence_sum = 0, lo = 1, hi = 0;
  size_t approvals = 0, rejections = 0, neutrals = 0;
  bool all_confident = true;
  for (const auto& r : reviews) {
    const double s = review_score(r);
    const double c = clamp01(r.confidence);
    sum += s;
    weighted_sum += c * s;
    confidence_sum += c;
    lo = std::min(lo, s);
    hi = std::max(hi, s);
    approvals += is_approval(r.assessment);
    rejections += is_rejection(r.assessment);
    neutrals += r.assessment == Assessment::Neutral;
    all_confident = all_confident && c > 0.7;
  }
  const double mean = sum / static_cast<double>(n);
  const double weighted = confidence_sum > 0 ? weighted_sum / confidence_sum : mean;
  out.consensus_score = (mean + weighted) / 2.0;
  out.score_spread = hi - lo;

  // Agreements and disagreements (only meaningful with two or more reviewers).
  if (n >= 2) {
    if (approvals == n) out.agreements.push_back("All " + std::to_string(n) + " reviewers approve the plan");
    if (rejections == n) out.agreements.push_back("All " + std::to_string(n) + " reviewers reject the plan");
    if (neutrals == n) out.agreements.push_back("All " + std::to_string(n) + " reviewers are neutral on the plan");
    if (all_confident) out.agreements.push_back("All " + std::to_string(n) + " reviewers are confident (above 0.7)");
    for (auto& s : shared_concerns(reviews)) out.agreements.push_back(std::move(s));
  }
  if (approvals > 0 && rejections > 0) {
    Disagreement d;
    d.topic = "Overall assessment";
    d.position_a = "The plan should be carried out";
    d.position_b = "The plan has significant issues";
    for (const auto& r : reviews) {
      if (is_approval(r.assessment)) d.models_a.push_back(r.model);
      if (is_rejection(r.assessment)) d.models_b.push_back(r.model);
    }
    out.disagreements.push_back(std::move(d));
  }
  out.modifications = modifications(reviews);

  // Validation fails closed.
  std::string verdict;
  if (n < min_reviews) {
    verdict = "not validated: " + plural(n, "review", "reviews") + " succeeded, " + std::to_string(min_reviews) +
              " required";
  } else if (out.consensus_score + kEpsilon < threshold) {
    verdict = "not validated: the score is below the threshold";
  } else if (approvals <= rejections) {
    verdict = approvals == rejections && approvals > 0
                  ? "not validated: as many reviewers reject the plan as approve it"
                  : "not validated: no majority of reviewers approves the plan";
  } else {
    out.validated = true;
    verdict = "validated";
  }

  out.synthesis = band(out.consensus_score) + ". Score " + fixed2(out.consensus_score) + " against threshold " +
                  fixed2(threshold) + " from " + plural(n, "review", "reviews") + failed_note + ": " + verdict +
                  ". Votes: " + std::to_string(approvals) + " approve, " + std::to_string(neutrals) + " neutral, " +
                  std::to_string(rejections) + " reject. " + open_concerns(reviews);
  out.reviews = std::move(reviews);
  out.failures = std::move(failures);
  return out;
}

// ------------------------------------------------------------------ agreement

namespace {

struct KappaParts {
  std::optional<double> kappa;
  double observed = 0, expected = 0;
  size_t subjects = 0, ratings = 0;
};

KappaParts fleiss(const std::vector<std::vector<uint64_t>>& counts) {
  KappaParts k;
  if (counts.empty()) return k;
  const size_t categories = counts.front().size();
  std::vector<double> totals(categories, 0.0);
  double p_sum = 0;
  for (const auto& row : counts) {
    if (row.size() != categories)
      throw std::invalid_argument("fleiss_kappa: every subject needs the same number of categories (" +
                                  std::to_string(categories) + "), one has " + std::to_string(row.size()));
    uint64_t n = 0;
    for (uint64_t c : row) n += c;
    if (n < 2) continue;
    double agree = 0;
    for (size_t j = 0; j < categories; ++j) {
      agree += static_cast<double>(row[j]) * static_cast<double>(row[j] - (row[j] > 0 ? 1 : 0));
      totals[j] += static_cast<double>(row[j]);
    }
    p_sum += agree / (static_cast<double>(n) * static_cast<double>(n - 1));
    ++k.subjects;
    k.ratings += n;
  }
  if (k.subjects == 0) return k;
  k.observed = p_sum / static_cast<double>(k.subjects);
  for (double t : totals) {
    const double p = t / static_cast<double>(k.ratings);
    k.expected += p * p;
  }
  if (1.0 - k.expected > kEpsilon) k.kappa = (k.observed - k.expected) / (1.0 - k.expected);
  return k;
}

size_t category(Assessment a, KappaScale scale) {
  if (scale == KappaScale::Polarity) return is_approval(a) ? 0 : is_rejection(a) ? 2 : 1;
  return static_cast<size_t>(a);
}

}  // namespace

std::optional<double> fleiss_kappa(const std::vector<std::vector<uint64_t>>& counts) { return fleiss(counts).kappa; }

PanelAgreement panel_agreement(const std::vector<ConsensusResult>& results, KappaScale scale) {
  const size_t categories = scale == KappaScale::Polarity ? 3 : 5;
  std::vector<std::vector<uint64_t>> counts;
  for (const auto& r : results) {
    if (r.reviews.size() < 2) continue;
    std::vector<uint64_t> row(categories, 0);
    for (const auto& review : r.reviews) ++row[category(review.assessment, scale)];
    counts.push_back(std::move(row));
  }
  const KappaParts k = fleiss(counts);
  PanelAgreement a;
  a.observed = k.observed;
  a.expected = k.expected;
  a.plans = k.subjects;
  a.ratings = k.ratings;
  if (k.subjects >= 2) a.kappa = k.kappa;
  return a;
}

PanelAgreement set_panel_kappa(std::vector<ConsensusResult>& results, KappaScale scale) {
  PanelAgreement a = panel_agreement(results, scale);
  for (auto& r : results) r.agreement_kappa = a.kappa;
  return a;
}

// ------------------------------------------------------------------ running reviews

std::vector<ReviewJobResult> run_review_jobs(const std::vector<ReviewJob>& jobs, size_t max_concurrency) {
  std::vector<ReviewJobResult> results(jobs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) {
      try {
        if (!jobs[i].run) throw std::logic_error("no review function");
        results[i].review = jobs[i].run();
      } catch (const std::exception& e) {
        results[i].error = jobs[i].label + ": " + e.what();
      } catch (...) {
        results[i].error = jobs[i].label + ": unknown exception (not derived from std::exception)";
      }
    }
  };
  const size_t threads = std::min(jobs.size(), max_concurrency == 0 ? jobs.size() : max_concurrency);
  if (threads <= 1) {
    worker();
    return results;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return results;
}

ConsensusResult review_plan(const std::vector<Reviewer*>& reviewers, const ReviewRequest& request,
                            const ConsensusConfig& config, size_t max_concurrency) {
  std::vector<ReviewJob> jobs;
  std::vector<std::string> failures;
  for (size_t i = 0; i < reviewers.size(); ++i) {
    Reviewer* reviewer = reviewers[i];
    std::string name = "reviewer " + std::to_string(i + 1);
    try {
      name = label(reviewer->model());
      std::string why;
      if (!reviewer->available(why)) {
        failures.push_back(name + ": unavailable: " + (why.empty() ? "no reason given" : why));
        continue;
      }
    } catch (const std::exception& e) {
      failures.push_back(name + ": " + e.what());
      continue;
    }
    jobs.push_back({name, [reviewer, &request] { return reviewer->review(request); }});
  }
  std::vector<ModelReview> reviews;
  for (auto& r : run_review_jobs(jobs, max_concurrency)) {
    if (r.review) reviews.push_back(std::move(*r.review));
    else failures.push_back(std::move(r.error));
  }
  return build_consensus(request.plan.id, std::move(reviews), std::move(failures), config);
}

}  // namespace dashflow
