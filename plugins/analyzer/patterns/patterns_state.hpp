// Mergeable state of the patterns analyzer: error-pattern and flow tables,
// timeout counts and the per-trace samples for degradation and token outliers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "dashflow_analyzers/evidence.hpp"
#include "trace_samples.hpp"

namespace dashflow::analyzers {

struct PatternGroup {
  uint64_t count = 0;
  std::set<std::string> nodes;
  EvidenceSet evidence;
};

struct FlowStats {
  uint64_t count = 0;
  std::set<std::string> nodes;
  EvidenceSet evidence;
};

class PatternsState final : public AnalyzerState {
 public:
  uint64_t traces = 0;
  std::map<std::string, PatternGroup, std::less<>> errors;  // by normalize_for_pattern(message)
  std::map<std::string, FlowStats, std::less<>> flows;      // by "a -> b -> c"
  PatternGroup timeouts;
  TraceSamples samples;

  void add(const ExecutionTrace& trace, const TraceOrigin& origin);
  void merge(const PatternsState& other);

  // The tables; the samples are saved apart (packed, see PatternsAnalyzer::save_state).
  json to_json() const;
  void load_json(const json& j);
};

// Node names joined with " -> " ("" for a trace without nodes).
std::string flow_signature(const ExecutionTrace& trace);

}  // namespace dashflow::analyzers
