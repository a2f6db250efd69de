#include "pipeline/ingest.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "observability/metrics.hpp"
#include "util/cancel.hpp"

namespace dashflow::host {
namespace {

struct WorkItem {
  size_t source;
  TraceUnit unit;
};

// Everything one worker thread accumulates.
struct Worker final : TraceSink {
  const std::vector<PluginInstance<Analyzer>>* analyzers = nullptr;
  std::vector<std::unique_ptr<AnalyzerState>> states;
  std::vector<std::string> failure;  // non-empty = analyzer failed in this worker
  std::vector<double> seconds;
  std::vector<uint64_t> calls;
  SummaryAccumulator summary;
  std::vector<SkippedInput> skipped;
  uint64_t skipped_count = 0;
  std::vector<TraceFacts> facts;
  bool keep_facts = true;
  size_t max_skipped = 1000;
  std::atomic<uint64_t>* traces_seen = nullptr;

  void on_trace(ExecutionTrace&& trace, const TraceOrigin& origin) override {
    summary.add(trace);
    if (keep_facts) {
      TraceFacts f;
      f.started_at_ms = origin.started_at_ms;
      f.duration_ms = trace.total_duration_ms;
      f.tokens = trace.total_tokens;
      f.successful = trace.is_successful();
      for (const auto& e : trace.errors) f.retries += e.retry_attempted ? 1 : 0;
      facts.push_back(f);
    }
    for (size_t i = 0; i < states.size(); ++i) {
      if (!failure[i].empty()) continue;
      const auto start = std::chrono::steady_clock::now();
      try {
        CrashScope scope((*analyzers)[i].id(), "consume", (*analyzers)[i].library_path());
        (*analyzers)[i]->consume(*states[i], trace, origin);
      } catch (const std::exception& e) {
        failure[i] = std::string(e.what()) + " (while consuming " + origin.source + ")";
      } catch (...) {
        failure[i] = "unknown exception (while consuming " + origin.source + ")";
      }
      seconds[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ++calls[i];
    }
    traces_seen->fetch_add(1, std::memory_order_relaxed);
  }

  void on_skip(const SkippedInput& s) override {
    ++skipped_count;
    if (skipped.size() < max_skipped) skipped.push_back(s);
  }
};

}  // namespace

IngestResult ingest_traces(const std::vector<PluginInstance<TraceSource>>& sources,
                           const std::vector<PluginInstance<Analyzer>>& analyzers, const IngestOptions& options) {
  IngestResult result;
  std::vector<WorkItem> work;
  for (size_t s = 0; s < sources.size(); ++s) {
    std::vector<TraceUnit> units;
    try {
      units = sources[s].call("list_units", [](TraceSource& t) { return t.list_units(); });
    } catch (const PluginCallError& e) {
      result.failures.push_back({e.plugin, e.stage, e.detail});
      continue;
    }
    for (auto& u : units)
      if (!options.include || options.include(u)) work.push_back({s, std::move(u)});
  }
  if (options.keep_units)
    for (const auto& w : work) result.units_read.push_back(w.unit);

  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, work.size())));

  std::atomic<uint64_t> traces_seen{0};
  std::atomic<size_t> next{0};
  std::vector<Worker> workers(threads);
  std::mutex failure_mutex;
  for (auto& w : workers) {
    w.analyzers = &analyzers;
    w.keep_facts = options.keep_facts;
    w.max_skipped = options.max_skipped_listed;
    w.traces_seen = &traces_seen;
    w.failure.assign(analyzers.size(), "");
    w.seconds.assign(analyzers.size(), 0);
    w.calls.assign(analyzers.size(), 0);
    for (size_t i = 0; i < analyzers.size(); ++i) {
      try {
        w.states.push_back(analyzers[i]->make_state());
        if (!w.states.back()) throw std::runtime_error("make_state returned no state");
      } catch (const std::exception& e) {
        w.states.push_back(nullptr);
        w.failure[i] = std::string("make_state: ") + e.what();
      }
    }
  }

  auto run_worker = [&](Worker& w) {
    for (;;) {
      if (cancel_flag().load()) return;
      size_t i = next.fetch_add(1);
      if (i >= work.size()) return;
      const WorkItem& item = work[i];
      try {
        CrashScope scope(sources[item.source].id(), "read_unit", sources[item.source].library_path());
        sources[item.source]->read_unit(item.unit, w);
      } catch (const std::exception& e) {
        w.on_skip({item.unit.locator, 0, std::string("trace source '") + sources[item.source].id() + "' failed: " + e.what()});
        std::lock_guard<std::mutex> lock(failure_mutex);
        result.failures.push_back({sources[item.source].id(), "read_unit", e.what()});
      }
    }
  };

  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run_worker, std::ref(workers[t]));
  std::thread progress;
  std::atomic<bool> done{false};
  if (options.progress) {
    progress = std::thread([&] {
      while (!done.load()) {
        std::fprintf(stderr, "\r[analyze] %zu/%zu files, %llu traces", std::min(next.load(), work.size()), work.size(),
                     static_cast<unsigned long long>(traces_seen.load()));
        for (int i = 0; i < 20 && !done.load(); ++i) usleep(10000);
      }
      std::fprintf(stderr, "\r%60s\r", "");
    });
  }
  run_worker(workers[0]);
  for (auto& t : pool) t.join();
  done = true;
  if (progress.joinable()) progress.join();

  // Merge into worker 0, in worker order; analyzers that failed anywhere are dropped.
  Worker& first = workers[0];
  auto& metrics = MetricsRegistry::global();
  for (size_t i = 0; i < analyzers.size(); ++i) {
    std::string failed;
    double seconds = 0;
    uint64_t calls = 0;
    for (auto& w : workers) {
      if (failed.empty()) failed = w.failure[i];
      seconds += w.seconds[i];
      calls += w.calls[i];
    }
    for (size_t t = 1; t < workers.size() && failed.empty(); ++t) {
      try {
        analyzers[i]->merge(*first.states[i], *workers[t].states[i]);
      } catch (const std::exception& e) {
        failed = std::string("merge: ") + e.what();
      }
    }
    Labels labels = {{"plugin", analyzers[i].id()}, {"stage", "consume"}};
    metrics.counter_add("dashflow_plugin_calls_total", labels, static_cast<double>(calls));
    if (calls) metrics.observe("dashflow_plugin_call_duration_seconds", labels, seconds / static_cast<double>(calls));
    if (!failed.empty()) {
      metrics.counter_add("dashflow_plugin_errors_total", labels, 1);
      result.failures.push_back({analyzers[i].id(), "consume", failed});
      result.states.push_back(nullptr);
    } else {
      result.states.push_back(std::move(first.states[i]));
    }
  }
  for (auto& w : workers) {
    result.summary.merge(w.summary);
    result.skipped_count += w.skipped_count;
    for (auto& s : w.skipped)
      if (result.skipped.size() < options.max_skipped_listed) result.skipped.push_back(std::move(s));
    result.facts.insert(result.facts.end(), w.facts.begin(), w.facts.end());
  }
  std::sort(result.skipped.begin(), result.skipped.end(),
            [](const SkippedInput& a, const SkippedInput& b) { return std::tie(a.source, a.line) < std::tie(b.source, b.line); });
  result.traces = traces_seen.load();
  metrics.counter_add("dashflow_traces_ingested_total", {}, static_cast<double>(result.traces));
  if (result.skipped_count) metrics.counter_add("dashflow_inputs_skipped_total", {}, static_cast<double>(result.skipped_count));
  metrics.counter_add("dashflow_traces_ingested_total", {}, static_cast<double>(result.traces));
  metrics.counter_add("dashflow_traces_skipped_total", {}, static_cast<double>(result.skipped_count));
  return result;
}

}  // namespace dashflow::host
