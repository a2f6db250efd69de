// Consensus of several reviewers on one plan, and agreement of a reviewer
// panel across plans. Pure functions (no I/O), plus a small helper that runs
// review calls concurrently.
//
// Score (DashFlow's ConsensusBuilder, dashflow-core §5.4, with its weaknesses
// fixed):
//   value(assessment): StronglyAgree 1, Agree 0.75, Neutral 0.5, Disagree 0.25,
//                      StronglyDisagree 0.
//   penalty(review)  = the penalty of its most severe critique:
//                      Minor 0, Moderate 0.05, Major 0.15, Critical 0.30
//                      (the most severe one only, so a reviewer is not punished
//                      for listing many small points; DashFlow ignored critiques).
//   s_i              = clamp(value - penalty, 0, 1)
//   c_i              = confidence clamped to [0,1] (NaN counts as 0)
//   mean             = sum(s_i) / n;  weighted = sum(c_i*s_i) / sum(c_i)
//                      (weighted = mean when every c_i is 0)
//   consensus_score  = (mean + weighted) / 2   (as DashFlow: self-reported
//                      confidence moves the score, but cannot dominate it)
//   score_spread     = max(s_i) - min(s_i)
// Validation fails closed: validated only if
//   successful reviews >= max(min_reviews, 1), score >= threshold, and more
//   reviewers approve (Agree/StronglyAgree) than reject (Disagree/
//   StronglyDisagree): a split panel is a tie, and a tie does not validate.
// The synthesis states the facts (score, votes, failures, open critical and
// major critiques, why it is or is not validated) instead of DashFlow's
// canned "all major concerns have been addressed".
//
// Agreement (Fleiss' kappa): subjects are plans, raters are the reviewers that
// returned a verdict on that plan, categories are the five assessments (or
// approve/neutral/reject). Kappa needs several plans: on a single plan it is
// never above 0 and carries no information, so build_consensus leaves
// agreement_kappa unset and panel_agreement() computes it over all plans of a
// run; set_panel_kappa() copies that run-level value into each result.
// Plans with fewer than two verdicts are left out; the number of raters may
// differ between plans (the usual generalisation: P_i = sum n_ij(n_ij-1) /
// (n_i(n_i-1)), p_j = sum_i n_ij / sum_i n_i).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dashflow/plugin.hpp"
#include "dashflow/types.hpp"

namespace dashflow {

struct ConsensusConfig {
  size_t min_reviews = 2;  // successful reviews needed (0 counts as 1)
  double threshold = 0.6;  // clamped to [0,1]; NaN counts as 1 (fail closed)
};

double assessment_value(Assessment a);
double severity_penalty(CritiqueSeverity s);
bool is_approval(Assessment a);   // Agree, StronglyAgree
bool is_rejection(Assessment a);  // Disagree, StronglyDisagree
// s_i above.
double review_score(const ModelReview& review);

// Consensus on one plan from its successful reviews and the failures
// ("<reviewer>: <error>"). Reviews and failures are sorted (provider, model)
// so that the result does not depend on completion order.
ConsensusResult build_consensus(std::string plan_id, std::vector<ModelReview> reviews,
                                std::vector<std::string> failures, const ConsensusConfig& config);

// ------------------------------------------------------------------ agreement

// counts[subject][category] = raters that put the subject in the category.
// Subjects with fewer than 2 raters are skipped. nullopt when no subject is
// left or when every rating falls in one category (kappa is 0/0 then).
// Throws std::invalid_argument if rows have different lengths.
std::optional<double> fleiss_kappa(const std::vector<std::vector<uint64_t>>& counts);

enum class KappaScale {
  Assessment,  // five categories, StronglyAgree .. StronglyDisagree
  Polarity,    // three: approve, neutral, reject
};

struct PanelAgreement {
  std::optional<double> kappa;  // nullopt: fewer than 2 plans with 2+ verdicts, or no variation at all
  double observed = 0;          // mean pairwise agreement P-bar over the plans used
  double expected = 0;          // chance agreement P_e
  size_t plans = 0;             // plans used (2+ verdicts)
  size_t ratings = 0;           // verdicts counted
};

PanelAgreement panel_agreement(const std::vector<ConsensusResult>& results, KappaScale scale = KappaScale::Assessment);

// Sets agreement_kappa of every result to the panel's kappa over all of them
// (left unset when it is undefined). Returns the agreement.
PanelAgreement set_panel_kappa(std::vector<ConsensusResult>& results, KappaScale scale = KappaScale::Assessment);

// ------------------------------------------------------------------ running reviews

struct ReviewJob {
  std::string label;                  // names the reviewer in failures, e.g. "OpenAI/gpt-4o"
  std::function<ModelReview()> run;   // may throw: the failure is recorded
};

struct ReviewJobResult {
  std::optional<ModelReview> review;
  std::string error;  // "<label>: <what>" when review is empty
};

// Runs the jobs on up to max_concurrency threads (0: one per job) and returns
// their results in job order. Every thread is joined before returning; time
// limits belong to the jobs (the LLM reviewers bound each call by timeout_ms
// and max_retries).
std::vector<ReviewJobResult> run_review_jobs(const std::vector<ReviewJob>& jobs, size_t max_concurrency);

// Reviews one plan with every reviewer (unavailable ones are recorded as
// failures with their reason, without a call) and builds the consensus.
// Reviewers must be safe to call concurrently when max_concurrency > 1.
ConsensusResult review_plan(const std::vector<Reviewer*>& reviewers, const ReviewRequest& request,
                            const ConsensusConfig& config, size_t max_concurrency);

}  // namespace dashflow
