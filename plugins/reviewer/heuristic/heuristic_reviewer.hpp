// Reviewer "heuristic": a deterministic, offline reviewer. It judges a plan by
// rules over the plan and its evidence (how much evidence, how confident the
// finding, whether the plan can be verified and rolled back), so deep
// analysis has a reviewer that needs no network and no API key.
#pragma once

#include <dashflow/sdk.hpp>

namespace dashflow_plugins {

class HeuristicReviewer final : public dashflow::Reviewer {
 public:
  explicit HeuristicReviewer(const dashflow::PluginContext& ctx);

  dashflow::ModelIdentifier model() const override;
  bool available(std::string& why_not) const override;
  dashflow::ModelReview review(const dashflow::ReviewRequest& request) override;

 private:
  size_t min_citations_;
  double min_score_;
};

}  // namespace dashflow_plugins
