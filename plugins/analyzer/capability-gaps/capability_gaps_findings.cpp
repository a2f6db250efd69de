#include "capability_gaps_findings.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "dashflow_analyzers/stats.hpp"
#include "dashflow_analyzers/text.hpp"

namespace dashflow::analyzers {

namespace {

bool contains(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }

// §3.1.1 category rules, tested on the normalized pattern in this order.
GapCategory error_category(const std::string& pattern, const std::set<std::string>& nodes) {
  const std::string first_node = nodes.empty() ? std::string() : *nodes.begin();  // alphabetical
  if (contains(pattern, "timeout") || contains(pattern, "timed out"))
    return GapCategory{GapCategory::PerformanceGap{"Timeout errors"}};
  if (contains(pattern, "not found") || contains(pattern, "undefined"))
    return GapCategory{GapCategory::MissingTool{"Missing dependency or tool"}};
  if (contains(pattern, "validation") || contains(pattern, "invalid"))
    return GapCategory{GapCategory::InadequateFunctionality{first_node, "Validation failures"}};
  return GapCategory{GapCategory::InadequateFunctionality{first_node, "Error pattern: " + truncate_text(pattern, 50)}};
}

// ">1s" for whole seconds, ">1500ms" otherwise.
std::string threshold_text(uint64_t ms) {
  if (ms > 0 && ms % 1000 == 0) return ">" + std::to_string(ms / 1000) + "s";
  return ">" + std::to_string(ms) + "ms";
}

// CapabilityGap has no default constructor (its variants' first alternatives
// have member initializers), so the variant fields are given up front.
CapabilityGap base_gap(std::string key, GapCategory category, GapManifestation manifestation) {
  return CapabilityGap{.description = {},
                       .evidence = {},
                       .manifestation = std::move(manifestation),
                       .proposed_solution = {},
                       .expected_impact = {},
                       .confidence = 0.5,
                       .category = std::move(category),
                       .key = std::move(key),
                       .source = kCapabilityGapsId};
}

}  // namespace

std::vector<CapabilityGap> error_pattern_gaps(const CapabilityGapState& state, const CapabilityGapConfig& config) {
  std::vector<CapabilityGap> out;
  for (const auto& [pattern, group] : state.errors) {
    if (group.count < config.min_error_count) continue;
    GapManifestation::Errors errors{group.count, {}};
    for (const auto& s : group.samples) errors.sample_messages.push_back(s.message);
    CapabilityGap gap = base_gap("error:" + pattern, error_category(pattern, group.nodes),
                                 GapManifestation{std::move(errors)});
    gap.description = "Recurring error pattern: " + truncate_text(pattern, 60);
    gap.evidence = group.evidence.citations();
    gap.proposed_solution =
        "Address root cause of '" + truncate_text(pattern, 40) + "' errors in nodes: " + join(group.nodes, ", ");
    gap.expected_impact = impact_medium("Eliminate " + std::to_string(group.count) + " recurring errors");
    const double n = static_cast<double>(group.count);
    const double node_count = static_cast<double>(group.nodes.size());
    gap.confidence = clamp01(0.5 + 0.3 * std::min(n / 10.0, 1.0) + 0.2 * std::min(node_count / 3.0, 1.0));
    out.push_back(std::move(gap));
  }
  return out;
}

std::vector<CapabilityGap> retry_gaps(const CapabilityGapState& state, const CapabilityGapConfig& config) {
  std::vector<CapabilityGap> out;
  for (const auto& [name, stats] : state.nodes) {
    if (stats.executions == 0) continue;
    const double total = static_cast<double>(stats.executions);
    const double rate = static_cast<double>(stats.retries) / total;
    if (rate < config.min_retry_rate) continue;
    const std::string pct = fixed(rate * 100.0, 1);
    GapCategory category{GapCategory::InadequateFunctionality{
        name, "Node has " + pct + "% retry rate (" + std::to_string(stats.retries) + " retries in " +
                  std::to_string(stats.executions) + " executions)"}};
    CapabilityGap gap =
        base_gap("retry:" + name, std::move(category), GapManifestation{GapManifestation::Retries{rate, {name}}});
    gap.description = "High retry rate in node '" + name + "'";
    gap.evidence = stats.retry_evidence.citations();
    gap.proposed_solution =
        "Investigate why '" + name + "' requires retries and improve error handling or add fallback logic";
    gap.expected_impact = impact_medium("Reduce " + pct + "% retry rate to improve reliability");
    gap.confidence = clamp01(0.4 + 0.4 * std::min(rate, 1.0) + 0.2 * std::min(total / 20.0, 1.0));
    out.push_back(std::move(gap));
  }
  return out;
}

std::vector<CapabilityGap> slow_node_gaps(const CapabilityGapState& state, const CapabilityGapConfig& config) {
  std::vector<CapabilityGap> out;
  for (const auto& [name, stats] : state.nodes) {
    const uint64_t n = stats.durations_ms.size();
    if (n == 0 || n < config.min_pattern_occurrences) continue;
    const uint64_t p95 = p95_nearest_rank(stats.durations_ms);
    if (p95 <= config.threshold_ms) continue;
    const uint64_t avg = stats.duration_sum_ms / n;
    const std::string p95s = std::to_string(p95), avgs = std::to_string(avg);
    GapCategory category{GapCategory::PerformanceGap{"p95 latency: " + p95s + "ms, avg: " + avgs + "ms over " +
                                                     std::to_string(n) + " executions"}};
    GapManifestation manifestation{GapManifestation::SuboptimalPaths{
        "Node '" + name + "' consistently takes " + threshold_text(config.threshold_ms) + " (p95: " + p95s + "ms)"}};
    CapabilityGap gap = base_gap("slow:" + name, std::move(category), std::move(manifestation));
    gap.description = "Performance bottleneck in node '" + name + "'";
    gap.evidence = stats.slow_evidence.citations();
    gap.proposed_solution =
        "Optimize '" + name + "' node - consider caching, parallel execution, or algorithm improvements";
    gap.expected_impact.error_reduction = 0;
    gap.expected_impact.latency_reduction_ms = static_cast<double>(latency_reduction_ms(p95, avg));
    gap.expected_impact.accuracy_improvement = 0;
    gap.expected_impact.description = "Reduce latency from " + p95s + "ms p95 to ~" + avgs + "ms";
    gap.confidence = 0.7;
    out.push_back(std::move(gap));
  }
  return out;
}

std::vector<CapabilityGap> missing_tool_gaps(const CapabilityGapState& state, const CapabilityGapConfig& config) {
  std::vector<CapabilityGap> out;
  for (const auto& [tool, stats] : state.missing_tools) {
    if (tool.empty() || stats.count < config.min_error_count) continue;
    const std::string count = std::to_string(stats.count);
    GapCategory category{
        GapCategory::MissingTool{"Tool '" + tool + "' referenced but not available (" + count + " errors)"}};
    GapManifestation manifestation{
        GapManifestation::Errors{stats.count, {"Tool '" + tool + "' not found or undefined"}}};
    CapabilityGap gap = base_gap("missing_tool:" + tool, std::move(category), std::move(manifestation));
    gap.description = "Missing tool: " + tool;
    gap.evidence = stats.evidence.citations();
    gap.proposed_solution = "Implement tool '" + tool + "' or provide alternative functionality";
    gap.expected_impact = impact_high("Enable functionality currently failing due to missing '" + tool + "'");
    gap.confidence = 0.8;
    out.push_back(std::move(gap));
  }
  return out;
}

std::vector<CapabilityGap> select_gaps(std::vector<CapabilityGap> gaps, double min_confidence) {
  std::erase_if(gaps, [&](const CapabilityGap& g) { return g.confidence < min_confidence; });
  std::stable_sort(gaps.begin(), gaps.end(), [](const CapabilityGap& a, const CapabilityGap& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    return a.key < b.key;
  });
  std::set<std::pair<size_t, std::string>> seen;
  std::vector<CapabilityGap> out;
  for (auto& gap : gaps)
    if (seen.emplace(gap.category.value.index(), gap.key).second) out.push_back(std::move(gap));
  return out;
}

}  // namespace dashflow::analyzers
