#include "pipeline/cache/analysis_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>

#include "dashflow/durable_file.hpp"
#include "audit/sha256.hpp"
#include "config/config.hpp"
#include "pipeline/cache/chunk_entry.hpp"

namespace dashflow::host {
namespace fs = std::filesystem;
namespace {

// Bump when the meaning of an entry changes (entry layout, facts, summary).
constexpr const char* kKeyVersion = "dashflow-analysis-cache 1";
constexpr const char* kEntryDir = "analysis-v1";
constexpr const char* kEntrySuffix = ".chunk";
constexpr auto kStaleTemp = std::chrono::hours(1);

void append_plugin(std::string& text, const char* role, const PluginIdentity& p) {
  text += role;
  text += '\t' + p.id + '\t' + p.version + '\t' + p.library + '\t' + p.config + '\n';
}

bool is_entry_name(const std::string& name) {
  return name.size() == 64 + std::string_view(kEntrySuffix).size() && name.ends_with(kEntrySuffix) &&
         is_sha256_hex(std::string_view(name).substr(0, 64));
}

// The entry directory's files that maintenance and inspection care about:
// entries, and temp files of writers (what is neither is left alone).
struct EntryDirFile {
  fs::path path;
  uint64_t bytes = 0;
  fs::file_time_type mtime;
};
struct EntryDirScan {
  std::vector<EntryDirFile> entries, temps;
};

// A note's text (its first line); nullopt when it cannot be read.
std::optional<std::string> read_note_file(const fs::path& path) {
  std::ifstream in(path);
  std::string text;
  if (!in || !std::getline(in, text)) return std::nullopt;
  return text;
}

EntryDirScan scan_entry_dir(const fs::path& dir) {
  EntryDirScan scan;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (!it->is_regular_file(e2)) continue;
    const std::string name = it->path().filename().string();
    const bool temp = is_temp_file_name(name);
    if (!temp && !is_entry_name(name)) continue;
    EntryDirFile file{it->path(), it->file_size(e2), {}};
    if (e2) continue;  // gone meanwhile
    file.mtime = it->last_write_time(e2);
    if (e2) continue;
    (temp ? scan.temps : scan.entries).push_back(std::move(file));
  }
  return scan;
}

}  // namespace

CacheSettings CacheSettings::from_config(const json& raw, bool no_cache) {
  CacheSettings s;
  s.enabled = true;
  if (raw.is_object() && raw.contains("cache")) {
    const json& c = raw["cache"];
    if (!c.is_object()) throw ConfigFileError("config: 'cache' must be an object");
    for (const auto& [key, value] : c.items())
      if (key != "enabled" && key != "dir" && key != "max_mb")
        throw ConfigFileError("config: unknown key 'cache." + key + "' (known: enabled, dir, max_mb)");
    if (auto it = c.find("enabled"); it != c.end()) {
      if (!it->is_boolean()) throw ConfigFileError("config: 'cache.enabled' must be true or false");
      s.enabled = it->get<bool>();
    }
    if (auto it = c.find("dir"); it != c.end()) {
      if (!it->is_string() || it->get<std::string>().empty())
        throw ConfigFileError("config: 'cache.dir' must be a non-empty string (a directory path)");
      s.dir = it->get<std::string>();
    }
    if (auto it = c.find("max_mb"); it != c.end()) {
      if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > (int64_t{1} << 30))
        throw ConfigFileError("config: 'cache.max_mb' must be an integer from 1 to 1073741824 (MiB)");
      s.max_bytes = static_cast<uint64_t>(it->get<int64_t>()) << 20;
    }
  }
  if (no_cache) s.enabled = false;
  return s;
}

std::string file_identity(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return path;
  const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return path + " " + std::to_string(st.st_size) + " " + std::to_string(mtime_ns);
}

std::string pipeline_key_text(const PluginIdentity& source, const std::vector<PluginIdentity>& analyzers,
                              size_t max_skipped_listed) {
  std::string text = std::string(kKeyVersion) + "\nhost\t" DASHFLOW_VERSION "\nskipped_listed\t" +
                     std::to_string(max_skipped_listed) + "\n";
  append_plugin(text, "source", source);
  for (const auto& a : analyzers) append_plugin(text, "analyzer", a);
  return text;
}

