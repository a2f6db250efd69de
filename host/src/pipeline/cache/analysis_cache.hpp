// The analysis cache: per chunk of trace units, what ingesting it produced
// (chunk_entry.hpp), stored under a key that changes whenever anything that
// could change that result changes:
//   - the identity of every unit in the chunk (locator, size, mtime_ns, inode, device),
//   - the trace source (id, version, effective config incl. "payloads", library file),
//   - every analyzer of the pipeline, in order (id, version, effective config,
//     library file: a rebuilt plugin invalidates its entries),
//   - the host version, the entry format and the skipped-input listing limit.
// Entries are files <dir>/analysis-v1/<sha256>.chunk written atomically (temp
// file, fsync, rename); an unreadable or corrupt entry is a miss. Entries used
// by a run are touched; when the directory outgrows max_mb the least
// recently used are deleted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"
#include "util/mapped_file.hpp"

namespace dashflow::host {

// The "cache" section of the config file.
struct CacheSettings {
  bool enabled = false;
  std::filesystem::path dir = ".dashflow/cache";  // relative: to the working directory
  uint64_t max_bytes = 1024ull << 20;

  // From config.raw["cache"]: {"enabled": true, "dir": ".dashflow/cache", "max_mb": 1024}
  // (all optional; an absent section means enabled with these defaults).
  // `no_cache` (the --no-cache flag) turns it off. Throws ConfigFileError
  // naming the key on a bad value.
  static CacheSettings from_config(const json& raw_config, bool no_cache = false);
};

// What a plugin contributes to a cache key.
struct PluginIdentity {
  std::string id;
  std::string version;
  std::string config;   // effective config, compact JSON (object keys sorted)
  std::string library;  // "path size mtime_ns" of the .so, empty for in-process plugins
};

// "path size mtime_ns" of a file, or the path alone when it cannot be stat'ed.
std::string file_identity(const std::string& path);

// The part of every key shared by the chunks of one trace source.
std::string pipeline_key_text(const PluginIdentity& source, const std::vector<PluginIdentity>& analyzers,
                              size_t max_skipped_listed);
// sha256 (hex) of the pipeline text and the chunk's unit identities.
std::string chunk_key(std::string_view pipeline_text, std::span<const TraceUnit> units);

struct CacheMaintenance {
  uint64_t entries = 0;  // after eviction
  uint64_t bytes = 0;    // after eviction
  uint64_t evicted = 0;
  uint64_t temp_removed = 0;
};

// The note beside the entries naming the last run's snapshot entry.
inline constexpr const char* kSnapshotNoteName = "last-run-snapshot";

// What `introspect health` reports about a cache directory, read without
// changing anything (no directory created, nothing removed).
struct CacheInspection {
  std::filesystem::path dir;  // the entry directory
  bool exists = false;
  bool writable = false;
  uint64_t entries = 0, bytes = 0;
  uint64_t damaged = 0;         // entries whose header does not fit their size (read again when met)
  uint64_t stale_temp = 0;      // temp files older than an hour (killed writers; maintenance removes them)
  bool snapshot_named = false;  // the last run's snapshot is named in its note...
  bool snapshot_present = false;  // ...and its entry exists
};
CacheInspection inspect_cache(const CacheSettings& settings);

class AnalysisCache {
 public:
  // Creates the entry directory. Throws FileError naming it when it cannot.
  explicit AnalysisCache(const CacheSettings& settings);

  const std::filesystem::path& dir() const { return dir_; }
  bool contains(const std::string& key) const;
  // The entry's bytes, mapped; nullopt when absent or unreadable.
  std::optional<MappedFile> read(const std::string& key) const;
  // Atomic write, not fsync'ed (entries are checked when read); throws FileError naming the file.
  void write(const std::string& key, std::string_view bytes) const;
  void remove(const std::string& key) const;  // best effort
  // Small text files beside the entries (not entries themselves, never evicted).
  std::optional<std::string> read_note(const std::string& name) const;
  void write_note(const std::string& name, const std::string& text) const;  // atomic; throws FileError
  // Asks the kernel to start reading the entry in the background (best effort).
  void prefetch(const std::string& key) const;
  // Marks the entry as used now (LRU order); best effort.
  void touch(const std::string& key) const;
  // Removes temp files left by killed processes (older than an hour) and, when
  // the entries exceed max_bytes, the least recently used ones down to 90% of it.
  CacheMaintenance maintain() const;

 private:
  std::filesystem::path path_of(const std::string& key) const;
  std::filesystem::path dir_;
  uint64_t max_bytes_;
};

}  // namespace dashflow::host
