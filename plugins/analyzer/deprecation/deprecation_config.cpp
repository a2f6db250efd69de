#include "deprecation_config.hpp"

#include "dashflow_analyzers/config.hpp"

namespace dashflow::analyzers {

DeprecationConfig DeprecationConfig::from_json(const json& config) {
  DeprecationConfig c;
  c.min_total_executions = config_uint(config, "min_total_executions", c.min_total_executions);
  c.usage_threshold = config_number(config, "usage_threshold", c.usage_threshold, 0.0, 1e9);
  c.min_confidence = config_number(config, "min_confidence", c.min_confidence, 0.0, 1.0);
  c.rare_tool_max_share = config_number(config, "rare_tool_max_share", c.rare_tool_max_share, 0.0, 1.0);
  c.rare_tool_avg_factor = config_number(config, "rare_tool_avg_factor", c.rare_tool_avg_factor, 0.0, 1e9);
  c.known_nodes = config_strings(config, "known_nodes");
  c.known_tools = config_strings(config, "known_tools");
  return c;
}

}  // namespace dashflow::analyzers
