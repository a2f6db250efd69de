#include "dashflow_sinks/spool.hpp"

#include <algorithm>
#include <cstdio>

#include "dashflow/json.hpp"

namespace dashflow::sinks {
namespace {

constexpr int kSchemaVersion = 1;

// Sequence of an entry file name, or 0 for anything else.
uint64_t sequence_of(const std::string& name) {
  if (name.size() < 27 || name.compare(name.size() - 5, 5, ".json") != 0 || name[20] != '-') return 0;
  uint64_t seq = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    seq = seq * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  return seq;
}

std::string entry_name(uint64_t seq, const std::string& delivery_id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(seq));
  return std::string(buf) + "-" + delivery_id + ".json";
}

}  // namespace

Spool::Spool(fs::path dir, std::string owner, uint64_t max_entries)
    : dir_(std::move(dir)), owner_(std::move(owner)), max_entries_(max_entries) {}

void Spool::prepare() {
  ensure_directory(dir_, owner_ + " spool_dir");
  remove_stale_temp_files(dir_);
}

std::vector<fs::path> Spool::list() const {
  std::vector<std::pair<uint64_t, fs::path>> found;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const uint64_t seq = sequence_of(it->path().filename().string());
    if (seq > 0) found.emplace_back(seq, it->path());
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw StorageError(owner_ + ": cannot list spool directory '" + dir_.string() + "': " + ec.message());
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  out.reserve(found.size());
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

SpoolEntry Spool::append(const std::string& delivery_id, const std::string& body, const std::string& now) {
  prepare();
  FileLock lock = FileLock::acquire(dir_ / ".append.lock");
  const auto files = list();
  if (files.size() >= max_entries_)
    throw SpoolFullError(owner_ + ": spool '" + dir_.string() + "' is full (" + std::to_string(files.size()) +
                         " undelivered alerts, spool_max_entries = " + std::to_string(max_entries_) +
                         "); the alert was not queued. Bring the receiver back or raise spool_max_entries");
  SpoolEntry entry;
  entry.sequence = files.empty() ? 1 : sequence_of(files.back().filename().string()) + 1;
  entry.delivery_id = delivery_id;
  entry.body = body;
  entry.spooled_at = now;
  entry.file = dir_ / entry_name(entry.sequence, delivery_id);
  json j = {{"_schema_version", kSchemaVersion}, {"sequence", entry.sequence}, {"delivery_id", delivery_id},
            {"spooled_at", now}, {"body", body}};
  write_file_atomic(entry.file, j.dump());
  return entry;
}

SpoolEntry Spool::read(const fs::path& file) const {
  const std::string text = read_whole_file(file);
  SpoolEntry entry;
  entry.file = file;
  try {
    const json j = json::parse(text);
    const int version = j.at("_schema_version").get<int>();
    if (version > kSchemaVersion)
      throw StorageError(owner_ + ": spool entry '" + file.string() + "' has _schema_version " +
                         std::to_string(version) + ", newer than this plugin understands (" +
                         std::to_string(kSchemaVersion) + ")");
    entry.sequence = j.at("sequence").get<uint64_t>();
    entry.delivery_id = j.at("delivery_id").get<std::string>();
    entry.spooled_at = j.value("spooled_at", "");
    entry.body = j.at("body").get<std::string>();
  } catch (const json::exception& e) {
    throw StorageError(owner_ + ": spool entry '" + file.string() + "' is corrupt: " + e.what());
  }
  return entry;
}

fs::path Spool::move_to_dead(const fs::path& file, const std::string& reason, const std::string& now) {
  ensure_directory(dead_dir(), owner_ + " spool_dir/dead");
  const fs::path target = dead_dir() / file.filename();
  json record = json::object();
  try {
    record = json::parse(read_whole_file(file));
  } catch (const std::exception&) {
    // Unparseable: keep the raw bytes so nothing is lost.
    record = {{"raw", read_whole_file(file)}};
  }
  record["dead_at"] = now;
  record["reason"] = reason;
  write_file_atomic(target, record.dump());
  remove_file_durable(file);
  return target;
}

fs::path Spool::write_dead(const std::string& delivery_id, const std::string& body, const std::string& reason,
                           const std::string& now) {
  ensure_directory(dead_dir(), owner_ + " spool_dir/dead");
  const fs::path target = dead_dir() / entry_name(0, delivery_id);
  json record = {{"_schema_version", kSchemaVersion}, {"sequence", 0},     {"delivery_id", delivery_id},
                 {"spooled_at", now},                 {"dead_at", now},    {"reason", reason},
                 {"body", body}};
  write_file_atomic(target, record.dump());
  return target;
}

FileLock Spool::try_lock_drain() {
  prepare();
  return FileLock::try_acquire(dir_ / ".drain.lock");
}

}  // namespace dashflow::sinks
