#include "finding_keys.hpp"

#include <type_traits>

#include "dashflow/ids.hpp"
#include "dashflow/json.hpp"
#include "text_util.hpp"

namespace dashflow::planner {

PlanCategory plan_category_for_gap(const GapCategory& category) {
  return std::visit(
      [](const auto& c) -> PlanCategory {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, GapCategory::MissingIntegration>) return PlanCategory::PlatformImprovement;
        else if constexpr (std::is_same_v<T, GapCategory::PerformanceGap>) return PlanCategory::Optimization;
        else return PlanCategory::ApplicationImprovement;
      },
      category.value);
}

std::string gap_key(const CapabilityGap& gap) {
  if (!gap.key.empty()) return gap.key;
  const bool retries = std::holds_alternative<GapManifestation::Retries>(gap.manifestation.value);
  return std::visit(
      [&](const auto& c) -> std::string {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, GapCategory::MissingTool>) {
          if (auto name = first_quoted(c.tool_description)) return "missing_tool:" + *name;
          if (auto name = first_quoted(gap.description)) return "missing_tool:" + *name;
          return "missing_tool:" + normalize_key_text(gap.description);
        } else if constexpr (std::is_same_v<T, GapCategory::MissingNode>) {
          return "missing_node:" + normalize_key_text(c.suggested_signature);
        } else if constexpr (std::is_same_v<T, GapCategory::InadequateFunctionality>) {
          if (retries) return "retry:" + c.node;
          return "inadequate:" + c.node + ":" + normalize_key_text(gap.description);
        } else if constexpr (std::is_same_v<T, GapCategory::MissingIntegration>) {
          return "missing_integration:" + normalize_key_text(c.external_system);
        } else {
          if (auto name = first_quoted(gap.description)) return "performance:" + *name;
          return "performance:" + normalize_key_text(gap.description);
        }
      },
      gap.category.value);
}

std::string deprecation_key(const DeprecationRecommendation& dep) {
  if (!dep.key.empty()) return dep.key;
  return std::visit(
      [](const auto& t) -> std::string {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, DeprecationTarget::Node>) return "deprecate_node:" + t.name;
        else if constexpr (std::is_same_v<T, DeprecationTarget::Tool>) return "deprecate_tool:" + t.name;
        else if constexpr (std::is_same_v<T, DeprecationTarget::Edge>) return "deprecate_edge:" + t.from + "->" + t.to;
        else if constexpr (std::is_same_v<T, DeprecationTarget::Feature>) return "deprecate_feature:" + t.name;
        else return "deprecate_code:" + t.location;
      },
      dep.target.value);
}

std::string retro_tool_key(const MissingToolAnalysis& tool) { return "retro_tool:" + tool.tool_name; }

std::string insight_key(std::string_view scope, std::string_view insight) {
  return "insight:" + std::string(scope) + ":" + insight_kind(insight);
}

std::string plan_fingerprint(std::string_view kind, std::string_view key, PlanCategory category) {
  std::string text(kind);
  text += '|';
  text += key;
  text += '|';
  text += to_string(category);
  return fingerprint_of(text);
}

std::string gap_fingerprint(const CapabilityGap& gap) {
  return plan_fingerprint(kKindGap, gap_key(gap), plan_category_for_gap(gap.category));
}

std::string deprecation_fingerprint(const DeprecationRecommendation& dep) {
  return plan_fingerprint(kKindDeprecation, deprecation_key(dep), PlanCategory::ProcessImprovement);
}

}  // namespace dashflow::planner
