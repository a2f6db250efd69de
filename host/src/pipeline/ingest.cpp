#include "pipeline/ingest.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iterator>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "dashflow/durable_file.hpp"
#include "dashflow/parallel.hpp"
#include "audit/sha256.hpp"
#include "observability/metrics.hpp"
#include "pipeline/cache/chunk_entry.hpp"
#include "pipeline/cache/chunking.hpp"
#include "pipeline/ingest_partial.hpp"
#include "util/cancel.hpp"

namespace dashflow::host {
namespace {

// Units per work item when only a few chunks are read: they are split so
// that a small directory (a single chunk) is still read by every thread.
constexpr size_t kReadBatch = 32;
// Files modified this recently may still be written, or rewritten within the
// file system's timestamp granularity (2 s on FAT): read them, never cache them.
constexpr int64_t kSettleNs = 2'000'000'000;

// One chunk of units under one cache key. Its read batches deposit their
// partials here; the last one stores the entry and hands the chunk on.
struct ChunkJob {
  size_t begin = 0, end = 0;  // into the unit list
  std::string key;
  std::mutex mutex;
  std::unique_ptr<IngestPartial> part;
  size_t pending = 0;  // batches not yet deposited
};

struct WorkItem {
  enum class Kind { Read, Load };
  Kind kind = Kind::Read;
  size_t begin = 0, end = 0;
  ChunkJob* chunk = nullptr;  // null: read into the worker's own partial, no cache
};

PluginIdentity identity_of(const std::string& id, const PluginManifest& manifest, const nlohmann::json& config,
                           const std::string& library_path) {
  return {id, manifest.version, config.dump(), file_identity(library_path)};
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class IngestRun {
 public:
  IngestRun(const std::vector<PluginInstance<TraceSource>>& sources,
            const std::vector<PluginInstance<Analyzer>>& analyzers, const IngestOptions& options)
      : sources_(sources), analyzers_(analyzers), options_(options) {}

  IngestResult run();

 private:
  void list_units();
  std::string cache_blocker() const;
  void open_cache();
  void plan_items();
  void plan_cached_source(size_t source, size_t begin, size_t end);
  void work(IngestPartial& total);
  void read_units(size_t begin, size_t end, IngestPartial& into);
  void deposit(ChunkJob& job, std::unique_ptr<IngestPartial> part, IngestPartial& total);
  void finish_chunk(ChunkJob& job, std::unique_ptr<IngestPartial> part, IngestPartial& total);
  bool load_chunk(ChunkJob& job, IngestPartial& total);
  std::unique_ptr<IngestPartial> fresh_partial(bool keep_facts) {
    return std::make_unique<IngestPartial>(analyzers_, options_.max_skipped_listed, keep_facts, &traces_seen_);
  }
  void finish_cache(IngestResult& result);
  unsigned thread_count() const { return options_.threads ? options_.threads : hardware_threads(); }
  bool load_snapshot();
  void store_snapshot(IngestPartial& all);

  const std::vector<PluginInstance<TraceSource>>& sources_;
  const std::vector<PluginInstance<Analyzer>>& analyzers_;
  const IngestOptions& options_;

  // Every unit listed, sources one after the other (each in locator order),
  // and the source of each: the plugin's list is kept as it came, no copy.
  std::vector<TraceUnit> units_;
  std::vector<uint32_t> source_of_;
  std::vector<PluginFailure> failures_;
  std::mutex failures_mutex_;
  std::optional<AnalysisCache> cache_;
  CacheStats stats_;
  std::deque<ChunkJob> chunks_;  // deque: jobs hold mutexes and never move
  // The run snapshot: one entry holding the merged result of every chunk,
  // keyed by all chunk keys. An unchanged directory is then one entry to
  // load instead of one per chunk (and no merging). Only when every unit is
  // settled, i.e. every chunk has a key.
  bool all_settled_ = true;
  std::string run_text_;  // the chunk keys, in order
  std::string snapshot_key_;
  std::unique_ptr<IngestPartial> snapshot_;
  std::vector<WorkItem> items_;

  std::atomic<size_t> next_{0};
  std::atomic<uint64_t> traces_seen_{0};
  std::atomic<uint64_t> traces_read_{0};
  std::atomic<size_t> units_done_{0};
  std::atomic<uint64_t> chunks_loaded_{0}, chunks_saved_{0}, entries_invalid_{0}, units_hit_{0};
  std::atomic<bool> write_failure_logged_{false};
};

void IngestRun::list_units() {
  for (size_t s = 0; s < sources_.size(); ++s) {
    std::vector<TraceUnit> listed;
    try {
      listed = sources_[s].call("list_units", [](TraceSource& t) { return t.list_units(); });
    } catch (const PluginCallError& e) {
      failures_.push_back({e.plugin, e.stage, e.detail});
      continue;
    }
    if (options_.include)
      std::erase_if(listed, [&](const TraceUnit& u) { return !options_.include(u); });
    if (units_.empty()) {
      units_ = std::move(listed);
    } else {
      units_.reserve(units_.size() + listed.size());
      std::move(listed.begin(), listed.end(), std::back_inserter(units_));
    }
    source_of_.resize(units_.size(), static_cast<uint32_t>(s));
  }
}

// Empty when the cache can serve this run, else why not.
std::string IngestRun::cache_blocker() const {
  if (options_.include) return "a unit filter is set (the daemon reads only new files)";
  if (!options_.keep_facts) return "per-trace facts are not kept";
  for (const auto& a : analyzers_) {
    std::string why;
    try {
      auto state = a.call("make_state", [](Analyzer& x) { return x.make_state(); });
      if (!state) return "analyzer '" + a.id() + "' made no state";
      const std::string text = a.call("save_state", [&](Analyzer& x) { return x.save_state(*state); });
      if (text.empty()) return "analyzer '" + a.id() + "' does not support save_state/load_state";
      if (!a.call("load_state", [&](Analyzer& x) { return x.load_state(text); }))
        return "analyzer '" + a.id() + "' does not support load_state";
    } catch (const PluginCallError& e) {
      return "analyzer '" + a.id() + "' failed in " + e.stage + " (" + e.detail + ")";
    }
  }
  return "";
}

void IngestRun::open_cache() {
  if (!options_.cache.enabled) return;
  std::string reason = cache_blocker();
  if (reason.empty()) {
    try {
      cache_.emplace(options_.cache);
    } catch (const std::exception& e) {
      reason = e.what();
      spdlog::warn("analysis cache unusable, this run reads every trace: {}", reason);
    }
  } else {
    spdlog::info("analysis cache off for this run: {}", reason);
  }
  stats_.off_reason = reason;
  stats_.used = cache_.has_value();
  if (cache_) stats_.dir = cache_->dir().string();
}

void IngestRun::plan_cached_source(size_t source, size_t begin, size_t end) {
  const auto& s = sources_[source];
  std::vector<PluginIdentity> analyzers;
  for (const auto& a : analyzers_) analyzers.push_back(identity_of(a.id(), a.manifest(), a.config(), a.library_path()));
  const std::string pipeline_text =
      pipeline_key_text(identity_of(s.id(), s.manifest(), s.config(), s.library_path()), analyzers,
                        options_.max_skipped_listed);
  const std::span<const TraceUnit> list(units_.data() + begin, end - begin);
  const int64_t settled_before = now_ns() - kSettleNs;
  const std::vector<ChunkRange> ranges = split_into_chunks(list);
  // The keys of settled chunks, hashed side by side: a re-run of an
  // unchanged directory computes one per chunk before it knows it has
  // nothing to read. Empty = not settled.
  std::vector<std::string> keys(ranges.size());
  parallel_for(ranges.size(), thread_count(), [&](size_t k) {
    const std::span<const TraceUnit> chunk_units = list.subspan(ranges[k].begin, ranges[k].size());
    const bool settled = std::all_of(chunk_units.begin(), chunk_units.end(), [&](const TraceUnit& u) {
      return u.mtime_ns > 0 && u.mtime_ns < settled_before;
    });
    if (settled) keys[k] = chunk_key(pipeline_text, chunk_units);
  });
  std::vector<ChunkJob*> to_read;
  for (size_t k = 0; k < ranges.size(); ++k) {
    const ChunkRange& c = ranges[k];
    ++stats_.chunks;
    if (keys[k].empty()) {  // not settled: read like without a cache
      all_settled_ = false;
      for (size_t i = begin + c.begin; i < begin + c.end; ++i) items_.push_back({WorkItem::Kind::Read, i, i + 1, nullptr});
      continue;
    }
    ChunkJob& job = chunks_.emplace_back();
    job.begin = begin + c.begin;
    job.end = begin + c.end;
    job.key = std::move(keys[k]);
    run_text_ += job.key + '\n';
    if (cache_->contains(job.key)) {
      items_.push_back({WorkItem::Kind::Load, job.begin, job.end, &job});
      continue;
    }
    to_read.push_back(&job);
  }
  // Many chunks to read (a first run): one work item each, read straight into
  // the chunk's partial. Few: split into batches so that every thread has
  // work, their partials merged into the chunk's.
  const bool whole_chunks = to_read.size() >= 4 * thread_count();
  for (ChunkJob* job : to_read) {
    const size_t batch = whole_chunks ? job->end - job->begin : kReadBatch;
    for (size_t b = job->begin; b < job->end; b += batch) {
      items_.push_back({WorkItem::Kind::Read, b, std::min(b + batch, job->end), job});
      ++job->pending;
    }
  }
}

void IngestRun::plan_items() {
  if (!cache_) {
    for (size_t i = 0; i < units_.size(); ++i) items_.push_back({WorkItem::Kind::Read, i, i + 1, nullptr});
    return;
  }
  // Units of one source are contiguous and in the source's (locator) order.
  for (size_t begin = 0; begin < units_.size();) {
    size_t end = begin;
    while (end < units_.size() && source_of_[end] == source_of_[begin]) ++end;
    plan_cached_source(source_of_[begin], begin, end);
    begin = end;
  }
  if (all_settled_ && stats_.chunks > 1) {  // one chunk: its entry is the snapshot already
    snapshot_key_ = sha256_hex("dashflow run snapshot v1\n" + run_text_);
    if (load_snapshot()) {
      items_.clear();
      return;
    }
  }
  // Reads first: they take longest, loads fill the gaps at the end.
  std::stable_partition(items_.begin(), items_.end(), [](const WorkItem& w) { return w.kind == WorkItem::Kind::Read; });
}

void IngestRun::read_units(size_t begin, size_t end, IngestPartial& into) {
  for (size_t i = begin; i < end; ++i) {
    if (cancel_flag().load()) {
      into.incomplete = true;
      return;
    }
    const TraceUnit& unit = units_[i];
    const auto& source = sources_[source_of_[i]];
    const uint64_t before = into.traces;
    try {
      CrashScope scope(source.id(), "read_unit", source.library_path());
      source->read_unit(unit, into);
    } catch (const std::exception& e) {
      into.on_skip({unit.locator, 0, std::string("trace source '") + source.id() + "' failed: " + e.what()});
      into.source_failed = true;
      std::lock_guard<std::mutex> lock(failures_mutex_);
      failures_.push_back({source.id(), "read_unit", e.what()});
    }
    traces_read_.fetch_add(into.traces - before, std::memory_order_relaxed);
    units_done_.fetch_add(1, std::memory_order_relaxed);
  }
}

void IngestRun::deposit(ChunkJob& job, std::unique_ptr<IngestPartial> part, IngestPartial& total) {
  std::unique_ptr<IngestPartial> whole;
  {
    std::lock_guard<std::mutex> lock(job.mutex);
    if (!job.part) job.part = std::move(part);
    else job.part->absorb(*part);
    if (--job.pending == 0) whole = std::move(job.part);
  }
  if (whole) finish_chunk(job, std::move(whole), total);
}

// A chunk read in full: store its entry (when clean), then count it in.
void IngestRun::finish_chunk(ChunkJob& job, std::unique_ptr<IngestPartial> part, IngestPartial& total) {
  std::string why;
  std::optional<ChunkEntry> entry;
  if (!cancel_flag().load()) entry = part->to_entry(job.key, job.end - job.begin, why);
  if (entry) {
    try {
      cache_->write(job.key, encode_chunk_entry(*entry));
      chunks_saved_.fetch_add(1, std::memory_order_relaxed);
    } catch (const std::exception& e) {
      if (!write_failure_logged_.exchange(true))
        spdlog::warn("analysis cache: cannot store an entry ({}); the next run reads these traces again", e.what());
    }
  } else if (!why.empty()) {
    spdlog::debug("analysis cache: chunk {} not stored: {}", job.key.substr(0, 12), why);
  }
  total.absorb(*part);
}

// A chunk from its cache entry; false when the entry cannot be used.
bool IngestRun::load_chunk(ChunkJob& job, IngestPartial& total) {
  std::optional<MappedFile> bytes = cache_->read(job.key);
  if (!bytes) return false;
  auto part = fresh_partial(true);
  try {
    ChunkEntry entry = decode_chunk_entry(bytes->bytes());
    if (entry.key != job.key) throw std::runtime_error("entry was stored under another key");
    if (entry.units != job.end - job.begin) throw std::runtime_error("entry covers another number of units");
    part->load_entry(std::move(entry));
  } catch (const std::exception& e) {
    spdlog::info("analysis cache: entry {} unusable, reading its {} files again: {}", job.key.substr(0, 12),
                 job.end - job.begin, e.what());
    entries_invalid_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  cache_->touch(job.key);
  total.absorb(*part);
  chunks_loaded_.fetch_add(1, std::memory_order_relaxed);
  units_hit_.fetch_add(job.end - job.begin, std::memory_order_relaxed);
  units_done_.fetch_add(job.end - job.begin, std::memory_order_relaxed);
  return true;
}

bool IngestRun::load_snapshot() {
  if (!cache_->contains(snapshot_key_)) return false;
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<MappedFile> bytes = cache_->read(snapshot_key_);
  if (!bytes) return false;
  spdlog::debug("analysis cache: run snapshot mapped ({} MiB) in {:.3f} s", bytes->bytes().size() >> 20,
                seconds_since(t0));
  auto part = fresh_partial(true);
  try {
    ChunkEntry entry = decode_chunk_entry(bytes->bytes());
    spdlog::debug("analysis cache: run snapshot decoded at {:.3f} s", seconds_since(t0));
    if (entry.key != snapshot_key_) throw std::runtime_error("entry was stored under another key");
    if (entry.units != units_.size()) throw std::runtime_error("entry covers another number of units");
    part->load_entry(std::move(entry), thread_count());
  } catch (const std::exception& e) {
    spdlog::info("analysis cache: run snapshot {} unusable, using the chunk entries: {}", snapshot_key_.substr(0, 12),
                 e.what());
    entries_invalid_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  cache_->touch(snapshot_key_);
  spdlog::debug("analysis cache: every file unchanged, run snapshot {} loaded in {:.3f} s", snapshot_key_.substr(0, 12),
                seconds_since(t0));
  snapshot_ = std::move(part);
  stats_.snapshot_loaded = true;
  chunks_loaded_ = stats_.chunks;
  units_hit_ = units_.size();
  units_done_ = units_.size();
  return true;
}

// After a run over settled files that was clean: the merged result as the
// run snapshot, replacing the previous one (a snapshot only serves a
// directory that did not change since, so older ones are dead weight).
void IngestRun::store_snapshot(IngestPartial& all) {
  if (snapshot_key_.empty() || snapshot_ || cancel_flag().load() || !failures_.empty()) return;
  std::string why;
  std::optional<ChunkEntry> entry = all.to_entry(snapshot_key_, units_.size(), why);
  if (!entry) {
    spdlog::debug("analysis cache: no run snapshot: {}", why);
    return;
  }
  try {
    cache_->write(snapshot_key_, encode_chunk_entry(*entry));
    stats_.snapshot_saved = true;
    const std::optional<std::string> previous = cache_->read_note(kSnapshotNoteName);
    cache_->write_note(kSnapshotNoteName, snapshot_key_);
    if (previous && *previous != snapshot_key_) cache_->remove(*previous);
  } catch (const std::exception& e) {
    if (!write_failure_logged_.exchange(true))
      spdlog::warn("analysis cache: cannot store the run snapshot ({}); the next run loads every chunk", e.what());
  }
}

void IngestRun::work(IngestPartial& total) {
  for (;;) {
    if (cancel_flag().load()) return;
    const size_t i = next_.fetch_add(1);
    if (i >= items_.size()) return;
    const WorkItem& item = items_[i];
    if (!item.chunk) {
      read_units(item.begin, item.end, total);
    } else if (item.kind == WorkItem::Kind::Read) {
      auto part = fresh_partial(true);
      read_units(item.begin, item.end, *part);
      deposit(*item.chunk, std::move(part), total);
    } else if (!load_chunk(*item.chunk, total)) {
      auto part = fresh_partial(true);  // the entry was bad: read the chunk and store it again
      read_units(item.begin, item.end, *part);
      finish_chunk(*item.chunk, std::move(part), total);
    }
  }
}

void IngestRun::finish_cache(IngestResult& result) {
  if (!cache_) {
    result.cache = stats_;
    return;
  }
  stats_.chunks_loaded = chunks_loaded_.load();
  stats_.chunks_saved = chunks_saved_.load();
  stats_.entries_invalid = entries_invalid_.load();
  stats_.units_hit = units_hit_.load();
  stats_.units_missed = units_.size() - stats_.units_hit;
  const CacheMaintenance m = cache_->maintain();
  stats_.entries = m.entries;
  stats_.bytes = m.bytes;
  stats_.evicted = m.evicted;
  auto& metrics = MetricsRegistry::global();
  metrics.counter_add("dashflow_self_improve_cache_hits_total", {}, static_cast<double>(stats_.units_hit));
  metrics.counter_add("dashflow_self_improve_cache_misses_total", {}, static_cast<double>(stats_.units_missed));
  metrics.gauge_set("dashflow_self_improve_cache_size", {}, static_cast<double>(m.entries));
  spdlog::info(
      "analysis cache: {} of {} trace files from the cache ({} of {} chunks), {} chunks stored, {} unusable entries, "
      "{} entries ({} MiB, {} evicted) in {}{}",
      stats_.units_hit, units_.size(), stats_.chunks_loaded, stats_.chunks, stats_.chunks_saved, stats_.entries_invalid,
      m.entries, m.bytes >> 20, m.evicted, stats_.dir,
      stats_.snapshot_loaded ? "; run snapshot loaded" : stats_.snapshot_saved ? "; run snapshot stored" : "");
  result.cache = stats_;
}

IngestResult IngestRun::run() {
  IngestResult result;
  const auto t0 = std::chrono::steady_clock::now();
  open_cache();
  // The last run's snapshot is what an unchanged directory loads: on a cold
  // page cache, its reading overlaps the listing.
  if (cache_)
    if (const auto last = cache_->read_note(kSnapshotNoteName); last && is_sha256_hex(*last)) cache_->prefetch(*last);
  list_units();
  spdlog::debug("ingest: {} trace units listed in {:.3f} s", units_.size(), seconds_since(t0));
  if (options_.keep_units)
    result.units_read = units_;
  plan_items();
  spdlog::debug("ingest: {} work items planned at {:.3f} s", items_.size(), seconds_since(t0));

  unsigned threads = thread_count();
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, items_.size())));
  std::vector<std::unique_ptr<IngestPartial>> totals;
  for (unsigned t = 0; t < threads; ++t) totals.push_back(fresh_partial(options_.keep_facts));

  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back([this, &totals, t] { work(*totals[t]); });
  std::thread progress;
  std::atomic<bool> done{false};
  if (options_.progress) {
    progress = std::thread([&] {
      while (!done.load()) {
        std::fprintf(stderr, "\r[analyze] %zu/%zu files, %llu traces", units_done_.load(), units_.size(),
                     static_cast<unsigned long long>(traces_seen_.load()));
        for (int i = 0; i < 20 && !done.load(); ++i) usleep(10000);
      }
      std::fprintf(stderr, "\r%60s\r", "");
    });
  }
  work(*totals[0]);
  for (auto& t : pool) t.join();
  done = true;
  if (progress.joinable()) progress.join();
  spdlog::debug("ingest: work done at {:.3f} s", seconds_since(t0));

  // Merge into the first worker's partial; analyzers that failed anywhere are dropped.
  // With a run snapshot there was nothing to do: it is the whole result.
  IngestPartial& all = snapshot_ ? *snapshot_ : *totals[0];
  for (size_t t = 1; t < totals.size(); ++t) all.absorb(*totals[t]);
  if (cache_ && !snapshot_) store_snapshot(all);
  result.failures = std::move(failures_);
  auto& metrics = MetricsRegistry::global();
  for (size_t i = 0; i < analyzers_.size(); ++i) {
    Labels labels = {{"plugin", analyzers_[i].id()}, {"stage", "consume"}};
    metrics.counter_add("dashflow_plugin_calls_total", labels, static_cast<double>(all.calls[i]));
    if (all.calls[i])
      metrics.observe("dashflow_plugin_call_duration_seconds", labels, all.seconds[i] / static_cast<double>(all.calls[i]));
    if (!all.failure[i].empty()) {
      metrics.counter_add("dashflow_plugin_errors_total", labels, 1);
      result.failures.push_back({analyzers_[i].id(), "consume", all.failure[i]});
      result.states.push_back(nullptr);
    } else {
      result.states.push_back(std::move(all.states[i]));
    }
  }
  result.summary = all.summary;
  result.skipped = all.skipped.sorted();
  result.skipped_count = all.skipped.count();
  result.facts = std::move(all.facts);
  result.traces = all.traces;
  metrics.counter_add("dashflow_traces_ingested_total", {}, static_cast<double>(traces_read_.load()));
  if (result.skipped_count) metrics.counter_add("dashflow_inputs_skipped_total", {}, static_cast<double>(result.skipped_count));
  finish_cache(result);
  spdlog::debug("ingest: finished at {:.3f} s", seconds_since(t0));
  return result;
}

}  // namespace

IngestResult ingest_traces(const std::vector<PluginInstance<TraceSource>>& sources,
                           const std::vector<PluginInstance<Analyzer>>& analyzers, const IngestOptions& options) {
  return IngestRun(sources, analyzers, options).run();
}

}  // namespace dashflow::host
