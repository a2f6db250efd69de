#include "plugin/conformance.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>

#include "config/schema_validator.hpp"
#include "dashflow/ids.hpp"
#include "dashflow/plugin.hpp"
#include "plugin/child_process.hpp"
#include "plugin/discovery.hpp"
#include "plugin/registry.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace dashflow::host {
namespace {

// A scratch directory for plugins that take a "path" (storage, trace sources).
json scratch_config(const PluginManifest& m, const std::string& scratch) {
  json config = json::object();
  const auto& props = m.config_schema.value("properties", json::object());
  if (props.contains("path")) config["path"] = scratch;
  return config;
}

std::vector<ExecutionTrace> odd_traces() {
  std::vector<ExecutionTrace> traces(1);  // the empty trace
  ExecutionTrace odd;
  odd.thread_id = "";
  odd.started_at = "not a timestamp";
  NodeExecution n;
  n.node = "";
  n.duration_ms = std::numeric_limits<uint64_t>::max();
  n.tokens_used = std::numeric_limits<uint64_t>::max();
  n.success = false;
  n.tools_called = {"", "t\xC3\xB6\xC3\xB6l", "t\xC3\xB6\xC3\xB6l"};
  odd.nodes_executed.push_back(n);
  n.node = "n\xC5\x93ud-\xC3\xBC-\xE7\xAF\x80\xE7\x82\xB9";
  n.duration_ms = 0;
  odd.nodes_executed.push_back(n);
  ErrorTrace e;
  e.node = "missing-node";
  e.message = "";
  e.retry_attempted = true;
  odd.errors.push_back(e);
  e.message = std::string(100000, 'x') + " tool 'z' not found \"unterminated";
  odd.errors.push_back(e);
  odd.total_duration_ms = std::numeric_limits<uint64_t>::max();
  odd.total_tokens = std::numeric_limits<uint64_t>::max();
  traces.push_back(odd);
  return traces;
}

// Runs fn(instance-core) in a child; "threw" outcomes count as graceful errors.
ConformanceCheck child_check(const std::string& name, const PluginCandidate& candidate, int timeout,
                             const std::function<std::string(PluginRegistry&, const PluginManifest&, const std::string&)>& body) {
  ConformanceCheck check{name, false, ""};
  const std::string scratch = (fs::temp_directory_path() / ("dashflow-conformance-" + new_uuid_v4())).string();
  ChildResult r = run_in_child(
      [&](int fd) {
        std::error_code ec;
        fs::create_directories(scratch, ec);
        DiscoveryResult d;
        d.candidates.push_back(candidate);
        PluginRegistry registry(d);
        std::string detail = body(registry, *candidate.manifest, scratch);
        write_all(fd, detail);
        return 0;
      },
      timeout);
  std::error_code ec;
  fs::remove_all(scratch, ec);
  check.passed = r.exited && r.exit_code == 0;
  check.detail = r.output;
  if (!check.passed) check.detail = r.describe() + (r.output.empty() ? "" : ": " + r.output);
  return check;
}

std::string guarded(const std::function<void()>& fn, const std::string& what) {
  try {
    fn();
    return what + ": ok";
  } catch (const std::exception& e) {
    return what + ": reported error (" + std::string(e.what()).substr(0, 120) + ")";
  }
}

std::string exercise_kind(PluginRegistry& registry, const PluginManifest& m, const std::string& scratch) {
  const json config = scratch_config(m, scratch);
  auto core = registry.create(m.id, m.kind, config);
  std::vector<std::string> notes;
  switch (m.kind) {
    case PluginKind::Analyzer: {
      auto* a = static_cast<Analyzer*>(core->object());
      AnalysisContext ctx;
      notes.push_back(guarded([&] { auto s = a->make_state(); a->finish(*s, ctx); }, "empty input"));
      notes.push_back(guarded([&] {
        auto s1 = a->make_state();
        auto s2 = a->make_state();
        auto traces = odd_traces();
        for (size_t i = 0; i < traces.size(); ++i)
          a->consume(i % 2 ? *s1 : *s2, traces[i], TraceOrigin{"odd-" + std::to_string(i) + ".json", 0, 0});
        a->merge(*s1, *s2);
        a->finish(*s1, ctx);
        std::string saved = a->save_state(*s1);
        if (!saved.empty()) {
          auto loaded = a->load_state(saved);
          if (!loaded) throw std::runtime_error("save_state returned data but load_state returned nothing");
        }
      }, "odd input"));
      break;
    }
    case PluginKind::Planner: {
      auto* p = static_cast<Planner*>(core->object());
      notes.push_back(guarded([&] { p->generate(PlannerInput{}); }, "empty input"));
      notes.push_back(guarded([&] {
        PlannerInput in;
        CapabilityGap g;
        g.description = std::string(5000, '\xC3');
        g.confidence = 7.5;
        in.gaps.push_back(g);
        p->generate(in);
        p->evaluate(Hypothesis{}, ReportExecutionSummary{}, 0);
        p->meta_analyze(MetaInput{});
      }, "odd input"));
      break;
    }
    case PluginKind::Storage: {
      auto* s = static_cast<StorageBackend*>(core->object());
      notes.push_back(guarded([&] {
        s->initialize();
        s->list_reports();
        s->list_plans(std::nullopt);
        s->list_hypotheses(false);
        s->stats();
      }, "empty storage"));
      notes.push_back(guarded([&] { s->load_plan("00000000-no-such-plan"); }, "missing plan"));
      break;
    }
    case PluginKind::TraceSource: {
      auto* t = static_cast<TraceSource*>(core->object());
      std::ofstream(scratch + "/garbage.json") << std::string("\x00\xff{\"nodes_executed\": [", 22);
      std::ofstream(scratch + "/empty.json");
      struct CountingSink : TraceSink {
        int traces = 0, skips = 0;
        void on_trace(ExecutionTrace&&, const TraceOrigin&) override { ++traces; }
        void on_skip(const SkippedInput&) override { ++skips; }
      } sink;
      notes.push_back(guarded([&] {
        for (const auto& unit : t->list_units()) t->read_unit(unit, sink);
      }, "garbage files"));
      break;
    }
    case PluginKind::AlertSink: {
      auto* a = static_cast<AlertSink*>(core->object());
      notes.push_back(guarded([&] { a->flush(); }, "flush without alerts"));
      break;
    }
    case PluginKind::Reviewer: {
      auto* r = static_cast<Reviewer*>(core->object());
      notes.push_back(guarded([&] {
        std::string why;
        r->model();
        r->available(why);
      }, "model and availability"));
      break;
    }
  }
  std::string out;
  for (const auto& n : notes) out += (out.empty() ? "" : "; ") + n;
  return out;
}

}  // namespace

