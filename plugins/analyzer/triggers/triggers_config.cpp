#include "triggers_config.hpp"

#include "dashflow/errors.hpp"
#include "dashflow_analyzers/config.hpp"

namespace dashflow::analyzers {

TriggersConfig TriggersConfig::from_json(const json& config) {
  TriggersConfig c;
  c.slow_node_threshold_ms = config_uint(config, "slow_node_threshold_ms", c.slow_node_threshold_ms);
  c.error_rate_threshold = config_number(config, "error_rate_threshold", c.error_rate_threshold, 0.0, 1.0);
  c.min_traces_for_error_rate = config_uint(config, "min_traces_for_error_rate", c.min_traces_for_error_rate);
  c.retry_threshold = config_uint(config, "retry_threshold", c.retry_threshold);
  c.unused_min_traces = config_uint(config, "unused_min_traces", c.unused_min_traces);
  if (auto it = config.find("graph"); it != config.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>().empty())
      throw ConfigError("triggers config: 'graph' must be a non-empty string");
    c.graph = it->get<std::string>();
  }
  return c;
}

}  // namespace dashflow::analyzers
