// Names of the unit-only enums: display names, their JSON (the bare variant
// name, as serde writes it), and the lenient parsers of dashflow-core.md §2.
#include <algorithm>
#include <cctype>

#include "json_support.hpp"

namespace dashflow {

using namespace detail;

namespace {

constexpr std::pair<const char*, Priority> kPriorities[] = {
    {"High", Priority::High}, {"Medium", Priority::Medium}, {"Low", Priority::Low}};
constexpr std::pair<const char*, AnalysisDepth> kDepths[] = {{"Metrics", AnalysisDepth::Metrics},
                                                             {"LocalAnalysis", AnalysisDepth::LocalAnalysis},
                                                             {"DeepAnalysis", AnalysisDepth::DeepAnalysis}};
constexpr std::pair<const char*, Assessment> kAssessments[] = {{"StronglyAgree", Assessment::StronglyAgree},
                                                               {"Agree", Assessment::Agree},
                                                               {"Neutral", Assessment::Neutral},
                                                               {"Disagree", Assessment::Disagree},
                                                               {"StronglyDisagree", Assessment::StronglyDisagree}};
constexpr std::pair<const char*, CritiqueSeverity> kCritiqueSeverities[] = {
    {"Minor", CritiqueSeverity::Minor},
    {"Moderate", CritiqueSeverity::Moderate},
    {"Major", CritiqueSeverity::Major},
    {"Critical", CritiqueSeverity::Critical}};
constexpr std::pair<const char*, PlanCategory> kPlanCategories[] = {
    {"Optimization", PlanCategory::Optimization},
    {"ApplicationImprovement", PlanCategory::ApplicationImprovement},
    {"PlatformImprovement", PlanCategory::PlatformImprovement},
    {"ProcessImprovement", PlanCategory::ProcessImprovement}};
constexpr std::pair<const char*, HypothesisSource> kHypothesisSources[] = {
    {"CapabilityGap", HypothesisSource::CapabilityGap},
    {"ExecutionPlan", HypothesisSource::ExecutionPlan},
    {"Deprecation", HypothesisSource::Deprecation},
    {"Manual", HypothesisSource::Manual}};
// DashFlow's own alert records use lowercase names; both spellings are read.
constexpr std::pair<const char*, AlertSeverity> kAlertSeverities[] = {
    {"Info", AlertSeverity::Info},       {"Warning", AlertSeverity::Warning}, {"Error", AlertSeverity::Error},
    {"Critical", AlertSeverity::Critical}, {"info", AlertSeverity::Info},     {"warning", AlertSeverity::Warning},
    {"error", AlertSeverity::Error},     {"critical", AlertSeverity::Critical}};

template <class E, size_t N>
std::string name_in(const std::pair<const char*, E> (&names)[N], E value) {
  for (const auto& [name, v] : names)
    if (v == value) return name;
  return "Unknown";
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Trim surrounding blanks: reviewers' replies often carry them.
  const auto first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = out.find_last_not_of(" \t\r\n");
  return out.substr(first, last - first + 1);
}

bool any_of(const std::string& s, std::initializer_list<const char*> options) {
  for (const char* o : options)
    if (s == o) return true;
  return false;
}

}  // namespace

// ------------------------------------------------------------ display names

std::string to_string(Priority p) { return name_in(kPriorities, p); }
std::string to_string(PlanCategory c) { return name_in(kPlanCategories, c); }
std::string to_string(Assessment a) { return name_in(kAssessments, a); }
std::string to_string(CritiqueSeverity s) { return name_in(kCritiqueSeverities, s); }
std::string to_string(AlertSeverity s) { return name_in(kAlertSeverities, s); }
std::string to_string(AnalysisDepth d) { return name_in(kDepths, d); }

std::string status_name(const PlanStatus& s) {
  static const char* const kNames[] = {"Proposed", "Validated", "InProgress", "Implemented", "Failed", "Superseded"};
  return kNames[s.value.index()];
}

std::string category_name(const GapCategory& c) {
  static const char* const kNames[] = {"MissingNode", "MissingTool", "InadequateFunctionality", "MissingIntegration",
                                       "PerformanceGap"};
  return kNames[c.value.index()];
}

// ------------------------------------------------------------ lenient parsers

Priority priority_from_string(std::string_view s) {
  const std::string l = lower(s);
  if (any_of(l, {"high", "p0", "critical"})) return Priority::High;
  if (any_of(l, {"medium", "p1", "normal"})) return Priority::Medium;
  return Priority::Low;
}

Assessment assessment_from_string(std::string_view s) {
  const std::string l = lower(s);
  if (any_of(l, {"stronglyagree", "strongly_agree", "strong_yes"})) return Assessment::StronglyAgree;
  if (any_of(l, {"agree", "yes", "approve"})) return Assessment::Agree;
  if (any_of(l, {"disagree", "no", "reject"})) return Assessment::Disagree;
  if (any_of(l, {"stronglydisagree", "strongly_disagree", "strong_no"})) return Assessment::StronglyDisagree;
  return Assessment::Neutral;
}

CritiqueSeverity severity_from_string(std::string_view s) {
  const std::string l = lower(s);
  if (any_of(l, {"critical", "blocking", "high"})) return CritiqueSeverity::Critical;
  if (any_of(l, {"major", "important"})) return CritiqueSeverity::Major;
  if (any_of(l, {"moderate", "medium"})) return CritiqueSeverity::Moderate;
  return CritiqueSeverity::Minor;
}

PlanCategory plan_category_from_string(std::string_view s) {
  const std::string l = lower(s);
  if (any_of(l, {"opt", "optimization", "prompt"})) return PlanCategory::Optimization;
  if (any_of(l, {"platform", "dashflow", "infrastructure"})) return PlanCategory::PlatformImprovement;
  if (any_of(l, {"process", "doc", "documentation"})) return PlanCategory::ProcessImprovement;
  return PlanCategory::ApplicationImprovement;
}

// ------------------------------------------------------------ JSON of unit enums

void to_json(json& j, const Priority& v) { j = to_string(v); }
void from_json(const json& j, Priority& v) { v = read_unit_enum(j, kPriorities); }

void to_json(json& j, const AnalysisDepth& v) { j = to_string(v); }
void from_json(const json& j, AnalysisDepth& v) { v = read_unit_enum(j, kDepths); }

void to_json(json& j, const Assessment& v) { j = to_string(v); }
void from_json(const json& j, Assessment& v) { v = read_unit_enum(j, kAssessments); }

void to_json(json& j, const CritiqueSeverity& v) { j = to_string(v); }
void from_json(const json& j, CritiqueSeverity& v) { v = read_unit_enum(j, kCritiqueSeverities); }

void to_json(json& j, const PlanCategory& v) { j = to_string(v); }
void from_json(const json& j, PlanCategory& v) { v = read_unit_enum(j, kPlanCategories); }

void to_json(json& j, const HypothesisSource& v) { j = name_in(kHypothesisSources, v); }
void from_json(const json& j, HypothesisSource& v) { v = read_unit_enum(j, kHypothesisSources); }

void to_json(json& j, const AlertSeverity& v) { j = to_string(v); }
void from_json(const json& j, AlertSeverity& v) { v = read_unit_enum(j, kAlertSeverities); }

}  // namespace dashflow
