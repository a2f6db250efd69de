// dashflow self-improve generate-tests | run-tests
//
// Traces come from the pipeline's trace sources (as for analyze; --traces
// overrides their path). The spec model, generation, checking and the
// GoogleTest emitter live in the SDK (dashflow/testgen.hpp), so generated
// GoogleTest files judge traces with the same code as run-tests.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "dashflow/redaction.hpp"
#include "dashflow/testgen.hpp"
#include "dashflow/time.hpp"
#include "pipeline/plugin_set.hpp"
#include "util/cancel.hpp"

using nlohmann::json;

namespace dashflow::host {
namespace {

namespace tg = dashflow::testgen;

constexpr size_t kListedSkips = 20;

// ---------------------------------------------------------------- reading traces

struct TraceRead {
  std::vector<std::string> locations;  // where the sources read from
  uint64_t traces = 0;
  uint64_t skipped_count = 0;
  std::vector<std::string> skipped;  // "location: reason", first kListedSkips
  std::vector<std::string> warnings;
};

// Feeds every trace of the pipeline's sources to `fn(trace, location, mtime_ms)`,
// one unit at a time in source order (deterministic).
class Collector final : public TraceSink {
 public:
  Collector(TraceRead& read, const std::function<void(const ExecutionTrace&, const std::string&, int64_t)>& fn)
      : read_(read), fn_(fn) {}
  int64_t mtime_ms = 0;

  void on_trace(ExecutionTrace&& trace, const TraceOrigin& origin) override {
    ++read_.traces;
    fn_(trace, origin.line ? origin.source + ":" + std::to_string(origin.line) : origin.source, mtime_ms);
  }
  void on_skip(const SkippedInput& s) override {
    ++read_.skipped_count;
    if (read_.skipped.size() < kListedSkips)
      read_.skipped.push_back(s.source + (s.line ? ":" + std::to_string(s.line) : "") + ": " + s.reason);
  }