std::string chunk_key(std::string_view pipeline_text, std::span<const TraceUnit> units) {
  // Numbers written in place (no temporary strings): a re-run computes a key
  // for every chunk of the directory before it knows it has nothing to read.
  std::string text;
  text.reserve(pipeline_text.size() + units.size() * 128);
  text += pipeline_text;
  char digits[24];
  auto number = [&](auto value, char after) {
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    text.append(digits, end);
    text += after;
  };
  for (const auto& u : units) {
    // Length-prefixed: a locator holding tabs or newlines cannot imitate another unit.
    text += "unit\t";
    number(u.locator.size(), ':');
    text += u.locator;
    text += '\t';
    number(u.size, '\t');
    number(u.mtime_ns, '\t');
    number(u.inode, '\t');
    number(u.device, '\n');
  }
  return sha256_hex(text);
}

AnalysisCache::AnalysisCache(const CacheSettings& settings)
    : dir_(settings.dir / kEntryDir), max_bytes_(settings.max_bytes) {
  create_dirs(dir_);
}

fs::path AnalysisCache::path_of(const std::string& key) const { return dir_ / (key + kEntrySuffix); }

bool AnalysisCache::contains(const std::string& key) const {
  struct stat st {};
  return ::stat(path_of(key).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::optional<MappedFile> AnalysisCache::read(const std::string& key) const {
  // Entries are replaced by rename, never rewritten in place: a mapping stays consistent.
  return MappedFile::open(path_of(key));
}

void AnalysisCache::remove(const std::string& key) const {
  std::error_code ec;
  fs::remove(path_of(key), ec);  // best effort: eviction removes it later otherwise
}

std::optional<std::string> AnalysisCache::read_note(const std::string& name) const {
  return read_note_file(dir_ / name);
}

void AnalysisCache::write_note(const std::string& name, const std::string& text) const {
  write_file_atomic(dir_ / name, text + "\n", 0644);
}

void AnalysisCache::write(const std::string& key, std::string_view bytes) const {
  // No fsync: entries are checked when read (a torn one is read from the traces again).
  write_file_atomic(path_of(key), bytes, 0644, FileSync::AtomicOnly);
}

void AnalysisCache::prefetch(const std::string& key) const {
  const int fd = ::open(path_of(key).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
  ::close(fd);
}

void AnalysisCache::touch(const std::string& key) const {
  // utimensat with UTIME_NOW for both times; failure only weakens LRU order.
  const struct timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  (void)::utimensat(AT_FDCWD, path_of(key).c_str(), now, 0);
}

CacheInspection inspect_cache(const CacheSettings& settings) {
  CacheInspection in;
  in.dir = settings.dir / kEntryDir;
  std::error_code ec;
  in.exists = fs::is_directory(in.dir, ec);
  if (!in.exists) return in;
  in.writable = ::access(in.dir.c_str(), W_OK | X_OK) == 0;
  const EntryDirScan scan = scan_entry_dir(in.dir);
  const auto now = fs::file_time_type::clock::now();
  for (const EntryDirFile& temp : scan.temps)
    if (now - temp.mtime > kStaleTemp) ++in.stale_temp;
  for (const EntryDirFile& entry : scan.entries) {
    ++in.entries;
    in.bytes += entry.bytes;
    // The header alone: magic, and the payload length it announces against the file's size.
    std::ifstream file(entry.path, std::ios::binary);
    char header[kChunkEntryHeaderBytes];
    if (!file.read(header, sizeof header) ||
        !chunk_entry_header_fits(std::string_view(header, sizeof header), entry.bytes))
      ++in.damaged;
  }
  if (const auto key = read_note_file(in.dir / kSnapshotNoteName); key && is_sha256_hex(*key)) {
    in.snapshot_named = true;
    in.snapshot_present = fs::is_regular_file(in.dir / (*key + kEntrySuffix), ec);
  }
  return in;
}

CacheMaintenance AnalysisCache::maintain() const {
  CacheMaintenance m;
  EntryDirScan scan = scan_entry_dir(dir_);
  const auto now = fs::file_time_type::clock::now();
  for (const EntryDirFile& temp : scan.temps) {  // left by a killed writer once old enough
    std::error_code ec;
    if (now - temp.mtime > kStaleTemp && fs::remove(temp.path, ec)) ++m.temp_removed;
  }
  std::vector<EntryDirFile>& entries = scan.entries;
  for (const EntryDirFile& e : entries) m.bytes += e.bytes;
  if (m.bytes > max_bytes_) {
    std::sort(entries.begin(), entries.end(),
              [](const EntryDirFile& a, const EntryDirFile& b) { return a.mtime < b.mtime; });  // least recently used first
    const uint64_t target = max_bytes_ / 10 * 9;
    for (const auto& e : entries) {
      if (m.bytes <= target) break;
      std::error_code e2;
      if (fs::remove(e.path, e2)) {
        m.bytes -= e.bytes;
        ++m.evicted;
      }
    }
  }
  m.entries = entries.size() - m.evicted;
  return m;
}

}  // namespace dashflow::host
