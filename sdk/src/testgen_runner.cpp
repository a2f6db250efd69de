// Running specs against traces: each trace goes to the specs of its flow; it
// passes when any of them passes, else it fails against the nearest one.
// Also reading trace files for generated GoogleTest binaries, which have the
// SDK but not the host's trace sources.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "dashflow/testgen.hpp"

namespace dashflow::testgen {

namespace fs = std::filesystem;

namespace {
constexpr size_t kMaxListedFlows = 20;
constexpr size_t kMaxListedSkips = 20;
constexpr uint64_t kMaxFileBytes = 512ull * 1024 * 1024;

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
}  // namespace

const char* status_name(TestStatus status) {
  switch (status) {
    case TestStatus::Passed: return "passed";
    case TestStatus::Failed: return "failed";
    case TestStatus::NotRun: return "not_run";
  }
  return "not_run";
}

// ------------------------------------------------------------------ results

std::string SpecResult::summary() const {
  switch (status) {
    case TestStatus::Passed:
      return plural(traces_passed, "trace", "traces") + " passed";
    case TestStatus::Failed:
      return std::to_string(traces_failed) + " of " + plural(traces_failed + traces_passed, "trace", "traces") + " failed";
    case TestStatus::NotRun:
      if (flow_traces)
        return "no trace took this path (" + plural(flow_traces, "trace", "traces") + " of " + match.describe() +
               " matched other tests)";
      return "no trace of " + match.describe();
  }
  return {};
}

std::string SpecResult::report() const {
  std::string out = name + ": " + summary();
  for (const auto& f : failures) {
    out += "\n  " + f.location;
    if (f.execution_id) out += " (execution " + quote_text(*f.execution_id) + ")";
    out += ":";
    for (const auto& r : f.reasons) out += "\n    - " + r;
  }
  if (traces_failed > failures.size())
    out += "\n  ... and " + plural(traces_failed - failures.size(), "more failing trace", "more failing traces");
  return out;
}

const SpecResult* RunResult::find(std::string_view name) const {
  for (const auto& t : tests)
    if (t.name == name) return &t;
  return nullptr;
}

uint64_t RunResult::count(TestStatus status) const {
  return static_cast<uint64_t>(std::count_if(tests.begin(), tests.end(), [&](const SpecResult& r) { return r.status == status; }));
}

bool RunResult::passed(bool require_all) const {
  if (count(TestStatus::Failed)) return false;
  if (require_all && count(TestStatus::NotRun)) return false;
  // Nothing checked is not a pass: the traces were probably the wrong ones.
  return tests.empty() || count(TestStatus::Passed) > 0;
}

// ------------------------------------------------------------------ runner

SpecRunner::SpecRunner(SpecFile specs) : specs_(std::move(specs)) {
  for (size_t i = 0; i < specs_.tests.size(); ++i) {
    by_flow_[specs_.tests[i].match].push_back(i);
    SpecResult r;
    r.name = specs_.tests[i].name;
    r.match = specs_.tests[i].match;
    result_.tests.push_back(std::move(r));
  }
}

void SpecRunner::add(const ExecutionTrace& trace, const std::string& location) {
  ++result_.traces;
  const FlowKey flow = flow_of(trace);
  auto it = by_flow_.find(flow);
  if (it == by_flow_.end()) {
    ++result_.unmatched;
    const std::string what = flow.describe();
    auto f = result_.unmatched_flows.find(what);
    if (f != result_.unmatched_flows.end()) ++f->second;
    else if (result_.unmatched_flows.size() < kMaxListedFlows) result_.unmatched_flows.emplace(what, 1);
    return;
  }
  for (size_t i : it->second) ++result_.tests[i].flow_traces;
  // The first spec it passes, else the nearest one it fails.
  size_t best = it->second.front();
  CheckOutcome best_outcome;
  bool have_best = false;
  for (size_t i : it->second) {
    CheckOutcome outcome = check_trace(specs_.tests[i], trace);
    if (outcome.passed()) {
      ++result_.tests[i].traces_passed;
      return;
    }
    if (!have_best || std::make_tuple(outcome.sequence_distance, outcome.reasons.size()) <
                          std::make_tuple(best_outcome.sequence_distance, best_outcome.reasons.size())) {
      best = i;
      best_outcome = std::move(outcome);
      have_best = true;
    }
  }
  SpecResult& r = result_.tests[best];
  ++r.traces_failed;
  if (r.failures.size() < kMaxListedFailures) r.failures.push_back({location, trace.execution_id, std::move(best_outcome.reasons)});
}

void SpecRunner::skipped(const std::string& location, const std::string& reason) {
  ++result_.skipped_count;
  if (result_.skipped.size() < kMaxListedSkips) result_.skipped.push_back(location + ": " + reason);
}

RunResult SpecRunner::result() const {
  RunResult out = result_;
  for (auto& t : out.tests)
    t.status = t.traces_failed ? TestStatus::Failed : t.traces_passed ? TestStatus::Passed : TestStatus::NotRun;
  return out;
}

// ------------------------------------------------------------------ trace files

namespace {

enum class FileKind { Ignored, Document, Lines, Gzip };

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

FileKind classify(const std::string& name) {
  if (name.empty() || name[0] == '.' || ends_with(name, ".tmp")) return FileKind::Ignored;
  if (ends_with(name, ".json")) return FileKind::Document;
  if (ends_with(name, ".jsonl") || ends_with(name, ".ndjson")) return FileKind::Lines;
  if (ends_with(name, ".json.gz") || ends_with(name, ".jsonl.gz") || ends_with(name, ".ndjson.gz")) return FileKind::Gzip;
  return FileKind::Ignored;
}

void collect(const fs::path& dir, std::vector<fs::path>& files,
             const std::function<void(const std::string&, const std::string&)>& on_skip, bool top) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  if (ec) {
    if (top) throw Error("cannot list traces directory '" + dir.string() + "': " + ec.message());
    on_skip(dir.string(), "cannot list directory: " + ec.message());
    return;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      on_skip(dir.string(), "cannot list directory: " + ec.message());
      return;
    }
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') continue;
    std::error_code sec;
    const fs::file_status link = it->symlink_status(sec);
    if (fs::is_directory(link)) {
      collect(it->path(), files, on_skip, false);  // symlinked directories are not followed (no loops)
    } else if (classify(name) != FileKind::Ignored) {
      files.push_back(it->path());
    }
  }
}

