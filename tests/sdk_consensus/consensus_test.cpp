// dashflow/consensus.hpp with known answers: DashFlow's worked examples,
// severity penalties, fail-closed validation (ties, too few reviews, all
// failed), Fleiss' kappa (textbook example), and concurrent review jobs.
#include <gtest/gtest.h>

#include <dashflow/consensus.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace dashflow;

namespace {

ModelReview review(const std::string& model, Assessment a, double confidence, std::vector<Critique> critiques = {},
                   std::vector<std::string> suggestions = {}) {
  ModelReview r;
  r.model = {"Other", model};
  r.assessment = a;
  r.confidence = confidence;
  r.critiques = std::move(critiques);
  r.suggestions = std::move(suggestions);
  return r;
}

Critique critique(const std::string& target, CritiqueSeverity s, std::optional<std::string> fix = std::nullopt) {
  return {target, "problem with " + target, s, std::move(fix)};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(Consensus, ValuesAndPenalties) {
  EXPECT_EQ(assessment_value(Assessment::StronglyAgree), 1.0);
  EXPECT_EQ(assessment_value(Assessment::Agree), 0.75);
  EXPECT_EQ(assessment_value(Assessment::Neutral), 0.5);
  EXPECT_EQ(assessment_value(Assessment::Disagree), 0.25);
  EXPECT_EQ(assessment_value(Assessment::StronglyDisagree), 0.0);
  // Only the most severe critique counts.
  EXPECT_DOUBLE_EQ(review_score(review("m", Assessment::Agree, 1,
                                       {critique("a", CritiqueSeverity::Minor), critique("b", CritiqueSeverity::Major),
                                        critique("c", CritiqueSeverity::Moderate)})),
                   0.60);
  EXPECT_DOUBLE_EQ(review_score(review("m", Assessment::Agree, 1, {critique("a", CritiqueSeverity::Critical)})), 0.45);
  EXPECT_DOUBLE_EQ(review_score(review("m", Assessment::Disagree, 1, {critique("a", CritiqueSeverity::Critical)})), 0.0);
}

TEST(Consensus, ThreeAgreeingReviewers) {
  auto c = build_consensus("p1",
                           {review("a", Assessment::Agree, 0.8, {}, {"Looks good overall"}),
                            review("b", Assessment::Agree, 0.8, {}, {"Looks good overall"}),
                            review("c", Assessment::Agree, 0.8, {}, {"looks good  overall."})},
                           {}, {});
  EXPECT_DOUBLE_EQ(c.consensus_score, 0.75);
  EXPECT_TRUE(c.validated);
  EXPECT_EQ(c.plan_id, "p1");
  EXPECT_EQ(c.score_spread, std::optional<double>(0.0));
  EXPECT_EQ(c.agreements, (std::vector<std::string>{"All 3 reviewers approve the plan",
                                                    "All 3 reviewers are confident (above 0.7)"}));
  EXPECT_TRUE(c.disagreements.empty());
  EXPECT_EQ(c.modifications, std::vector<std::string>{"Looks good overall"});  // deduplicated
  EXPECT_EQ(c.synthesis,
            "Strong support for the plan. Score 0.75 against threshold 0.60 from 3 reviews: validated. Votes: 3 "
            "approve, 0 neutral, 0 reject. No critical or major critique was raised.");
  EXPECT_EQ(c.agreement_kappa, std::nullopt);  // one plan: see panel_agreement
}

TEST(Consensus, DashFlowMixedExampleWithoutCritiques) {
  // dashflow-core §5.4: agreeing + disagreeing + neutral -> 0.50625.
  auto c = build_consensus("p", {review("agree", Assessment::Agree, 0.8), review("disagree", Assessment::Disagree, 0.7),
                                 review("neutral", Assessment::Neutral, 0.5)},
                           {}, {});
  EXPECT_NEAR(c.consensus_score, 0.50625, 1e-12);
  EXPECT_FALSE(c.validated);
  EXPECT_TRUE(contains(c.synthesis, "Mixed verdicts on the plan. Score 0.51"));
  EXPECT_TRUE(contains(c.synthesis, "not validated: the score is below the threshold"));
  ASSERT_EQ(c.disagreements.size(), 1u);
  EXPECT_EQ(c.disagreements[0].topic, "Overall assessment");
  EXPECT_EQ(c.disagreements[0].models_a, (std::vector<ModelIdentifier>{{"Other", "agree"}}));
  EXPECT_EQ(c.disagreements[0].models_b, (std::vector<ModelIdentifier>{{"Other", "disagree"}}));
}

TEST(Consensus, CritiqueSeveritiesLowerTheScore) {
  // The same panel with DashFlow's mock critiques: disagree has a Major one, neutral a Minor one.
  auto c = build_consensus(
      "p",
      {review("agree", Assessment::Agree, 0.8, {}, {"Looks good overall"}),
       review("disagree", Assessment::Disagree, 0.7, {critique("proposal", CritiqueSeverity::Major, "Gather more data")},
              {"Reconsider approach"}),
       review("neutral", Assessment::Neutral, 0.5, {critique("scope", CritiqueSeverity::Minor)}, {"Clarify scope"})},
      {}, {});
  // s = 0.75, 0.10, 0.50; mean 0.45; weighted (0.6 + 0.07 + 0.25) / 2.0 = 0.46.
  EXPECT_NEAR(c.consensus_score, 0.455, 1e-12);
  EXPECT_NEAR(*c.score_spread, 0.65, 1e-12);
  EXPECT_FALSE(c.validated);
  EXPECT_EQ(c.modifications,
            (std::vector<std::string>{"Clarify scope", "Gather more data", "Looks good overall", "Reconsider approach"}));
  EXPECT_TRUE(contains(c.synthesis, "Open concerns: 0 critical, 1 major; the most severe, from Other/disagree on "
                                    "'proposal': \"problem with proposal\"."))
      << c.synthesis;
}

TEST(Consensus, SharedConcernsAreAgreements) {
  auto c = build_consensus("p",
                           {review("a", Assessment::Agree, 0.9, {critique("Rollback", CritiqueSeverity::Moderate)}),
                            review("b", Assessment::Agree, 0.9, {critique("rollback ", CritiqueSeverity::Major)}),
                            review("c", Assessment::Agree, 0.9, {critique("tests", CritiqueSeverity::Minor)})},
                           {}, {});
  EXPECT_TRUE(std::count(c.agreements.begin(), c.agreements.end(),
                         "2 of 3 reviewers raise concerns about 'Rollback' (most severe: major)") == 1)
      << ::testing::PrintToString(c.agreements);
}

TEST(Consensus, TieFailsClosed) {
  // Score 0.625 passes the threshold, but one approves and one rejects.
  auto c = build_consensus("p", {review("yes", Assessment::StronglyAgree, 1.0), review("no", Assessment::Disagree, 1.0)},
                           {}, {2, 0.6});
  EXPECT_DOUBLE_EQ(c.consensus_score, 0.625);
  EXPECT_FALSE(c.validated);
  EXPECT_TRUE(contains(c.synthesis, "not validated: as many reviewers reject the plan as approve it")) << c.synthesis;
  // Two neutrals and nobody approving cannot validate either, whatever the threshold.
  auto n = build_consensus("p", {review("a", Assessment::Neutral, 1.0), review("b", Assessment::Neutral, 1.0)}, {}, {2, 0.5});
  EXPECT_FALSE(n.validated);
  EXPECT_TRUE(contains(n.synthesis, "no majority of reviewers approves the plan"));
  EXPECT_EQ(n.agreements.front(), "All 2 reviewers are neutral on the plan");
}

TEST(Consensus, OneReviewerIsNotEnoughByDefault) {
  auto c = build_consensus("p", {review("only", Assessment::StronglyAgree, 0.9)}, {"Other/down: timed out"}, {2, 0.6});
  EXPECT_DOUBLE_EQ(c.consensus_score, 1.0);
  EXPECT_FALSE(c.validated);
  EXPECT_TRUE(contains(c.synthesis, "from 1 review (1 failed): not validated: 1 review succeeded, 2 required")) << c.synthesis;
  EXPECT_TRUE(c.agreements.empty());  // nothing to agree with
  EXPECT_EQ(c.failures, std::vector<std::string>{"Other/down: timed out"});
  // Asked for one review, one is enough.
  EXPECT_TRUE(build_consensus("p", {review("only", Assessment::StronglyAgree, 0.9)}, {}, {1, 0.6}).validated);
}

TEST(Consensus, AllFailedIsNotValidated) {
  auto c = build_consensus("p", {}, {"Other/b: HTTP 500", "Other/a: refused"}, {});
  EXPECT_EQ(c.consensus_score, 0.0);
  EXPECT_FALSE(c.validated);
  EXPECT_EQ(c.score_spread, std::nullopt);
  EXPECT_EQ(c.failures, (std::vector<std::string>{"Other/a: refused", "Other/b: HTTP 500"}));
  EXPECT_EQ(c.synthesis, "No review succeeded (2 failed); the plan is not validated.");
  // And with nothing at all, even with min_reviews 0 and threshold 0.
  EXPECT_FALSE(build_consensus("p", {}, {}, {0, 0.0}).validated);
}

TEST(Consensus, ThresholdEdgesAndOddInputs) {
  const std::vector<ModelReview> two = {review("a", Assessment::Agree, 0.5), review("b", Assessment::Agree, 0.5)};
  EXPECT_TRUE(build_consensus("p", two, {}, {2, 0.75}).validated);  // exactly at the threshold
  EXPECT_FALSE(build_consensus("p", two, {}, {2, 0.7500001}).validated);
  EXPECT_FALSE(build_consensus("p", two, {}, {2, std::nan("")}).validated);  // NaN fails closed
  EXPECT_TRUE(build_consensus("p", two, {}, {0, -3}).validated);           // clamped
  // Zero and NaN confidences: the weighted mean falls back to the plain mean.
  auto c = build_consensus("p", {review("a", Assessment::StronglyAgree, 0.0), review("b", Assessment::Neutral, std::nan(""))},
                           {}, {});
  EXPECT_DOUBLE_EQ(c.consensus_score, 0.75);
  EXPECT_FALSE(std::isnan(c.consensus_score));
}

TEST(Consensus, ResultDoesNotDependOnCompletionOrder) {
  std::vector<ModelReview> reviews = {review("c", Assessment::Agree, 0.9, {critique("x", CritiqueSeverity::Major)}, {"s1"}),
                                      review("a", Assessment::Disagree, 0.6, {}, {"s2"}),
                                      review("b", Assessment::StronglyAgree, 0.7, {}, {"s3"})};
  auto first = build_consensus("p", reviews, {"z: e", "y: e"}, {});
  std::reverse(reviews.begin(), reviews.end());
  auto second = build_consensus("p", reviews, {"y: e", "z: e"}, {});
  EXPECT_EQ(first, second);
  EXPECT_EQ(first.reviews.front().model.model, "a");
}

// ------------------------------------------------------------------ kappa

TEST(Kappa, TextbookExample) {
  // Fleiss' kappa worked example (Wikipedia, "Fleiss' kappa"): 10 subjects,
  // 14 raters, 5 categories; P-bar = 0.378, P_e = 0.213, kappa = 0.210.
  const std::vector<std::vector<uint64_t>> counts = {
      {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
      {7, 7, 0, 0, 0},  {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7}};
  auto k = fleiss_kappa(counts);
  ASSERT_TRUE(k);
  EXPECT_NEAR(*k, 0.20993, 5e-5);
}

TEST(Kappa, SmallCasesByHand) {
  EXPECT_NEAR(*fleiss_kappa({{2, 0}, {0, 2}, {1, 1}}), 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(*fleiss_kappa({{3, 0, 0}, {0, 3, 0}}), 1.0, 1e-12);
  EXPECT_EQ(fleiss_kappa({{3, 0}, {2, 0}}), std::nullopt);  // one category only: 0/0
  EXPECT_EQ(fleiss_kappa({}), std::nullopt);
  EXPECT_EQ(fleiss_kappa({{1, 0}, {0, 1}}), std::nullopt);  // nobody rated twice
  EXPECT_NEAR(*fleiss_kappa({{2, 0}, {0, 2}, {1, 0}}), 1.0, 1e-12);  // single ratings are skipped
  EXPECT_THROW(fleiss_kappa({{1, 1}, {1, 1, 0}}), std::invalid_argument);
}

TEST(Kappa, PanelAgreementOverPlans) {
  auto plan = [](std::vector<Assessment> votes) {
    std::vector<ModelReview> reviews;
    for (size_t i = 0; i < votes.size(); ++i) reviews.push_back(review("m" + std::to_string(i), votes[i], 0.8));
    return build_consensus("p", reviews, {}, {});
  };
  std::vector<ConsensusResult> results = {plan({Assessment::StronglyAgree, Assessment::Agree}),
                                          plan({Assessment::Disagree, Assessment::StronglyDisagree}),
                                          plan({Assessment::Agree})};  // one verdict: left out
  PanelAgreement five = panel_agreement(results);
  EXPECT_EQ(five.plans, 2u);
  EXPECT_EQ(five.ratings, 4u);
  EXPECT_DOUBLE_EQ(five.observed, 0.0);
  EXPECT_DOUBLE_EQ(five.expected, 0.25);
  EXPECT_NEAR(*five.kappa, -1.0 / 3.0, 1e-12);
  // On the approve/neutral/reject scale the same votes agree perfectly.
  PanelAgreement polarity = set_panel_kappa(results, KappaScale::Polarity);
  EXPECT_NEAR(*polarity.kappa, 1.0, 1e-12);
  for (const auto& r : results) EXPECT_EQ(r.agreement_kappa, polarity.kappa);
  // One plan is not enough for a kappa.
  PanelAgreement single = panel_agreement({results[0]});
  EXPECT_EQ(single.plans, 1u);
  EXPECT_EQ(single.kappa, std::nullopt);
}

// ------------------------------------------------------------------ running reviews

TEST(ReviewJobs, ResultsInOrderWithFailuresLabelled) {
  std::vector<ReviewJob> jobs = {
      {"Other/a", [] { return review("a", Assessment::Agree, 0.8); }},
      {"Other/b", []() -> ModelReview { throw std::runtime_error("HTTP 500 after 3 attempts"); }},
      {"Other/c", []() -> ModelReview { throw 42; }},
      {"Other/d", {}},
  };
  auto results = run_review_jobs(jobs, 2);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].review->model.model, "a");
  EXPECT_EQ(results[1].error, "Other/b: HTTP 500 after 3 attempts");
  EXPECT_EQ(results[2].error, "Other/c: unknown exception (not derived from std::exception)");
  EXPECT_EQ(results[3].error, "Other/d: no review function");
  EXPECT_TRUE(run_review_jobs({}, 4).empty());
}

TEST(ReviewJobs, RunConcurrentlyWithinTheLimit) {
  // Two jobs that each wait for the other finish only if they run at once.
  std::mutex m;
  std::condition_variable cv;
  int arrived = 0;
  auto rendezvous = [&](const std::string& name) {
    std::unique_lock<std::mutex> lock(m);
    ++arrived;
    cv.notify_all();
    if (!cv.wait_for(lock, std::chrono::seconds(60), [&] { return arrived >= 2; }))
      throw std::runtime_error("jobs did not run concurrently");
    return review(name, Assessment::Agree, 0.8);
  };
  auto results = run_review_jobs({{"a", [&] { return rendezvous("a"); }}, {"b", [&] { return rendezvous("b"); }}}, 0);
  EXPECT_TRUE(results[0].review && results[1].review) << results[0].error << results[1].error;

  // Never more than max_concurrency at once.
  std::atomic<int> running{0}, peak{0};
  std::vector<ReviewJob> jobs;
  for (int i = 0; i < 12; ++i)
    jobs.push_back({"j", [&] {
                      const int now = ++running;
                      int seen = peak.load();
                      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
                      }
                      std::this_thread::sleep_for(std::chrono::milliseconds(5));
                      --running;
                      return review("j", Assessment::Agree, 0.8);
                    }});
  for (const auto& r : run_review_jobs(jobs, 3)) EXPECT_TRUE(r.review);
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 1);
}

