#include "planner_config.hpp"

#include <string>

#include "dashflow/errors.hpp"

namespace dashflow::planner {
namespace {

double read_fraction(const json& config, const char* key, double fallback) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  if (!it->is_number()) throw ConfigError(std::string("default-planner: '") + key + "' must be a number");
  const double v = it->get<double>();
  if (!(v >= 0.0 && v <= 1.0)) throw ConfigError(std::string("default-planner: '") + key + "' must be within [0, 1]");
  return v;
}

uint64_t read_count(const json& config, const char* key, uint64_t fallback, uint64_t minimum) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) throw ConfigError(std::string("default-planner: '") + key + "' must be an integer");
  const int64_t v = it->get<int64_t>();
  if (v < static_cast<int64_t>(minimum))
    throw ConfigError(std::string("default-planner: '") + key + "' must be >= " + std::to_string(minimum));
  return static_cast<uint64_t>(v);
}

bool read_flag(const json& config, const char* key, bool fallback) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw ConfigError(std::string("default-planner: '") + key + "' must be a boolean");
  return it->get<bool>();
}

}  // namespace

PlannerConfig PlannerConfig::from_json(const json& config) {
  PlannerConfig c;
  if (config.is_null()) return c;
  if (!config.is_object()) throw ConfigError("default-planner: config must be an object");
  c.min_confidence = read_fraction(config, "min_confidence", c.min_confidence);
  c.min_validation_score = read_fraction(config, "min_validation_score", c.min_validation_score);
  c.evaluate_after_executions = read_count(config, "evaluate_after_executions", c.evaluate_after_executions, 1);
  c.metric_tolerance = read_fraction(config, "metric_tolerance", c.metric_tolerance);
  c.min_confidence_for_hypothesis =
      read_fraction(config, "min_confidence_for_hypothesis", c.min_confidence_for_hypothesis);
  c.min_reports_for_patterns = read_count(config, "min_reports_for_patterns", c.min_reports_for_patterns, 1);
  c.analysis_window = read_count(config, "analysis_window", c.analysis_window, 1);
  c.recurrence_threshold = read_fraction(config, "recurrence_threshold", c.recurrence_threshold);
  c.auto_add_test_steps = read_flag(config, "auto_add_test_steps", c.auto_add_test_steps);
  c.auto_add_rollback = read_flag(config, "auto_add_rollback", c.auto_add_rollback);
  return c;
}

}  // namespace dashflow::planner
