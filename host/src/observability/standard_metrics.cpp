#include "observability/standard_metrics.hpp"

#include "observability/metrics.hpp"

namespace dashflow::host {

void describe_standard_metrics() {
  auto& m = MetricsRegistry::global();
  const std::vector<double> seconds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
  m.describe("dashflow_self_improve_cycles_total", "Daemon analysis cycles completed", "counter");
  m.describe("dashflow_self_improve_cycle_duration_seconds", "Duration of one daemon cycle", "histogram", seconds);
  m.describe("dashflow_self_improve_triggers_fired_total", "Alert triggers fired, by trigger type", "counter");
  m.describe("dashflow_self_improve_traces_analyzed_total", "Traces analyzed (each trace once)", "counter");
  m.describe("dashflow_analysis_runs_total", "Analysis runs, by depth", "counter");
  m.describe("dashflow_self_improve_errors_total", "Errors, by component", "counter");
  m.describe("dashflow_self_improve_plans_generated_total", "Plans created by analysis", "counter");
  m.describe("dashflow_self_improve_plans_approved_total", "Plans approved", "counter");
  m.describe("dashflow_self_improve_plans_implemented_total", "Plans marked implemented", "counter");
  m.describe("dashflow_self_improve_plans_failed_total", "Plans marked failed", "counter");
  m.describe("dashflow_self_improve_plans_by_status", "Stored plans, by status", "gauge");
  m.describe("dashflow_self_improve_storage_operations_total", "Storage operations, by operation and item type",
             "counter");
  m.describe("dashflow_self_improve_storage_size_bytes", "Bytes used by the introspection storage", "gauge");
  m.describe("dashflow_self_improve_storage_items", "Stored items, by item type", "gauge");
  m.describe("dashflow_self_improve_cache_hits_total", "Analysis cache hits (unchanged trace files)", "counter");
  m.describe("dashflow_self_improve_cache_misses_total", "Analysis cache misses", "counter");
  m.describe("dashflow_self_improve_cache_size", "Entries in the analysis cache", "gauge");
  m.describe("dashflow_self_improve_analysis_duration_seconds", "Duration of one analysis, by analysis type",
             "histogram", seconds);
  m.describe("dashflow_self_improve_alerts_dispatched_total", "Alerts delivered, by sink", "counter");
  m.describe("dashflow_self_improve_alert_failures_total", "Alert deliveries that failed, by sink", "counter");
  m.describe("dashflow_traces_ingested_total", "Traces read by the trace sources", "counter");
  m.describe("dashflow_inputs_skipped_total", "Unreadable trace inputs skipped", "counter");
  m.describe("dashflow_plugin_calls_total", "Calls into plugins, by plugin and stage", "counter");
  m.describe("dashflow_plugin_errors_total", "Failed calls into plugins, by plugin and stage", "counter");
  m.describe("dashflow_plugin_call_duration_seconds", "Duration of calls into plugins, by plugin and stage",
             "histogram", {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30});
}

const char* plan_transition_counter(const std::string& verb) {
  if (verb == "approved") return "dashflow_self_improve_plans_approved_total";
  if (verb == "completed") return "dashflow_self_improve_plans_implemented_total";
  if (verb == "failed") return "dashflow_self_improve_plans_failed_total";
  return nullptr;
}

}  // namespace dashflow::host
