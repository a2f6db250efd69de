// Regression tests from traces: a test-spec model, generation of specs from
// successful traces, a runner that checks specs against new traces, and a
// GoogleTest source emitter. `dashflow self-improve generate-tests` and
// `run-tests` are built on it, and so are the generated GoogleTest files
// (they link DashflowSDK::sdk and call the runner at test time).
//
// What a spec asserts about a trace of its flow: the node sequence, success,
// the error count, the tools each step called and, optionally, duration
// bounds (per node name and total).
//
// Which traces a spec applies to (its flow, FlowKey): traces whose
// metadata.graph_name equals the spec's graph_name; for traces without a
// graph_name, traces that also have none and whose first node is the spec's
// entry_node. One flow may have several specs (one per behaviour seen: a
// branch taken or not). A trace passes when it passes any spec of its flow;
// otherwise it fails against the nearest spec (smallest node-sequence edit
// distance, then fewest failed checks, then file order), which reports why.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/errors.hpp"
#include "dashflow/json.hpp"
#include "dashflow/types.hpp"

namespace dashflow::testgen {

inline constexpr int kSpecSchemaVersion = 1;
inline constexpr const char* kSpecKind = "dashflow-regression-tests";
// Generated GoogleTest files read the traces directory from argv[1], else
// from this environment variable, else from kDefaultTracesDir.
inline constexpr const char* kTracesDirEnv = "DASHFLOW_TRACES_DIR";
inline constexpr const char* kDefaultTracesDir = ".dashflow/traces";

// A spec file that cannot be read; the message names the file and the field
// path ("tests.json: tests[2].expect.steps[0].node: missing required field").
class SpecError : public Error {
 public:
  using Error::Error;
};

// ------------------------------------------------------------------ flows

struct FlowKey {
  std::optional<std::string> graph_name;  // metadata.graph_name, when the trace has one
  std::string entry_node;                 // first node; identifies the flow only without graph_name
  bool operator==(const FlowKey& other) const;
  bool operator<(const FlowKey& other) const;
  // "graph 'weather_bot'" or "unnamed graph starting at node 'planner'".
  std::string describe() const;
};

// The flow of a trace (see the file comment).
FlowKey flow_of(const ExecutionTrace& trace);

// ------------------------------------------------------------------ specs

struct StepSpec {
  std::string node;
  std::vector<std::string> tools;  // tools_called of that step, in order
  bool operator==(const StepSpec&) const = default;
};

// bound = max(ceil(observed x (1 + tolerance)), floor_ms), observed being the
// largest duration seen among the traces the spec came from.
struct TimingSpec {
  double tolerance = 1.0;
  uint64_t floor_ms = 50;
  std::optional<uint64_t> total_max_ms;        // total_duration_ms bound
  std::map<std::string, uint64_t> node_max_ms;  // per node name, every run of it
  bool operator==(const TimingSpec&) const = default;
};

// Where a spec came from (informational).
struct SourceInfo {
  std::string location;  // file (and line for JSON Lines) of the newest trace
  std::optional<std::string> execution_id;
  std::optional<std::string> thread_id;
  std::optional<std::string> started_at;
  uint64_t traces = 1;  // traces that showed this behaviour
  bool operator==(const SourceInfo&) const = default;
};

struct TestSpec {
  std::string name;  // unique, a valid C++ identifier
  std::string description;
  FlowKey match;
  SourceInfo source;
  std::vector<StepSpec> steps;  // the expected node sequence with its tools
  bool expect_success = true;   // completed, no errors, every node succeeded
  uint64_t expected_error_count = 0;
  std::optional<TimingSpec> timing;

  std::vector<std::string> node_sequence() const;
  bool operator==(const TestSpec&) const = default;
};

struct SpecFile {
  int schema_version = kSpecSchemaVersion;
  std::string generated_at;
  json generator = json::object();  // how it was generated (informational)
  std::vector<TestSpec> tests;

