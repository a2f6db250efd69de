#include "retrospective_config.hpp"

#include "dashflow_analyzers/config.hpp"

namespace dashflow::analyzers {

RetrospectiveConfig RetrospectiveConfig::from_json(const json& config) {
  RetrospectiveConfig c;
  c.include_platform_insights = config_bool(config, "include_platform_insights", c.include_platform_insights);
  c.slow_trace_ms = config_uint(config, "slow_trace_ms", c.slow_trace_ms);
  c.success_rate_target = config_number(config, "success_rate_target", c.success_rate_target, 0.0, 1.0);
  c.hot_node_percent = config_number(config, "hot_node_percent", c.hot_node_percent, 0.0, 1e12);
  c.variance_factor = config_number(config, "variance_factor", c.variance_factor, 0.0, 1e12);
  c.high_avg_tokens = config_uint(config, "high_avg_tokens", c.high_avg_tokens);
  c.min_node_errors = config_uint(config, "min_node_errors", c.min_node_errors);
  c.min_missing_tool_errors = config_uint(config, "min_missing_tool_errors", c.min_missing_tool_errors);
  return c;
}

}  // namespace dashflow::analyzers
