// Checking one trace against one spec, with reasons a person can act on:
//   node 'validate' skipped: expected sequence [a, validate, b], got [a, b]
//   1 error appeared: node 'fetch': 'Timeout after 30s' (Timeout)
//   node 'llm' took 912 ms > bound 240 ms
#include <algorithm>
#include <map>

#include "dashflow/testgen.hpp"
#include "testgen_internal.hpp"

namespace dashflow::testgen {
namespace {

using internal::display_name;
using internal::sequence_text;

// Above this many DP cells the alignment falls back to a multiset diff.
constexpr size_t kMaxAlignCells = 4'000'000;
constexpr size_t kMaxListed = 3;
constexpr size_t kMaxMessage = 200;

struct Alignment {
  std::vector<std::string> missing;  // expected, not run
  std::vector<std::string> extra;    // run, not expected
  std::vector<std::pair<size_t, size_t>> matched;  // (expected index, actual index)
  bool aligned = true;  // false: multiset fallback, `matched` is empty
};

// Longest common subsequence alignment of two node sequences.
Alignment align(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  Alignment a;
  const size_t n = expected.size(), m = actual.size();
  if ((n + 1) * (m + 1) > kMaxAlignCells) {
    a.aligned = false;
    std::map<std::string, int64_t> balance;
    for (const auto& e : expected) ++balance[e];
    for (const auto& x : actual) --balance[x];
    for (const auto& e : expected)
      if (balance[e] > 0) a.missing.push_back(e), --balance[e];
    for (const auto& x : actual)
      if (balance[x] < 0) a.extra.push_back(x), ++balance[x];
    return a;
  }
  // lcs[i][j] = LCS length of expected[i..] and actual[j..].
  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      at(i, j) = expected[i] == actual[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  size_t i = 0, j = 0;
  while (i < n && j < m) {
    if (expected[i] == actual[j]) {
      a.matched.emplace_back(i++, j++);
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      a.missing.push_back(expected[i++]);
    } else {
      a.extra.push_back(actual[j++]);
    }
  }
  while (i < n) a.missing.push_back(expected[i++]);
  while (j < m) a.extra.push_back(actual[j++]);
  return a;
}

// "'a', 'b' (2 runs)" in first-seen order.
std::string name_list(const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, size_t>> counts;
  for (const auto& n : names) {
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == n; });
    if (it == counts.end()) counts.emplace_back(n, 1);
    else ++it->second;
  }
  std::string out;
  for (const auto& [name, count] : counts) {
    out += (out.empty() ? "" : ", ") + quote_text(name);
    if (count > 1) out += " (" + std::to_string(count) + " runs)";
  }
  return out;
}

size_t distinct(const std::vector<std::string>& names) {
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  return static_cast<size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
}

std::string sequence_reason(const Alignment& a, const std::vector<std::string>& expected,
                            const std::vector<std::string>& actual) {
  std::string what;
  std::vector<std::string> missing_sorted = a.missing, extra_sorted = a.extra;
  std::sort(missing_sorted.begin(), missing_sorted.end());
  std::sort(extra_sorted.begin(), extra_sorted.end());
  if (!a.missing.empty() && missing_sorted == extra_sorted) {
    what = "node order changed";
  } else {
    if (!a.missing.empty())
      what = std::string(distinct(a.missing) > 1 ? "nodes " : "node ") + name_list(a.missing) + " skipped";
    if (!a.extra.empty())
      what += std::string(what.empty() ? "" : " and ") + (distinct(a.extra) > 1 ? "unexpected nodes " : "unexpected node ") +
              name_list(a.extra) + " ran";
  }
  return what + ": expected sequence " + sequence_text(expected) + ", got " + sequence_text(actual);
}

std::string tools_text(const std::vector<std::string>& tools) {
  std::string out = "[";
  for (size_t i = 0; i < tools.size(); ++i) out += (i ? ", " : "") + display_name(tools[i]);
  return out + "]";
}

// Tools of the steps that ran in both (aligned) sequences.
void check_tools(const TestSpec& spec, const ExecutionTrace& trace, const Alignment& a, std::vector<std::string>& reasons) {
  if (a.aligned) {
    std::vector<std::string> lines;
    size_t differing = 0;
    for (const auto& [i, j] : a.matched) {
      const auto& want = spec.steps[i].tools;
      const auto& got = trace.nodes_executed[j].tools_called;
      if (want == got) continue;
      if (++differing <= kMaxListed)
        lines.push_back("node " + quote_text(spec.steps[i].node) + " (step " + std::to_string(i + 1) + ") called tools " +
                        tools_text(got) + " instead of " + tools_text(want));
    }
    if (differing > kMaxListed) lines.back() += " (and " + std::to_string(differing - kMaxListed) + " more steps with other tools)";
    reasons.insert(reasons.end(), lines.begin(), lines.end());
    return;
  }
  // Very long sequences: compare the tools called over the whole run.
  std::map<std::string, int64_t> balance;
  for (const auto& s : spec.steps)
    for (const auto& t : s.tools) ++balance[t];
  for (const auto& n : trace.nodes_executed)
    for (const auto& t : n.tools_called) --balance[t];
  std::vector<std::string> gone, added;
  for (const auto& [tool, b] : balance) {
    if (b > 0) gone.push_back(quote_text(tool) + " (" + std::to_string(b) + " fewer calls)");
    if (b < 0) added.push_back(quote_text(tool) + " (" + std::to_string(-b) + " more calls)");
  }
  if (gone.empty() && added.empty()) return;
  std::string r = "tools called changed:";
  for (const auto& g : gone) r += " " + g;
  for (const auto& x : added) r += " " + x;
  reasons.push_back(r);
}

std::string clip(const std::string& text) {
  if (text.size() <= kMaxMessage) return text;
  size_t cut = kMaxMessage;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return text.substr(0, cut) + "...";
}

std::string error_text(const ErrorTrace& e) {
  std::string s = "node " + quote_text(e.node) + ": " + quote_text(clip(e.message));
  if (e.error_type) s += " (" + display_name(*e.error_type) + ")";
  return s;
}

std::string error_list(const std::vector<ErrorTrace>& errors) {
  std::string out;
  for (size_t i = 0; i < errors.size() && i < kMaxListed; ++i) out += (i ? "; " : "") + error_text(errors[i]);
  if (errors.size() > kMaxListed) out += "; and " + std::to_string(errors.size() - kMaxListed) + " more";
  return out;
}

void check_success(const TestSpec& spec, const ExecutionTrace& trace, std::vector<std::string>& reasons) {
  if (!spec.expect_success) {
    if (successful_run(trace)) reasons.push_back("expected the run to fail, but it succeeded");
    return;
  }
  if (!trace.completed) reasons.push_back("run did not complete (completed is false)");
  size_t failed = 0;
  for (const auto& n : trace.nodes_executed) {
    if (n.success) continue;
    if (++failed <= kMaxListed)
      reasons.push_back("node " + quote_text(n.node) + " failed" + (n.error_message ? ": " + quote_text(clip(*n.error_message)) : ""));
  }
  if (failed > kMaxListed) reasons.back() += " (and " + std::to_string(failed - kMaxListed) + " more failed node runs)";
}

void check_errors(const TestSpec& spec, const ExecutionTrace& trace, std::vector<std::string>& reasons) {
  const uint64_t got = trace.errors.size();
  if (got == spec.expected_error_count) return;
  if (spec.expected_error_count == 0) {
    reasons.push_back(std::to_string(got) + (got == 1 ? " error appeared: " : " errors appeared: ") + error_list(trace.errors));
  } else {
    reasons.push_back("expected " + std::to_string(spec.expected_error_count) + " errors, got " + std::to_string(got) +
                      (got ? ": " + error_list(trace.errors) : ""));
  }
}

void check_timing(const TimingSpec& timing, const ExecutionTrace& trace, std::vector<std::string>& reasons) {
  for (const auto& [node, limit] : timing.node_max_ms) {
    uint64_t slowest = 0, runs = 0;
    for (const auto& n : trace.nodes_executed)
      if (n.node == node) slowest = std::max(slowest, n.duration_ms), ++runs;
    if (runs && slowest > limit)
      reasons.push_back("node " + quote_text(node) + " took " + std::to_string(slowest) + " ms > bound " + std::to_string(limit) +
                        " ms" + (runs > 1 ? " (slowest of " + std::to_string(runs) + " runs)" : ""));
  }
  if (timing.total_max_ms && trace.total_duration_ms > *timing.total_max_ms)
    reasons.push_back("total duration " + std::to_string(trace.total_duration_ms) + " ms > bound " +
                      std::to_string(*timing.total_max_ms) + " ms");
}

}  // namespace

CheckOutcome check_trace(const TestSpec& spec, const ExecutionTrace& trace) {
  CheckOutcome out;
  const std::vector<std::string> expected = spec.node_sequence();
  std::vector<std::string> actual;
  actual.reserve(trace.nodes_executed.size());
  for (const auto& n : trace.nodes_executed) actual.push_back(n.node);

  const Alignment a = align(expected, actual);
  out.sequence_distance = a.missing.size() + a.extra.size();
  if (out.sequence_distance) out.reasons.push_back(sequence_reason(a, expected, actual));
  check_success(spec, trace, out.reasons);
  check_errors(spec, trace, out.reasons);
  check_tools(spec, trace, a, out.reasons);
  if (spec.timing) check_timing(*spec.timing, trace, out.reasons);
  return out;
}

}  // namespace dashflow::testgen
