#include "alerts/dispatcher.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

#include "config/config.hpp"
#include "config/schema_validator.hpp"
#include "dashflow/ids.hpp"
#include "dashflow/json.hpp"
#include "dashflow/time.hpp"

namespace dashflow::host {
namespace {

using nlohmann::json;

constexpr int kStateSchemaVersion = 1;

const char* kDispatcherSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "description": "Alert dispatching: deduplication by fingerprint (alert kind + node + graph) and minimum severities per sink",
  "properties": {
    "repeat_interval_ms": {"type": "integer", "minimum": 0, "default": 14400000,
                           "description": "A firing alert is not sent again to a sink within this many milliseconds of its last delivery there, unless it resolved in between or its severity rose (0 = send every time)"},
    "state_retention_ms": {"type": "integer", "minimum": 0, "default": 604800000,
                           "description": "How long the last delivery of a still-firing alert is remembered, so its resolved notice can still be sent"},
    "min_severity": {"type": "string", "enum": ["info", "warning", "error", "critical"], "default": "info",
                     "description": "Lowest severity sent to sinks that have no entry in sink_min_severity"},
    "sink_min_severity": {"type": "object", "default": {},
                          "additionalProperties": {"type": "string", "enum": ["info", "warning", "error", "critical"]},
                          "description": "Lowest severity per sink name, e.g. {\"webhook\": \"warning\"}"}
  }
})json";

AlertSeverity severity_from(const json& j) {
  AlertSeverity s{};
  dashflow::from_json(j, s);
  return s;
}

