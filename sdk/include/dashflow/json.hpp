// JSON read/write for every SDK type, in DashFlow's serde shapes:
// externally tagged enums, required fields enforced, unknown fields ignored,
// optional extension fields written only when set.
//
// Reading errors are dashflow::JsonError and name the field path, e.g.
//   nodes_executed[3].duration_ms: expected an unsigned integer, got string
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

#include "dashflow/types.hpp"

namespace dashflow {

class JsonError : public std::runtime_error {
 public:
  JsonError(std::string path, const std::string& message)
      : std::runtime_error(path.empty() ? message : path + ": " + message), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using json = nlohmann::json;

#define DASHFLOW_JSON_DECLARE(T)          \
  void to_json(json& j, const T& value);  \
  void from_json(const json& j, T& value);

DASHFLOW_JSON_DECLARE(RawJson)
DASHFLOW_JSON_DECLARE(TokenUsage)
DASHFLOW_JSON_DECLARE(ToolCall)
DASHFLOW_JSON_DECLARE(NodeExecution)
DASHFLOW_JSON_DECLARE(ErrorTrace)
DASHFLOW_JSON_DECLARE(ExecutionTrace)
DASHFLOW_JSON_DECLARE(ModelIdentifier)
DASHFLOW_JSON_DECLARE(Priority)
DASHFLOW_JSON_DECLARE(AnalysisDepth)
DASHFLOW_JSON_DECLARE(CitationSource)
DASHFLOW_JSON_DECLARE(CitationRetrieval)
DASHFLOW_JSON_DECLARE(Citation)
DASHFLOW_JSON_DECLARE(Impact)
DASHFLOW_JSON_DECLARE(GapCategory)
DASHFLOW_JSON_DECLARE(GapManifestation)
DASHFLOW_JSON_DECLARE(CapabilityGap)
DASHFLOW_JSON_DECLARE(DeprecationTarget)
DASHFLOW_JSON_DECLARE(DeprecationRecommendation)
DASHFLOW_JSON_DECLARE(ComparisonMetrics)
DASHFLOW_JSON_DECLARE(ReportExecutionSummary)
DASHFLOW_JSON_DECLARE(Counterfactual)
DASHFLOW_JSON_DECLARE(MissingToolAnalysis)
DASHFLOW_JSON_DECLARE(RetrospectiveAnalysis)
DASHFLOW_JSON_DECLARE(DetectedPattern)
DASHFLOW_JSON_DECLARE(ProposalSource)
DASHFLOW_JSON_DECLARE(ImprovementProposal)
DASHFLOW_JSON_DECLARE(Assessment)
DASHFLOW_JSON_DECLARE(CritiqueSeverity)
DASHFLOW_JSON_DECLARE(Critique)
DASHFLOW_JSON_DECLARE(ModelReview)
DASHFLOW_JSON_DECLARE(Disagreement)
DASHFLOW_JSON_DECLARE(ConsensusResult)
DASHFLOW_JSON_DECLARE(PlanCategory)
DASHFLOW_JSON_DECLARE(ImplementationStep)
DASHFLOW_JSON_DECLARE(PlanStatus)
DASHFLOW_JSON_DECLARE(PlanAction)
DASHFLOW_JSON_DECLARE(ExecutionPlan)
DASHFLOW_JSON_DECLARE(ExpectedEvidence)
DASHFLOW_JSON_DECLARE(EvaluationTrigger)
DASHFLOW_JSON_DECLARE(HypothesisStatus)
DASHFLOW_JSON_DECLARE(HypothesisSource)
DASHFLOW_JSON_DECLARE(ObservedEvidence)
DASHFLOW_JSON_DECLARE(HypothesisOutcome)
DASHFLOW_JSON_DECLARE(Hypothesis)
DASHFLOW_JSON_DECLARE(IntrospectionScope)
DASHFLOW_JSON_DECLARE(SkippedInput)
DASHFLOW_JSON_DECLARE(PluginFailure)
DASHFLOW_JSON_DECLARE(IntrospectionReport)
DASHFLOW_JSON_DECLARE(AlertSeverity)
DASHFLOW_JSON_DECLARE(Alert)
DASHFLOW_JSON_DECLARE(RecurringPattern)
DASHFLOW_JSON_DECLARE(ImprovementMomentum)
DASHFLOW_JSON_DECLARE(DeadEnd)
DASHFLOW_JSON_DECLARE(SuccessPattern)
DASHFLOW_JSON_DECLARE(MetaAnalysisResult)

#undef DASHFLOW_JSON_DECLARE

// Parse text into T. Throws JsonError naming the field path (syntax errors
// name the byte offset).
template <class T>
T from_json_text(std::string_view text) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw JsonError("", std::string("invalid JSON: ") + e.what());
  }
  T value{};
  from_json(j, value);
  return value;
}

template <class T>
std::string to_json_text(const T& value, bool pretty = true) {
  json j;
  to_json(j, value);
  return pretty ? j.dump(2) : j.dump();
}

// Display names: "High", "InProgress", "ApplicationImprovement", ...
std::string to_string(Priority p);
std::string to_string(PlanCategory c);
std::string to_string(Assessment a);
std::string to_string(CritiqueSeverity s);
std::string to_string(AlertSeverity s);
std::string to_string(AnalysisDepth d);
std::string status_name(const PlanStatus& s);  // "Proposed", "InProgress", ...
std::string category_name(const GapCategory& c);  // "MissingTool", ...

// Lenient parsers used by reviewers and config (DashFlow's From<&str> rules).
Priority priority_from_string(std::string_view s);
Assessment assessment_from_string(std::string_view s);
CritiqueSeverity severity_from_string(std::string_view s);
PlanCategory plan_category_from_string(std::string_view s);

}  // namespace dashflow
