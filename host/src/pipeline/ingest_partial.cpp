#include "pipeline/ingest_partial.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <tuple>

#include "dashflow/parallel.hpp"
#include "plugin/crash_guard.hpp"

namespace dashflow::host {
namespace {

bool skipped_less(const SkippedInput& a, const SkippedInput& b) {
  return std::tie(a.source, a.line, a.reason) < std::tie(b.source, b.line, b.reason);
}

}  // namespace

TraceFacts facts_of(const ExecutionTrace& trace, const TraceOrigin& origin) {
  TraceFacts f;
  f.started_at_ms = origin.started_at_ms;
  f.duration_ms = trace.total_duration_ms;
  f.tokens = trace.total_tokens;
  f.successful = trace.is_successful();
  for (const auto& e : trace.errors) f.retries += e.retry_attempted ? 1 : 0;
  return f;
}

// ---------------------------------------------------------------- SkippedList

void SkippedList::add(SkippedInput s) {
  ++count_;
  if (limit_ == 0) return;
  items_.push_back(std::move(s));
  if (items_.size() >= 2 * limit_) prune();
}

void SkippedList::merge(const SkippedList& other) { add_counted(other.count_, other.items_); }

void SkippedList::add_counted(uint64_t count, const std::vector<SkippedInput>& listed) {
  count_ += count;
  if (limit_ == 0) return;
  for (const auto& s : listed) {
    items_.push_back(s);
    if (items_.size() >= 2 * limit_) prune();
  }
}

void SkippedList::prune() {
  // Keeps the `limit_` smallest: amortized O(1) per add.
  if (items_.size() <= limit_) return;
  std::nth_element(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(limit_), items_.end(), skipped_less);
  items_.resize(limit_);
}

std::vector<SkippedInput> SkippedList::sorted() const {
  std::vector<SkippedInput> out = items_;
  std::sort(out.begin(), out.end(), skipped_less);
  if (out.size() > limit_) out.resize(limit_);
  return out;
}

// ---------------------------------------------------------------- IngestPartial

IngestPartial::IngestPartial(const std::vector<PluginInstance<Analyzer>>& analyzers_in, size_t max_skipped,
                             bool keep_facts_in, std::atomic<uint64_t>* traces_seen)
    : analyzers(analyzers_in),
      failure(analyzers_in.size()),
      seconds(analyzers_in.size(), 0),
      calls(analyzers_in.size(), 0),
      skipped(max_skipped),
      keep_facts(keep_facts_in),
      traces_seen_(traces_seen) {
  for (size_t i = 0; i < analyzers.size(); ++i) {
    try {
      CrashScope scope(analyzers[i].id(), "make_state", analyzers[i].library_path());
      states.push_back(analyzers[i]->make_state());
      if (!states.back()) throw std::runtime_error("make_state returned no state");
    } catch (const std::exception& e) {
      states.resize(i + 1);
      states[i] = nullptr;
      failure[i] = std::string("make_state: ") + e.what();
    }
  }
}

void IngestPartial::on_trace(ExecutionTrace&& trace, const TraceOrigin& origin) {
  summary.add(trace);
  if (keep_facts) facts.push_back(facts_of(trace, origin));
  for (size_t i = 0; i < states.size(); ++i) {
    if (!failure[i].empty()) continue;
    const auto start = std::chrono::steady_clock::now();
    try {
      CrashScope scope(analyzers[i].id(), "consume", analyzers[i].library_path());
      analyzers[i]->consume(*states[i], trace, origin);
    } catch (const std::exception& e) {
      failure[i] = std::string(e.what()) + " (while consuming " + origin.source + ")";
    } catch (...) {
      failure[i] = "unknown exception (while consuming " + origin.source + ")";
    }
    seconds[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++calls[i];
  }
  ++traces;
  if (traces_seen_) traces_seen_->fetch_add(1, std::memory_order_relaxed);
}

void IngestPartial::on_skip(const SkippedInput& s) { skipped.add(s); }

void IngestPartial::absorb(IngestPartial& other) {
  for (size_t i = 0; i < states.size(); ++i) {
    seconds[i] += other.seconds[i];
    calls[i] += other.calls[i];
    if (!failure[i].empty()) continue;
    if (!other.failure[i].empty()) {
      failure[i] = other.failure[i];
      continue;
    }
    try {
      CrashScope scope(analyzers[i].id(), "merge", analyzers[i].library_path());
      analyzers[i]->merge(*states[i], *other.states[i]);
    } catch (const std::exception& e) {
      failure[i] = std::string("merge: ") + e.what();
    } catch (...) {
      failure[i] = "merge: unknown exception";
    }
  }
  summary.merge(other.summary);
  skipped.merge(other.skipped);
  if (keep_facts) facts.insert(facts.end(), other.facts.begin(), other.facts.end());
  traces += other.traces;
  source_failed = source_failed || other.source_failed;
  incomplete = incomplete || other.incomplete;
}

bool IngestPartial::clean() const {
  if (source_failed || incomplete) return false;
  return std::all_of(failure.begin(), failure.end(), [](const std::string& f) { return f.empty(); });
}

std::optional<ChunkEntry> IngestPartial::to_entry(const std::string& key, uint64_t units, std::string& why) const {
  if (!clean()) {
    why = source_failed ? "a trace source failed" : incomplete ? "reading was interrupted" : "an analyzer failed";
    return std::nullopt;
  }
  if (!keep_facts) {
    why = "facts were not kept";
    return std::nullopt;
  }
  ChunkEntry e;
  e.key = key;
  e.units = units;
  e.traces = traces;
  e.summary = summary;
  e.skipped_count = skipped.count();
  e.skipped = skipped.sorted();
  e.facts = facts;
  e.owned.reserve(states.size());  // no reallocation: the states view these strings (short ones in place)
  for (size_t i = 0; i < states.size(); ++i) {
    std::string text;
    try {
      CrashScope scope(analyzers[i].id(), "save_state", analyzers[i].library_path());
      text = analyzers[i]->save_state(*states[i]);
    } catch (const std::exception& ex) {
      why = "analyzer '" + analyzers[i].id() + "' failed in save_state: " + ex.what();
      return std::nullopt;
    }
    if (text.empty()) {
      why = "analyzer '" + analyzers[i].id() + "' returned no saved state";
      return std::nullopt;
    }
    e.owned.push_back(std::move(text));
    e.states.push_back({analyzers[i].id(), e.owned.back()});
  }
  return e;
}

void IngestPartial::load_entry(ChunkEntry&& e, unsigned threads) {
  if (traces != 0 || skipped.count() != 0) throw std::logic_error("load_entry needs a fresh partial");
  if (e.states.size() != analyzers.size())
    throw std::runtime_error("entry has " + std::to_string(e.states.size()) + " analyzer states, the pipeline " +
                             std::to_string(analyzers.size()));
  for (size_t i = 0; i < analyzers.size(); ++i)
    if (e.states[i].analyzer != analyzers[i].id())
      throw std::runtime_error("entry state " + std::to_string(i) + " is from analyzer '" + e.states[i].analyzer +
                               "', expected '" + analyzers[i].id() + "'");
  // The analyzers' states are independent: a run snapshot (tens of MB of
  // them) loads them side by side.
  std::vector<std::unique_ptr<AnalyzerState>> loaded(analyzers.size());
  std::vector<std::string> errors(analyzers.size());
  auto load_one = [&](size_t i) {
    try {
      CrashScope scope(analyzers[i].id(), "load_state", analyzers[i].library_path());
      loaded[i] = analyzers[i]->load_state(e.states[i].state);
      if (!loaded[i]) errors[i] = "analyzer '" + analyzers[i].id() + "' loaded no state";
    } catch (const std::exception& ex) {
      errors[i] = "analyzer '" + analyzers[i].id() + "' could not load its state: " + ex.what();
    }
  };
  parallel_for(analyzers.size(), threads, load_one);
  for (const auto& error : errors)
    if (!error.empty()) throw std::runtime_error(error);
  states = std::move(loaded);
  for (auto& f : failure) f.clear();
  summary = e.summary;
  skipped.add_counted(e.skipped_count, e.skipped);
  if (keep_facts) facts = std::move(e.facts);
  traces = e.traces;
  if (traces_seen_) traces_seen_->fetch_add(e.traces, std::memory_order_relaxed);
}

}  // namespace dashflow::host