namespace {

class FakeReviewer : public Reviewer {
 public:
  FakeReviewer(std::string name, std::optional<Assessment> verdict, std::string unavailable = "")
      : name_(std::move(name)), verdict_(verdict), unavailable_(std::move(unavailable)) {}
  ModelIdentifier model() const override { return {"Other", name_}; }
  bool available(std::string& why) const override {
    why = unavailable_;
    return unavailable_.empty();
  }
  ModelReview review(const ReviewRequest& request) override {
    ++calls;
    if (!verdict_) throw std::runtime_error("reviewer " + name_ + ": the reply is empty");
    ModelReview r = ::review(name_, *verdict_, 0.9);
    r.raw_response = request.plan.id;
    return r;
  }
  std::atomic<int> calls{0};

 private:
  std::string name_;
  std::optional<Assessment> verdict_;
  std::string unavailable_;
};

}  // namespace

TEST(ReviewPlan, CombinesSuccessesFailuresAndUnavailableReviewers) {
  FakeReviewer good1("good1", Assessment::Agree), good2("good2", Assessment::StronglyAgree);
  FakeReviewer broken("broken", std::nullopt), nokey("nokey", Assessment::Agree, "environment variable K is not set");
  ReviewRequest request;
  request.plan.id = "plan-9";
  ConsensusResult c = review_plan({&good1, &broken, &nokey, &good2}, request, {2, 0.6}, 4);
  EXPECT_EQ(c.plan_id, "plan-9");
  ASSERT_EQ(c.reviews.size(), 2u);
  EXPECT_EQ(c.reviews[0].raw_response, "plan-9");
  EXPECT_EQ(c.failures, (std::vector<std::string>{"Other/broken: reviewer broken: the reply is empty",
                                                  "Other/nokey: unavailable: environment variable K is not set"}));
  EXPECT_EQ(nokey.calls.load(), 0);  // never called
  EXPECT_TRUE(c.validated);
  EXPECT_NEAR(c.consensus_score, 0.875, 1e-12);
}