  const TestSpec* find(std::string_view name) const;
};

// Pretty JSON, ASCII only (non-ASCII as \u escapes), with `_schema_version`.
std::string spec_file_to_json(const SpecFile& file);
// Parses and validates (known keys only inside tests, names unique valid
// identifiers, consistent expectations). `where` prefixes error messages.
SpecFile parse_spec_file(std::string_view text, const std::string& where);
SpecFile read_spec_file(const std::string& path);

// ------------------------------------------------------------------ names and escaping

// A valid C++ identifier that is not a keyword and not reserved ("__", "_X").
bool is_cpp_identifier(std::string_view text);
// ASCII letters and digits kept, every other run of bytes becomes one '_'
// (none leading or trailing), "flow_" put before a leading digit, at most 48
// characters; "" when nothing usable is left.
std::string identifier_base(std::string_view text);
// "<base of graph or entry node>_<n>", n = 1, 2, ... the first not in `taken`
// (which it is added to). Base "flow" when the name has nothing usable.
std::string unique_test_name(const FlowKey& flow, std::set<std::string>& taken);
// A C++ string literal (with quotes) of `text`, ASCII only: quotes,
// backslashes, '?' and control characters escaped, other bytes as 3-digit
// octal escapes (they cannot swallow the next character as \x would).
std::string cpp_string_literal(std::string_view text);
// `text` for a single-line // comment: JSON-quoted, ASCII only.
std::string cpp_comment_text(std::string_view text);
// 'text' for messages: quotes, backslashes and control characters escaped.
std::string quote_text(std::string_view text);

// ------------------------------------------------------------------ generation

struct GenerateOptions {
  size_t limit = 10;          // at most this many specs, newest behaviours first
  bool timing = false;        // add duration bounds
  double tolerance = 1.0;     // bound = observed x (1 + tolerance) ...
  uint64_t timing_floor_ms = 50;  // ... but never below this
  // Throws ConfigError naming the option when a value is unusable.
  void validate() const;
};

struct TraceInfo {
  std::string location;  // file path, with ":<line>" for JSON Lines
  int64_t time_ms = 0;   // started_at, else the file's mtime (see trace_time_ms)
};

// started_at when it parses, else fallback_ms.
int64_t trace_time_ms(const ExecutionTrace& trace, int64_t fallback_ms);

struct GenerateStats {
  uint64_t traces = 0;        // offered
  uint64_t unsuccessful = 0;  // skipped: not completed, errors, or a failed node
  uint64_t behaviours = 0;    // distinct (flow, steps) among successful traces
  uint64_t omitted = 0;       // behaviours beyond the limit
};

// Streams traces in; keeps one candidate per behaviour (flow + node sequence
// with each step's tools), so memory grows with distinct behaviours, not
// traces. finish() picks the newest `limit` behaviours, newest first (ties by
// location), names them, and is deterministic for a given set of traces.
class SpecGenerator {
 public:
  explicit SpecGenerator(GenerateOptions options);
  void add(const ExecutionTrace& trace, const TraceInfo& info);
  std::vector<TestSpec> finish(GenerateStats* stats = nullptr) const;