void parse_one(const json& j, const std::string& location,
               const std::function<void(ExecutionTrace&&, const std::string&)>& on_trace,
               const std::function<void(const std::string&, const std::string&)>& on_skip) {
  ExecutionTrace trace;
  try {
    from_json(j, trace);
  } catch (const std::exception& e) {
    on_skip(location, std::string("not a DashFlow trace: ") + e.what());
    return;
  }
  on_trace(std::move(trace), location);
}

void read_one_file(const fs::path& path, FileKind kind,
                   const std::function<void(ExecutionTrace&&, const std::string&)>& on_trace,
                   const std::function<void(const std::string&, const std::string&)>& on_skip) {
  const std::string where = path.string();
  if (kind == FileKind::Gzip) {
    on_skip(where, "gzip-compressed trace files are not read by the SDK runner; decompress them (gzip -dk) or use "
                   "'dashflow self-improve run-tests', which reads them");
    return;
  }
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return on_skip(where, "cannot read: " + ec.message());
  if (size > kMaxFileBytes) return on_skip(where, "file is larger than 512 MiB; split it into smaller trace files");
  std::ifstream in(path, std::ios::binary);
  if (!in) return on_skip(where, "cannot open the file for reading (check its mode and owner)");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (kind == FileKind::Document) {
    json j;
    try {
      j = json::parse(text);
    } catch (const json::parse_error& e) {
      return on_skip(where, std::string("invalid JSON: ") + e.what());
    }
    if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) parse_one(j[i], where + "[" + std::to_string(i) + "]", on_trace, on_skip);
    } else {
      parse_one(j, where, on_trace, on_skip);
    }
    return;
  }
  size_t line_no = 0, start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    const std::string_view line(text.data() + start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      const std::string location = where + ":" + std::to_string(line_no);
      try {
        const json j = json::parse(line.begin(), line.end());
        parse_one(j, location, on_trace, on_skip);
      } catch (const json::parse_error& e) {
        on_skip(location, std::string("invalid JSON: ") + e.what());
      }
    }
    start = end + 1;
  }
}

}  // namespace

void read_trace_files(const std::string& path,
                      const std::function<void(ExecutionTrace&&, const std::string& location)>& on_trace,
                      const std::function<void(const std::string& location, const std::string& reason)>& on_skip) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw Error("traces path '" + path + "' does not exist");
  std::vector<fs::path> files;
  if (fs::is_directory(st)) {
    collect(path, files, on_skip, true);
  } else {
    files.push_back(path);  // a single file is read whatever its name says
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    FileKind kind = classify(f.filename().string());
    if (kind == FileKind::Ignored) kind = FileKind::Document;
    read_one_file(f, kind, on_trace, on_skip);
  }
}

RunResult run_specs_on_directory(const SpecFile& specs, const std::string& path) {
  SpecRunner runner(specs);
  read_trace_files(
      path, [&](ExecutionTrace&& trace, const std::string& location) { runner.add(trace, location); },
      [&](const std::string& location, const std::string& reason) { runner.skipped(location, reason); });
  return runner.result();
}

std::string traces_dir_argument(int argc, char** argv, const char* env_var) {
  if (argc > 1 && argv && argv[1] && *argv[1]) return argv[1];
  if (env_var)
    if (const char* v = std::getenv(env_var); v && *v) return v;
  return kDefaultTracesDir;
}

}  // namespace dashflow::testgen
