#include "deprecation_findings.hpp"

#include <algorithm>
#include <utility>

#include "dashflow/time.hpp"
#include "dashflow_analyzers/stats.hpp"
#include "dashflow_analyzers/text.hpp"

namespace dashflow::analyzers {

namespace {

// DeprecationRecommendation has no default constructor (see types.hpp: the
// target variant's first alternative has member initializers).
DeprecationRecommendation make_recommendation(std::string key, DeprecationTarget target) {
  return DeprecationRecommendation{.target = std::move(target),
                                   .rationale = {},
                                   .evidence = {},
                                   .benefits = {},
                                   .risks = {},
                                   .confidence = 0.5,
                                   .migration_path = std::nullopt,
                                   .key = std::move(key),
                                   .source = kDeprecationId};
}

const UsageStats* find(const std::map<std::string, UsageStats, std::less<>>& table, const std::string& name) {
  const auto it = table.find(name);
  return it == table.end() ? nullptr : &it->second;
}

// Never used: clamp01(0.7 + min(T/100, 0.3)), the reference's unused-node rule.
double never_used_confidence(uint64_t traces) {
  return clamp01(0.7 + std::min(static_cast<double>(traces) / 100.0, 0.3));
}

// Rarely used: clamp01(0.5 + 0.3*(1 - share) + min(T/100, 0.2)), the
// reference's rare-node rule; `share` is the usage rate for nodes and the
// share of the most used tool's calls for tools.
double rarely_used_confidence(double share, uint64_t traces) {
  return clamp01(0.5 + 0.3 * (1.0 - share) + std::min(static_cast<double>(traces) / 100.0, 0.2));
}

void add_evidence(DeprecationRecommendation& rec, Citation aggregate, const UsageStats* stats) {
  rec.evidence.push_back(std::move(aggregate));
  if (stats) {
    auto uses = stats->evidence.citations();
    rec.evidence.insert(rec.evidence.end(), uses.begin(), uses.end());
  }
}

}  // namespace

std::set<std::string> merge_known(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::set<std::string> out;
  for (const auto* list : {&a, &b})
    for (const auto& name : *list)
      if (!name.empty()) out.insert(name);
  return out;
}

std::vector<DeprecationRecommendation> node_recommendations(const DeprecationState& state,
                                                            const DeprecationConfig& config,
                                                            const std::set<std::string>& known_nodes) {
  std::vector<DeprecationRecommendation> out;
  const uint64_t total = state.traces;
  if (total == 0) return out;
  const std::string traces = std::to_string(total);
  for (const auto& name : known_nodes) {
    const UsageStats* stats = find(state.nodes, name);
    const uint64_t usage = stats ? stats->count : 0;
    const double rate = static_cast<double>(usage) / static_cast<double>(total);
    if (rate >= config.usage_threshold) continue;
    auto rec = make_recommendation("deprecate_node:" + name, DeprecationTarget{DeprecationTarget::Node{name, usage}});
    if (usage == 0) {
      rec.rationale = "Node '" + name + "' was never executed in " + traces + " traces";
      rec.risks = {"Node may be used in untested scenarios"};
      rec.confidence = never_used_confidence(total);
    } else {
      const std::string pct = fixed(rate * 100.0, 2);
      rec.rationale = "Node '" + name + "' was executed only " + std::to_string(usage) + " times (" + pct + "%) in " +
                      traces + " traces";
      rec.risks = {"Node is used in " + pct + "% of executions - verify these are not critical"};
      rec.confidence = rarely_used_confidence(rate, total);
    }
    rec.benefits = {"Remove unused code", "Simplify graph structure", "Reduce maintenance burden"};
    add_evidence(rec,
                 aggregation_citation("SELECT node, COUNT(*) FROM traces WHERE node = '" + name + "'",
                                      std::to_string(usage) + " executions of '" + name + "' in " + traces + " traces"),
                 stats);
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<DeprecationRecommendation> tool_recommendations(const DeprecationState& state,
                                                            const DeprecationConfig& config,
                                                            const std::set<std::string>& known_tools) {
  std::vector<DeprecationRecommendation> out;
  const uint64_t total = state.traces;
  const std::string traces = std::to_string(total);
  const std::vector<std::string> benefits = {"Reduce tool maintenance", "Simplify tool registry"};

  // Known tools that were never called.
  for (const auto& name : known_tools) {
    const UsageStats* stats = find(state.tools, name);
    if (stats && stats->count > 0) continue;
    auto rec = make_recommendation("unused_tool:" + name,
                                   DeprecationTarget{DeprecationTarget::Tool{name, std::nullopt}});
    rec.rationale = "Tool '" + name + "' was never called in " + traces + " traces";
    rec.benefits = benefits;
    rec.risks = {"Tool may be used in untested scenarios"};
    rec.confidence = never_used_confidence(total);
    add_evidence(rec,
                 aggregation_citation("SELECT tool, COUNT(*) FROM tool_calls WHERE tool = '" + name + "'",
                                      "0 calls of '" + name + "' in " + traces + " traces"),
                 nullptr);
    out.push_back(std::move(rec));
  }

  // Called tools that are rarely used next to the others.
  uint64_t max_calls = 0, sum_calls = 0, called = 0;
  for (const auto& [name, stats] : state.tools) {
    if (stats.count == 0) continue;
    max_calls = std::max(max_calls, stats.count);
    sum_calls += stats.count;
    ++called;
  }
  if (called == 0) return out;
  const double avg = static_cast<double>(sum_calls) / static_cast<double>(called);
  for (const auto& [name, stats] : state.tools) {
    if (stats.count == 0) continue;
    const double share = static_cast<double>(stats.count) / static_cast<double>(max_calls);
    if (!(share < config.rare_tool_max_share && static_cast<double>(stats.count) < config.rare_tool_avg_factor * avg))
      continue;
    std::optional<Timestamp> last_used;
    if (stats.last_used_ms != 0) last_used = format_rfc3339_ms(stats.last_used_ms);
    auto rec = make_recommendation("deprecate_tool:" + name,
                                   DeprecationTarget{DeprecationTarget::Tool{name, std::move(last_used)}});
    const std::string calls = std::to_string(stats.count);
    rec.rationale =
        "Tool '" + name + "' is rarely used (" + calls + " calls, " + fixed(share * 100.0, 1) + "% of most used tool)";
    rec.benefits = benefits;
    rec.risks = {"Tool is still called " + calls + " times - verify not critical"};
    rec.confidence = rarely_used_confidence(share, total);
    add_evidence(rec,
                 aggregation_citation("SELECT tool, COUNT(*) FROM tool_calls WHERE tool = '" + name + "'",
                                      calls + " calls of '" + name + "' in " + traces + " traces"),
                 &stats);
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<DeprecationRecommendation> select_recommendations(std::vector<DeprecationRecommendation> recs,
                                                              double min_confidence) {
  std::erase_if(recs, [&](const DeprecationRecommendation& r) { return r.confidence < min_confidence; });
  std::sort(recs.begin(), recs.end(), [](const DeprecationRecommendation& a, const DeprecationRecommendation& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    return a.key < b.key;
  });
  return recs;
}

}  // namespace dashflow::analyzers