 private:
  struct Candidate {
    FlowKey flow;
    std::vector<StepSpec> steps;
    int64_t time_ms = 0;
    std::string location;
    std::optional<std::string> execution_id, thread_id, started_at;
    uint64_t traces = 0;
    uint64_t total_max_ms = 0;
    std::map<std::string, uint64_t> node_max_ms;
  };
  GenerateOptions options_;
  std::map<std::string, Candidate> candidates_;  // by behaviour key
  uint64_t traces_ = 0, unsuccessful_ = 0;
};

// A trace is successful for generation when it completed, has no error
// records and every node run succeeded.
bool successful_run(const ExecutionTrace& trace);

// ------------------------------------------------------------------ checking

struct CheckOutcome {
  std::vector<std::string> reasons;  // empty = the trace passes the spec
  uint64_t sequence_distance = 0;    // node-sequence edit distance (insertions + deletions)
  bool passed() const { return reasons.empty(); }
};

// Checks one trace against one spec (whatever its flow).
CheckOutcome check_trace(const TestSpec& spec, const ExecutionTrace& trace);

enum class TestStatus { Passed, Failed, NotRun };
const char* status_name(TestStatus status);  // "passed", "failed", "not_run"

struct TraceFailure {
  std::string location;
  std::optional<std::string> execution_id;
  std::vector<std::string> reasons;
};

struct SpecResult {
  std::string name;
  FlowKey match;
  TestStatus status = TestStatus::NotRun;
  uint64_t traces_passed = 0;
  uint64_t traces_failed = 0;
  uint64_t flow_traces = 0;  // traces of its flow (some may belong to other specs of the flow)
  std::vector<TraceFailure> failures;  // the first kMaxListedFailures
  // One line: "3 traces passed", "1 of 4 traces failed", "no trace of graph 'x'".
  std::string summary() const;
  // Summary plus every listed failure with its reasons, one per line.
  std::string report() const;
};

inline constexpr size_t kMaxListedFailures = 20;

struct RunResult {
  std::vector<SpecResult> tests;  // in spec-file order
  uint64_t traces = 0;            // traces checked
  uint64_t unmatched = 0;         // traces of flows no spec covers
  std::map<std::string, uint64_t> unmatched_flows;  // describe() -> count, first 20 flows
  uint64_t skipped_count = 0;                       // unreadable inputs
  std::vector<std::string> skipped;                 // "location: reason", first 20

  const SpecResult* find(std::string_view name) const;
  uint64_t count(TestStatus status) const;
  // No failures; with require_all also no test without traces.
  bool passed(bool require_all = false) const;
};

// Streams traces against a spec file (see the file comment for matching).
class SpecRunner {
 public:
  explicit SpecRunner(SpecFile specs);
  void add(const ExecutionTrace& trace, const std::string& location);
  void skipped(const std::string& location, const std::string& reason);
  RunResult result() const;

 private:
  SpecFile specs_;
  std::map<FlowKey, std::vector<size_t>> by_flow_;
  RunResult result_;
};

// ------------------------------------------------------------------ trace files

// Reads the trace files under `path` (recursively, sorted by path): *.json
// (one trace, or an array of traces) and *.jsonl / *.ndjson (one per line).
// Hidden files and *.tmp are ignored; gzip files are reported to on_skip
// (decompress them, or use `dashflow self-improve run-tests`, which reads
// them through the trace-dir source). A path that is a file is read alone.
// Throws Error when the path does not exist or cannot be listed.
void read_trace_files(const std::string& path,
                      const std::function<void(ExecutionTrace&&, const std::string& location)>& on_trace,
                      const std::function<void(const std::string& location, const std::string& reason)>& on_skip);

// read_trace_files into a SpecRunner. Throws Error as read_trace_files.
RunResult run_specs_on_directory(const SpecFile& specs, const std::string& path);

// The traces directory for a generated test binary: argv[1] when given (after
// GoogleTest removed its own flags), else $DASHFLOW_TRACES_DIR when set and
// non-empty, else kDefaultTracesDir.
std::string traces_dir_argument(int argc, char** argv, const char* env_var = kTracesDirEnv);

// ------------------------------------------------------------------ output

struct GtestOptions {
  std::string suite = "DashflowRegression";  // must be a C++ identifier
  std::string generator = "dashflow";        // named in the header comment
};

// A GoogleTest source embedding `file`: one TEST per spec, checked by the SDK
// runner against the traces directory given at run time. Link it with
// DashflowSDK::sdk and GTest::gtest (not gtest_main: it has its own main).
std::string emit_gtest_source(const SpecFile& file, const GtestOptions& options = {});

// Writes `content` to `path` atomically: a temporary file in the same
// directory, fsync, rename, fsync of the directory. Throws StorageError
// naming the path and the system error.
void write_file_atomic(const std::string& path, std::string_view content);

}  // namespace dashflow::testgen