std::string lower_severity(AlertSeverity s) {
  std::string out = to_string(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string label(const Alert& a, const char* key) {
  auto it = a.labels.find(key);
  return it == a.labels.end() ? "" : it->second;
}

// Message of a sink failure, without repeating what PluginCallError says.
template <class F>
std::string run_guarded(F&& fn) {
  try {
    fn();
    return "";
  } catch (const std::exception& e) {
    std::string m = e.what();
    return m.empty() ? "failed without a message" : m;
  } catch (...) {
    return "unknown exception (not derived from std::exception)";
  }
}

}  // namespace

const json& dispatcher_config_schema() {
  static const json schema = json::parse(kDispatcherSchema);
  return schema;
}

DispatcherConfig dispatcher_config_from_json(const json& section) {
  const json input = section.is_null() ? json::object() : section;
  std::vector<std::string> issues;
  for (const auto& issue : validate_against_schema(input, dispatcher_config_schema())) {
    std::string path = "alerts" + issue.path;  // "/sink_min_severity/x" -> "alerts.sink_min_severity.x"
    std::replace(path.begin(), path.end(), '/', '.');
    issues.push_back(path + ": " + issue.message);
  }
  if (!issues.empty()) throw ConfigFileError("invalid 'alerts' section", issues);
  const json c = apply_schema_defaults(input, dispatcher_config_schema());
  DispatcherConfig out;
  out.repeat_interval_ms = c["repeat_interval_ms"].get<int64_t>();
  out.state_retention_ms = c["state_retention_ms"].get<int64_t>();
  out.min_severity = severity_from(c["min_severity"]);
  for (auto it = c["sink_min_severity"].begin(); it != c["sink_min_severity"].end(); ++it)
    out.sink_min_severity[it.key()] = severity_from(it.value());
  return out;
}

void DispatchResult::merge(const DispatchResult& o) {
  delivered += o.delivered;
  failed += o.failed;
  suppressed += o.suppressed;
  filtered += o.filtered;
  errors.insert(errors.end(), o.errors.begin(), o.errors.end());
}

std::string alert_fingerprint(const Alert& alert) {
  // A JSON array is an unambiguous encoding of the triple.
  return fingerprint_of(json::array({alert.kind, label(alert, "node"), label(alert, "graph")}).dump());
}

AlertDispatcher::AlertDispatcher(DispatcherConfig config, Clock clock)
    : config_(std::move(config)), clock_(std::move(clock)) {
  config_.repeat_interval_ms = std::max<int64_t>(0, config_.repeat_interval_ms);
  config_.state_retention_ms = std::max(config_.state_retention_ms, config_.repeat_interval_ms);
}

int64_t AlertDispatcher::now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void AlertDispatcher::add_route(Route route) {
  std::lock_guard<std::mutex> lock(dispatch_mutex_);
  if (route.name.empty()) throw std::invalid_argument("alert dispatcher: a sink needs a non-empty name");
  for (const auto& r : routes_)
    if (r.name == route.name)
      throw std::invalid_argument("alert dispatcher: two sinks are named '" + route.name +
                                  "'; give each sink instance its own name");
  routes_.push_back(std::move(route));
}

void AlertDispatcher::add_sink(const std::string& name, PluginInstance<AlertSink> sink) {
  auto it = config_.sink_min_severity.find(name);
  add_sink(name, std::move(sink), it != config_.sink_min_severity.end() ? it->second : config_.min_severity);
}

void AlertDispatcher::add_sink(const std::string& name, PluginInstance<AlertSink> sink, AlertSeverity min_severity) {
  if (!sink) throw std::invalid_argument("alert dispatcher: sink '" + name + "' has no plugin instance");
  Route r;
  r.name = name;
  r.min_severity = min_severity;
  r.send = [sink](const Alert& a) { sink.call("send", [&](AlertSink& s) { s.send(a); }); };
  r.flush = [sink] { sink.call("flush", [](AlertSink& s) { s.flush(); }); };
  add_route(std::move(r));
}

void AlertDispatcher::add_sink(const std::string& name, std::shared_ptr<AlertSink> sink, AlertSeverity min_severity) {
  if (!sink) throw std::invalid_argument("alert dispatcher: sink '" + name + "' is null");
  Route r;
  r.name = name;
  r.min_severity = min_severity;
  r.send = [sink](const Alert& a) { sink->send(a); };
  r.flush = [sink] { sink->flush(); };
  add_route(std::move(r));
}

std::vector<std::string> AlertDispatcher::sink_names() const {
  std::lock_guard<std::mutex> lock(dispatch_mutex_);
  std::vector<std::string> out;
  for (const auto& r : routes_) out.push_back(r.name);
  return out;
}

AlertDispatcher::Decision AlertDispatcher::decide(const Alert& alert, const Route& route, int64_t t) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  Mark* mark = nullptr;
  if (auto e = state_.find(alert.fingerprint); e != state_.end())
    if (auto m = e->second.sinks.find(route.name); m != e->second.sinks.end()) mark = &m->second;
  // A clock that went backwards: treat the last delivery as "now", so the
  // suppression lasts one repeat interval, not until the clock catches up.
  if (mark && mark->last_sent_ms > t) mark->last_sent_ms = t;
  if (alert.resolved) {
    // Resolved notices go where the firing alert went, whatever their severity.
    return mark && !mark->resolved ? Decision::Send : Decision::Suppress;
  }
  if (alert.severity < route.min_severity) return Decision::Filter;
  if (!mark || mark->resolved || alert.severity > mark->severity) return Decision::Send;
  const int64_t elapsed = t - mark->last_sent_ms;
  return elapsed < config_.repeat_interval_ms ? Decision::Suppress : Decision::Send;
}

DispatchResult AlertDispatcher::dispatch(Alert alert) {
  std::lock_guard<std::mutex> lock(dispatch_mutex_);
  if (alert.fingerprint.empty()) alert.fingerprint = alert_fingerprint(alert);
  const int64_t t = now();
  DispatchResult result;
  for (const auto& route : routes_) {
    switch (decide(alert, route, t)) {
      case Decision::Filter: ++result.filtered; continue;
      case Decision::Suppress: ++result.suppressed; continue;
      case Decision::Send: break;
    }
    const std::string error = run_guarded([&] { route.send(alert); });
    if (!error.empty()) {
      ++result.failed;
      result.errors.push_back({route.name, alert.fingerprint, error});
      continue;
    }
    ++result.delivered;
    std::lock_guard<std::mutex> state_lock(state_mutex_);
    Entry& entry = state_[alert.fingerprint];
    entry.kind = alert.kind;
    entry.node = label(alert, "node");
    entry.graph = label(alert, "graph");
    Mark& mark = entry.sinks[route.name];
    mark.last_sent_ms = t;
    mark.severity = alert.severity;
    mark.resolved = alert.resolved;
  }
  prune(t);
  return result;
}

DispatchResult AlertDispatcher::dispatch_all(std::vector<Alert> alerts) {
  DispatchResult total;
  for (auto& a : alerts) total.merge(dispatch(std::move(a)));
  return total;
}

