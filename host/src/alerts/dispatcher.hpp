// The host-side alert dispatcher: sends each alert to every configured sink
// whose minimum severity it reaches, deduplicated per (fingerprint, sink).
//
// - Fingerprint: a hash of (alert kind, labels["node"], labels["graph"]),
//   never of titles with numbers in them; kept when the caller set one.
// - Dedup: a firing alert is not re-sent to a sink within repeat_interval_ms
//   of its last successful delivery there, unless it resolved in between or
//   its severity went up. A resolved notice goes only to sinks that were told
//   the alert was firing (and not yet that it resolved).
// - Failures: a sink that throws never stops the others; its delivery is not
//   marked, so the next dispatch retries it. Results count real deliveries.
// - The decision and the mark happen under one lock: concurrent dispatches
//   cannot send the same alert twice.
// - State (last deliveries) round-trips through JSON, so a restarted daemon
//   does not re-alert.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dashflow/plugin.hpp"
#include "dashflow/types.hpp"
#include "plugin/registry.hpp"

namespace dashflow::host {

struct DispatcherConfig {
  int64_t repeat_interval_ms = 4LL * 3600 * 1000;       // Alertmanager's default repeat_interval
  int64_t state_retention_ms = 7LL * 24 * 3600 * 1000;  // how long a firing mark is remembered
  AlertSeverity min_severity = AlertSeverity::Info;     // for sinks without their own
  std::map<std::string, AlertSeverity> sink_min_severity;
};

// JSON Schema of the config file's "alerts" section (for the host schema).
const nlohmann::json& dispatcher_config_schema();
// Reads the "alerts" section (null/absent = defaults). Throws ConfigFileError
// listing every problem with its key ("alerts.repeat_interval_ms: ...").
DispatcherConfig dispatcher_config_from_json(const nlohmann::json& alerts_section);

struct SinkError {
  std::string sink;
  std::string fingerprint;  // empty for flush errors
  std::string message;
};

struct DispatchResult {
  size_t delivered = 0;   // successful (alert, sink) deliveries
  size_t failed = 0;      // (alert, sink) deliveries that threw
  size_t suppressed = 0;  // (alert, sink) pairs skipped by dedup / repeat interval
  size_t filtered = 0;    // (alert, sink) pairs below the sink's minimum severity
  std::vector<SinkError> errors;
  void merge(const DispatchResult& other);
};

// fingerprint_of of the canonical (kind, node, graph) triple.
std::string alert_fingerprint(const Alert& alert);

class AlertDispatcher {
 public:
  using Clock = std::function<int64_t()>;  // milliseconds since the Unix epoch

  explicit AlertDispatcher(DispatcherConfig config = {}, Clock clock = {});

  // Sink names must be unique (they key the dedup state). Without an explicit
  // minimum, config.sink_min_severity[name] or config.min_severity applies.
  void add_sink(const std::string& name, PluginInstance<AlertSink> sink);
  void add_sink(const std::string& name, PluginInstance<AlertSink> sink, AlertSeverity min_severity);
  // An in-process sink (tests, host-internal sinks); exceptions are caught.
  void add_sink(const std::string& name, std::shared_ptr<AlertSink> sink, AlertSeverity min_severity);
  std::vector<std::string> sink_names() const;

  DispatchResult dispatch(Alert alert);
  DispatchResult dispatch_all(std::vector<Alert> alerts);
  // flush() on every sink; one error per failing sink.
  std::vector<SinkError> flush();

  // {"_schema_version": 1, "alerts": {<fingerprint>: {kind, node, graph,
  //   "sinks": {<sink>: {last_sent_at, last_sent_ms, severity, resolved}}}}}
  nlohmann::json to_json() const;
  // Replaces the state. Throws JsonError naming the bad field.
  void from_json(const nlohmann::json& state);
  // Number of fingerprints remembered.
  size_t tracked() const;

 private:
  struct Route {
    std::string name;
    AlertSeverity min_severity;
    std::function<void(const Alert&)> send;
    std::function<void()> flush;
  };
  struct Mark {
    int64_t last_sent_ms = 0;
    AlertSeverity severity = AlertSeverity::Info;
    bool resolved = false;
  };
  struct Entry {
    std::string kind, node, graph;
    std::map<std::string, Mark> sinks;
  };
  enum class Decision { Send, Suppress, Filter };

  void add_route(Route route);
  Decision decide(const Alert& alert, const Route& route, int64_t now);
  void prune(int64_t now);
  int64_t now() const;

  DispatcherConfig config_;
  Clock clock_;
  mutable std::mutex dispatch_mutex_;  // held across a whole dispatch: check + send + mark
  mutable std::mutex state_mutex_;     // guards state_ for readers during a dispatch
  std::vector<Route> routes_;
  std::map<std::string, Entry> state_;
};

}  // namespace dashflow::host