 private:
  TraceRead& read_;
  const std::function<void(const ExecutionTrace&, const std::string&, int64_t)>& fn_;
};

TraceRead read_traces(CliContext& ctx, const po::variables_map& vm, const char* label,
                      const std::function<void(const ExecutionTrace&, const std::string&, int64_t)>& fn) {
  // Progress on stderr for long runs, only when a person watches it.
  const bool progress = ctx.format == OutputFormat::Table && isatty(STDERR_FILENO);
  PipelineOverrides overrides{std::nullopt, opt(vm, "traces"), vm["pipeline"].as<std::string>()};
  PluginSetOptions what;
  what.analyzers = false;
  what.planners = false;
  PluginSet set = build_plugin_set(ctx, overrides, what);
  TraceRead read;
  for (const auto& f : set.failures) read.warnings.push_back("plugin '" + f.plugin + "' failed in " + f.stage + ": " + f.message);
  Collector sink(read, fn);
  for (const auto& source : set.sources) {
    read.locations.push_back(source->location());
    std::vector<TraceUnit> units;
    try {
      units = source.call("list_units", [](TraceSource& t) { return t.list_units(); });
    } catch (const PluginCallError& e) {
      read.warnings.push_back(std::string("trace source '") + source.id() + "' could not list its traces: " + e.what());
      continue;
    }
    for (size_t i = 0; i < units.size(); ++i) {
      const TraceUnit& unit = units[i];
      if (cancel_flag().load()) throw CommandError("cancelled", "interrupted while reading traces");
      if (progress && i % 100 == 0)
        std::fprintf(stderr, "\r[%s] %zu/%zu files, %llu traces", label, i, units.size(),
                     static_cast<unsigned long long>(read.traces));
      sink.mtime_ms = unit.mtime_ns / 1'000'000;
      try {
        source->read_unit(unit, sink);
      } catch (const std::exception& e) {
        sink.on_skip({unit.locator, 0, std::string("trace source '") + source.id() + "' failed: " + e.what()});
      }
    }
  }
  if (progress) std::fprintf(stderr, "\r%70s\r", "");
  return read;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

json flow_json(const tg::FlowKey& k) {
  json j = {{"graph_name", k.graph_name ? json(*k.graph_name) : json(nullptr)}};
  if (!k.graph_name) j["entry_node"] = k.entry_node;
  return j;
}

// ---------------------------------------------------------------- generate-tests

// Redaction runs before generated tests are written (SPEC "Trace data
// lifecycle"), on the informational fields: ids, thread ids, locations and
// descriptions. Graph, node and tool names are what a spec matches and checks
// against traces, so they stay exactly as the traces (already redacted when
// they were written) have them.
RedactionStats redact_specs(CliContext& ctx, std::vector<tg::TestSpec>& specs) {
  const Config& config = ctx.config();
  std::optional<Redactor> redactor;
  try {
    redactor.emplace(config.raw.is_object() && config.raw.contains("redaction") ? Redactor(config.raw["redaction"])
                                                                                 : Redactor());
  } catch (const ConfigError& e) {
    throw CommandError("config", config.source + ": redaction: " + e.what());
  }
  RedactionStats stats;
  if (!redactor->enabled()) return stats;
  auto clean = [&](std::string& s) { s = redactor->redact(s, stats); };
  auto clean_opt = [&](std::optional<std::string>& s) {
    if (s) clean(*s);
  };
  for (auto& t : specs) {
    clean(t.description);
    clean(t.source.location);
    clean_opt(t.source.execution_id);
    clean_opt(t.source.thread_id);
  }
  return stats;
}

enum class Emit { Json, Gtest };

Emit emit_kind(const po::variables_map& vm, const std::optional<std::string>& output) {
  if (auto e = opt(vm, "emit")) {
    if (*e == "json") return Emit::Json;
    if (*e == "gtest") return Emit::Gtest;
    throw UsageError("--emit must be 'json' or 'gtest', not '" + *e + "'", "self-improve generate-tests");
  }
  if (output) {
    for (const char* ext : {".cpp", ".cc", ".cxx"}) {
      const std::string e = ext;
      if (output->size() > e.size() && output->compare(output->size() - e.size(), e.size(), e) == 0) return Emit::Gtest;
    }
  }
  return Emit::Json;
}

// Defaults from the config's optional "testgen" section, then the flags.
tg::GenerateOptions generate_options(CliContext& ctx, const po::variables_map& vm) {
  const std::string cmd = "self-improve generate-tests";
  tg::GenerateOptions o;
  const json& raw = ctx.config().raw;
  if (raw.is_object() && raw.contains("testgen")) {
    const json& t = raw["testgen"];
    auto bad = [&](const char* key, const char* expected) {
      return CommandError("config", ctx.config().source + ": testgen." + key + " must be " + expected);
    };
    if (!t.is_object()) throw CommandError("config", ctx.config().source + ": testgen must be an object");
    if (t.contains("limit")) {
      if (!t["limit"].is_number_unsigned() || t["limit"].get<uint64_t>() == 0) throw bad("limit", "an integer >= 1");
      o.limit = t["limit"].get<size_t>();
    }
    if (t.contains("tolerance")) {
      if (!t["tolerance"].is_number() || !std::isfinite(t["tolerance"].get<double>()) || t["tolerance"].get<double>() < 0)
        throw bad("tolerance", "a number >= 0");
      o.tolerance = t["tolerance"].get<double>();
    }
    if (t.contains("timing_floor_ms")) {
      if (!t["timing_floor_ms"].is_number_unsigned()) throw bad("timing_floor_ms", "an integer >= 0");
      o.timing_floor_ms = t["timing_floor_ms"].get<uint64_t>();
    }
  }
  if (!vm["limit"].defaulted()) o.limit = vm["limit"].as<size_t>();
  o.timing = vm["timing"].as<bool>();
  if (vm.count("tolerance")) o.tolerance = vm["tolerance"].as<double>();
  if (vm.count("timing-floor-ms")) o.timing_floor_ms = vm["timing-floor-ms"].as<uint64_t>();
  if (!o.timing && (vm.count("tolerance") || vm.count("timing-floor-ms")))
    throw UsageError("--tolerance and --timing-floor-ms set duration bounds: add --timing", cmd);
  try {
    o.validate();
  } catch (const ConfigError& e) {
    throw UsageError(std::string("--") + e.what(), cmd);
  }
  return o;
}

int generate_tests(CliContext& ctx, const po::variables_map& vm) {
  const std::optional<std::string> output = opt(vm, "output");
  const Emit emit = emit_kind(vm, output);
  const tg::GenerateOptions options = generate_options(ctx, vm);

  tg::SpecGenerator generator(options);
  TraceRead read = read_traces(ctx, vm, "generate-tests",
                               [&](const ExecutionTrace& trace, const std::string& location, int64_t mtime_ms) {
                                 generator.add(trace, tg::TraceInfo{location, tg::trace_time_ms(trace, mtime_ms)});
                               });
  tg::GenerateStats stats;
  tg::SpecFile file;
  file.tests = generator.finish(&stats);
  const std::string where = joined(read.locations);
  if (file.tests.empty()) {
    std::vector<std::string> details = {std::to_string(read.traces) + " traces read, " + std::to_string(stats.unsuccessful) +
                                        " of them unsuccessful (not completed, with errors, or with a failed node), " +
                                        std::to_string(read.skipped_count) + " inputs skipped"};
    for (const auto& s : read.skipped) details.push_back("skipped " + s);
    details.insert(details.end(), read.warnings.begin(), read.warnings.end());
    throw CommandError("no-tests",
                       "no successful traces in " + where + ": nothing generated" +
                           (output ? " ('" + *output + "' left unchanged)" : "") +
                           ". Point --traces at a directory of DashFlow traces.",
                       details);
  }
  const RedactionStats redacted = redact_specs(ctx, file.tests);
  file.generated_at = now_rfc3339();
  file.generator = {{"tool", "dashflow " DASHFLOW_VERSION},
                    {"command", "self-improve generate-tests"},
                    {"traces", read.locations},
                    {"limit", options.limit},
                    {"timing", options.timing},
                    {"traces_read", read.traces},
                    {"behaviours", stats.behaviours}};
  if (options.timing) {
    file.generator["tolerance"] = options.tolerance;
    file.generator["timing_floor_ms"] = options.timing_floor_ms;
  }

  auto render = [&] {
    return emit == Emit::Gtest ? tg::emit_gtest_source(file, {"DashflowRegression", "dashflow " DASHFLOW_VERSION})
                               : tg::spec_file_to_json(file);
  };
  std::vector<std::string> warnings = read.warnings;
  if (read.skipped_count)
    warnings.push_back(std::to_string(read.skipped_count) + " unreadable inputs skipped (first: " + read.skipped.front() + ")");
  if (redacted.total())
    warnings.push_back(std::to_string(redacted.total()) + " values redacted in test descriptions and sources");
  if (stats.omitted)
    warnings.push_back(std::to_string(stats.omitted) + " older behaviours have no test (over --limit " +
                       std::to_string(options.limit) + "); their traces fail run-tests until covered");

  if (!output) {
    // The document itself on stdout: JSON specs, or the C++ source.
    if (emit == Emit::Gtest && ctx.format == OutputFormat::Json)
      throw UsageError("--format json prints the JSON specs; for GoogleTest source use --emit gtest without --format json, "
                       "or --output FILE.cpp",
                       "self-improve generate-tests");
    if (emit == Emit::Gtest || ctx.format == OutputFormat::Json || opt(vm, "emit")) {
      std::cout << render() << std::flush;
      for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
      return 0;
    }
  } else {
    try {
      tg::write_file_atomic(*output, render());
    } catch (const StorageError& e) {
      throw CommandError("write", e.what());
    }
  }

  if (ctx.format == OutputFormat::Json) {
    json tests = json::array();
    for (const auto& t : file.tests)
      tests.push_back({{"name", t.name}, {"match", flow_json(t.match)}, {"steps", t.steps.size()},
                       {"source", t.source.location}, {"traces", t.source.traces}});
    print_json({{"output", *output},
                {"emit", emit == Emit::Gtest ? "gtest" : "json"},
                {"tests_generated", file.tests.size()},
                {"traces_read", read.traces},
                {"unsuccessful_skipped", stats.unsuccessful},
                {"behaviours", stats.behaviours},
                {"behaviours_omitted", stats.omitted},
                {"inputs_skipped", read.skipped_count},
                {"timing", options.timing},
                {"tests", tests},
                {"warnings", warnings}});
    return 0;
  }
  std::cout << "Generated " << file.tests.size() << " regression tests from " << read.traces << " traces in " << where
            << " (" << stats.unsuccessful << " unsuccessful skipped, " << stats.behaviours << " distinct behaviours)\n\n";
  Table t({"NAME", "FLOW", "STEPS", "TRACES", "SOURCE"});
  for (const auto& s : file.tests)
    t.add({s.name, ellipsize(s.match.describe(), 40), std::to_string(s.steps.size()), std::to_string(s.source.traces),
           ellipsize(s.source.location, 60)});
  std::cout << t.render() << "\n";
  if (!output) {
    std::cout << "Nothing written. Save them with --output tests.json (specs for 'dashflow self-improve run-tests')\n"
                 "or --output tests.cpp (GoogleTest source; link DashflowSDK::sdk and GTest::gtest).\n";
  } else if (emit == Emit::Gtest) {
    std::cout << "Wrote GoogleTest source " << *output << ". Build it against the SDK (DashflowSDK::sdk, GTest::gtest) and run\n"
              << "it with the traces directory as its argument (or in $" << tg::kTracesDirEnv << ").\n";
  } else {
    std::cout << "Wrote test specs " << *output << ". Check new traces with:\n  dashflow self-improve run-tests --tests "
              << *output << " --traces DIR\n";
  }
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  return 0;
}

// ---------------------------------------------------------------- run-tests

int run_tests(CliContext& ctx, const po::variables_map& vm) {
  const std::string tests_path = vm["tests"].as<std::string>();
  tg::SpecFile specs;
  try {
    specs = tg::read_spec_file(tests_path);
  } catch (const tg::SpecError& e) {
    throw CommandError("invalid-tests", e.what());
  }
  const bool require_all = vm["require-all"].as<bool>();
  tg::SpecRunner runner(specs);
  TraceRead read = read_traces(ctx, vm, "run-tests", [&](const ExecutionTrace& trace, const std::string& location, int64_t) {
    runner.add(trace, location);
  });
  const std::string where = joined(read.locations);
  if (read.traces == 0) {
    std::vector<std::string> details;
    for (const auto& s : read.skipped) details.push_back("skipped " + s);
    details.insert(details.end(), read.warnings.begin(), read.warnings.end());
    throw CommandError("no-traces",
                       "no traces to check in " + where + " (" + std::to_string(read.skipped_count) + " inputs skipped)",
                       details);
  }
  // Inputs the source skipped count as skipped here too.
  tg::RunResult result = runner.result();
  result.skipped_count = read.skipped_count;
  result.skipped = read.skipped;
  const bool passed = result.passed(require_all);
  std::vector<std::string> warnings = read.warnings;
  if (!specs.tests.empty() && result.count(tg::TestStatus::Passed) == 0 && result.count(tg::TestStatus::Failed) == 0)
    warnings.push_back("no trace matched any test: are these traces of the same graphs?");

  if (ctx.format == OutputFormat::Json) {
    json tests = json::array();
    for (const auto& t : result.tests) {
      json failures = json::array();
      for (const auto& f : t.failures)
        failures.push_back({{"trace", f.location},
                            {"execution_id", f.execution_id ? json(*f.execution_id) : json(nullptr)},
                            {"reasons", f.reasons}});
      tests.push_back({{"name", t.name},
                       {"match", flow_json(t.match)},
                       {"status", tg::status_name(t.status)},
                       {"traces_passed", t.traces_passed},
                       {"traces_failed", t.traces_failed},
                       {"summary", t.summary()},
                       {"failures", failures}});
    }
    print_json({{"passed", passed},
                {"tests_file", tests_path},
                {"traces", read.locations},
                {"traces_checked", result.traces},
                {"traces_unmatched", result.unmatched},
                {"unmatched_flows", result.unmatched_flows},
                {"inputs_skipped", result.skipped_count},
                {"skipped", result.skipped},
                {"require_all", require_all},
                {"summary",
                 {{"passed", result.count(tg::TestStatus::Passed)},
                  {"failed", result.count(tg::TestStatus::Failed)},
                  {"not_run", result.count(tg::TestStatus::NotRun)}}},
                {"tests", tests},
                {"warnings", warnings}});
    return passed ? 0 : 1;
  }

  const bool color = use_color(1);
  auto paint = [&](const char* code, const std::string& text) {
    return color ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
  };
  std::cout << "Regression tests " << tests_path << " against " << result.traces << " traces in " << where << "\n\n";
  size_t width = 0;
  for (const auto& t : result.tests) width = std::max(width, t.name.size());
  for (const auto& t : result.tests) {
    std::string label = t.status == tg::TestStatus::Passed   ? paint("32", "PASS   ")
                        : t.status == tg::TestStatus::Failed ? paint("1;31", "FAIL   ")
                                                             : paint("33", "NOT RUN");
    std::cout << label << "  " << t.name << std::string(width - t.name.size() + 2, ' ') << t.summary() << "\n";
    for (const auto& f : t.failures) {
      std::cout << "         " << f.location << (f.execution_id ? " (execution " + tg::quote_text(*f.execution_id) + ")" : "") << ":\n";
      for (const auto& r : f.reasons) std::cout << "           - " << r << "\n";
    }
    if (t.traces_failed > t.failures.size())
      std::cout << "         ... and " << t.traces_failed - t.failures.size() << " more failing traces\n";
  }
  std::cout << "\n"
            << (passed ? paint("32", "PASSED") : paint("1;31", "FAILED")) << ": " << result.count(tg::TestStatus::Passed)
            << " passed, " << result.count(tg::TestStatus::Failed) << " failed, " << result.count(tg::TestStatus::NotRun)
            << " not run" << (require_all && result.count(tg::TestStatus::NotRun) ? " (--require-all)" : "") << "\n";
  if (result.unmatched) {
    std::cout << result.unmatched << " traces belong to flows without tests:";
    for (const auto& [flow, n] : result.unmatched_flows) std::cout << " " << flow << " (" << n << ")";
    std::cout << "\n";
  }
  for (const auto& s : result.skipped) std::cerr << "warning: skipped " << s << "\n";
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  return passed ? 0 : 1;
}

void trace_options(po::options_description& d) {
  d.add_options()("traces", po::value<std::string>(), "Traces directory (default: the pipeline's trace source, .dashflow/traces)")(
      "pipeline", po::value<std::string>()->default_value(""), "Pipeline whose trace sources to read (default: the config's default)");
}

}  // namespace

void register_testgen_commands(std::vector<Command>& commands) {
  commands.push_back(
      {{"self-improve", "generate-tests"},
       "Generate regression tests from successful traces",
       "[options]",
       "From successful traces (completed, no errors, no failed node), newest first, one test per behaviour:\n"
       "a flow (metadata.graph_name, else the entry node) with its node sequence and each step's tools.\n"
       "Each test asserts the node sequence, success, the error count, the tools called and, with --timing,\n"
       "duration bounds per node and in total: max(observed x (1 + tolerance), floor).\n"
       "Output: JSON test specs (for 'run-tests'), or with --output FILE.cpp / --emit gtest a GoogleTest\n"
       "source that links DashflowSDK::sdk + GTest::gtest and takes the traces directory as its first\n"
       "argument (else $DASHFLOW_TRACES_DIR, else .dashflow/traces). Files are written atomically.\n"
       "Defaults for --limit, --tolerance and --timing-floor-ms may come from the config's \"testgen\" section.",
       [](po::options_description& d, po::positional_options_description&) {
         d.add_options()("limit", po::value<size_t>()->default_value(10), "Generate at most this many tests")(
             "output,o", po::value<std::string>(), "Write to this file (.cpp/.cc/.cxx: GoogleTest source; else JSON specs)")(
             "emit", po::value<std::string>(), "Output kind regardless of the file name: json|gtest")(
             "timing", po::bool_switch(), "Add duration bounds (per node and total)")(
             "tolerance", po::value<double>(), "Bound = observed x (1 + tolerance) (default 1.0, i.e. twice the observed)")(
             "timing-floor-ms", po::value<uint64_t>(), "Lowest bound in ms, against noise on fast nodes (default 50)");
         trace_options(d);
       },
       generate_tests, true});
  commands.push_back(
      {{"self-improve", "run-tests"},
       "Check traces against generated regression tests",
       "--tests FILE [options]",
       "Each trace is checked against the tests of its flow (same metadata.graph_name; for traces without\n"
       "one, same entry node). It passes when it passes any of them, else it fails against the nearest\n"
       "(node-sequence edit distance), with the reasons. A test with no trace is 'not run'.\n"
       "Exit 0 when no test failed and at least one ran, 1 on any failure (or, with --require-all, any\n"
       "test not run), 2 on usage errors.",
       [](po::options_description& d, po::positional_options_description&) {
         d.add_options()("tests", po::value<std::string>()->required(), "Test spec file written by generate-tests")(
             "require-all", po::bool_switch(), "Fail when a test has no matching trace");
         trace_options(d);
       },
       run_tests, true});
}

}  // namespace dashflow::host