std::vector<SinkError> AlertDispatcher::flush() {
  std::lock_guard<std::mutex> lock(dispatch_mutex_);
  std::vector<SinkError> errors;
  for (const auto& route : routes_) {
    const std::string error = run_guarded([&] { route.flush(); });
    if (!error.empty()) errors.push_back({route.name, "", error});
  }
  return errors;
}

void AlertDispatcher::prune(int64_t t) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  for (auto e = state_.begin(); e != state_.end();) {
    auto& sinks = e->second.sinks;
    for (auto m = sinks.begin(); m != sinks.end();) {
      const int64_t age = t - m->second.last_sent_ms;
      const int64_t keep = m->second.resolved ? config_.repeat_interval_ms : config_.state_retention_ms;
      m = age > keep ? sinks.erase(m) : std::next(m);
    }
    e = sinks.empty() ? state_.erase(e) : std::next(e);
  }
}

json AlertDispatcher::to_json() const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  json alerts = json::object();
  for (const auto& [fp, entry] : state_) {
    json sinks = json::object();
    for (const auto& [name, mark] : entry.sinks)
      sinks[name] = {{"last_sent_ms", mark.last_sent_ms},
                     {"last_sent_at", format_rfc3339_ms(mark.last_sent_ms)},
                     {"severity", lower_severity(mark.severity)},
                     {"resolved", mark.resolved}};
    alerts[fp] = {{"kind", entry.kind}, {"node", entry.node}, {"graph", entry.graph}, {"sinks", sinks}};
  }
  return {{"_schema_version", kStateSchemaVersion}, {"alerts", alerts}};
}

void AlertDispatcher::from_json(const json& state) {
  auto need = [](const json& j, const std::string& path, const char* key, json::value_t type,
                 const char* type_name) -> const json& {
    if (!j.contains(key)) throw JsonError(path + "." + key, "missing");
    const json& v = j[key];
    const bool ok = v.type() == type || (type == json::value_t::number_integer && v.is_number_integer());
    if (!ok) throw JsonError(path + "." + key, std::string("expected ") + type_name + ", got " + v.type_name());
    return v;
  };
  const std::string root = "alert dispatcher state";
  if (!state.is_object()) throw JsonError(root, std::string("expected an object, got ") + state.type_name());
  const int64_t version = need(state, root, "_schema_version", json::value_t::number_integer, "integer").get<int64_t>();
  if (version != kStateSchemaVersion)
    throw JsonError(root + "._schema_version", "version " + std::to_string(version) + " is not supported (expected " +
                                                   std::to_string(kStateSchemaVersion) + ")");
  std::map<std::string, Entry> loaded;
  const json& alerts = need(state, root, "alerts", json::value_t::object, "object");
  for (auto it = alerts.begin(); it != alerts.end(); ++it) {
    const std::string path = root + ".alerts." + it.key();
    if (!it->is_object()) throw JsonError(path, std::string("expected an object, got ") + it->type_name());
    Entry entry;
    entry.kind = need(*it, path, "kind", json::value_t::string, "string").get<std::string>();
    entry.node = need(*it, path, "node", json::value_t::string, "string").get<std::string>();
    entry.graph = need(*it, path, "graph", json::value_t::string, "string").get<std::string>();
    const json& sinks = need(*it, path, "sinks", json::value_t::object, "object");
    for (auto s = sinks.begin(); s != sinks.end(); ++s) {
      const std::string spath = path + ".sinks." + s.key();
      if (!s->is_object()) throw JsonError(spath, std::string("expected an object, got ") + s->type_name());
      Mark mark;
      mark.last_sent_ms = need(*s, spath, "last_sent_ms", json::value_t::number_integer, "integer").get<int64_t>();
      mark.resolved = need(*s, spath, "resolved", json::value_t::boolean, "boolean").get<bool>();
      try {
        mark.severity = severity_from(need(*s, spath, "severity", json::value_t::string, "string"));
      } catch (const JsonError& e) {
        throw JsonError(spath + ".severity", e.what());
      }
      entry.sinks[s.key()] = mark;
    }
    loaded[it.key()] = std::move(entry);
  }
  std::lock_guard<std::mutex> lock(state_mutex_);
  state_ = std::move(loaded);
}

size_t AlertDispatcher::tracked() const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return state_.size();
}

}  // namespace dashflow::host