std::vector<ConformanceCheck> run_conformance_suite(const std::string& plugin_path, int timeout) {
  std::vector<ConformanceCheck> checks;
  PluginCandidate candidate = inspect_plugin_file(plugin_path);

  ConformanceCheck manifest{"manifest readable without loading", false, ""};
  if (candidate.status == PluginCandidate::Status::Ok) {
    manifest.passed = true;
    manifest.detail = candidate.manifest->id + " " + candidate.manifest->version + " (" + candidate.manifest->kind_name + ")";
  } else {
    manifest.detail = std::string(status_name(candidate.status)) + ": " + candidate.reason;
  }
  checks.push_back(manifest);
  if (!manifest.passed) return checks;
  const PluginManifest& m = *candidate.manifest;

  ConformanceCheck defaults{"default config validates against the schema", false, ""};
  json effective = apply_schema_defaults(json::object(), m.config_schema);
  auto issues = validate_against_schema(effective, m.config_schema);
  defaults.passed = issues.empty();
  defaults.detail = issues.empty() ? effective.dump() : issues.front().to_string();
  checks.push_back(defaults);

  ConformanceCheck unknown{"schema rejects unknown keys", false, ""};
  json bogus = effective;
  bogus["dashflow_conformance_unknown_key"] = 1;
  unknown.passed = !validate_against_schema(bogus, m.config_schema).empty();
  unknown.detail = unknown.passed ? "unknown key refused" : "config_schema must set \"additionalProperties\": false";
  checks.push_back(unknown);

  checks.push_back(child_check("loads with RTLD_NOW and a matching descriptor", candidate, timeout,
                               [](PluginRegistry& r, const PluginManifest& mm, const std::string&) {
                                 load_library(*r.find(mm.id));
                                 return std::string("descriptor ok");
                               }));
  checks.push_back(child_check("create, start, stop, stop, destroy - twice", candidate, timeout,
                               [](PluginRegistry& r, const PluginManifest& mm, const std::string& scratch) {
                                 for (int i = 0; i < 2; ++i) {
                                   auto core = r.create(mm.id, mm.kind, scratch_config(mm, scratch));
                                   core->as_plugin()->start();
                                   core->as_plugin()->stop();
                                   core->as_plugin()->stop();
                                 }
                                 return std::string("ok");
                               }));
  checks.push_back(child_check("stop without start", candidate, timeout,
                               [](PluginRegistry& r, const PluginManifest& mm, const std::string& scratch) {
                                 auto core = r.create(mm.id, mm.kind, scratch_config(mm, scratch));
                                 core->as_plugin()->stop();
                                 return std::string("ok");
                               }));
  checks.push_back(child_check("empty and odd input never crash", candidate, timeout, exercise_kind));
  return checks;
}

}  // namespace dashflow::host
