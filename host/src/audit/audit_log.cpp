// AuditLog: append under the lock, and reading.
#include "audit/audit_log.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "audit/audit_lines.hpp"
#include "dashflow/durable_file.hpp"
#include "dashflow/time.hpp"

namespace dashflow::host {
namespace fs = std::filesystem;
using audit_detail::Line;
using audit_detail::split_lines;

namespace {

std::string read_or_throw(const fs::path& file) {
  try {
    return read_whole_file(file).value_or(std::string());
  } catch (const FileError& e) {
    throw AuditError(std::string("audit log: ") + e.what());
  }
}

// Cuts an incomplete last line (a crash during an append, which writes the
// line and its newline in one go) off `file` and keeps it in
// <file>.damaged, so the chain can go on from the last complete record.
// Deleting the end of a log needs no such help, so this hides nothing a
// tamperer could not do anyway; the fragment stays as evidence and verify
// mentions it.
std::string cut_incomplete_tail(const fs::path& file, const std::string& content) {
  const size_t last_newline = content.rfind('\n');
  const size_t keep = last_newline == std::string::npos ? 0 : last_newline + 1;
  const std::string fragment = content.substr(keep);
  const fs::path damaged = file.string() + ".damaged";
  try {
    append_file_durable(damaged, fragment + "\n");
    const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(keep)) != 0 || ::fsync(fd) != 0) {
      if (fd >= 0) ::close(fd);
      throw FileError("cannot truncate " + file.string() + " after an incomplete record");
    }
    ::close(fd);
  } catch (const FileError& e) {
    throw AuditError(std::string("audit log: ") + e.what());
  }
  spdlog::warn("audit log: {} ended with an incomplete record ({} bytes, probably cut by a crash); moved it to {}",
               file.string(), fragment.size(), damaged.string());
  return content.substr(0, keep);
}

struct Tail {
  std::string file;                  // last day file, or "" when none
  std::optional<AuditRecord> last;   // last record of the chain
};

Tail find_tail(const fs::path& dir) {
  Tail tail;
  const std::vector<std::string> files = list_day_files(dir);
  if (files.empty()) return tail;
  tail.file = files.back();
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    const fs::path path = dir / *it;
    std::string content = read_or_throw(path);
    if (!content.empty() && content.back() != '\n') {
      if (it != files.rbegin()) {
        throw AuditError("audit log: " + path.string() + " does not end with a newline although later day files " +
                         "exist; run 'dashflow self-improve audit verify' and restore it from a backup");
      }
      content = cut_incomplete_tail(path, content);
    }
    const std::vector<Line> lines = split_lines(content);
    for (auto l = lines.rbegin(); l != lines.rend(); ++l) {
      if (l->text.empty()) continue;
      try {
        tail.last = parse_record_line(l->text);
      } catch (const AuditFormatError& e) {
        throw AuditError("audit log: cannot continue the chain: the last record " + path.string() + ":" +
                         std::to_string(l->number) + " is not valid (" + e.what() +
                         "); run 'dashflow self-improve audit verify' and restore the file from a backup");
      }
      return tail;
    }
  }
  return tail;
}

}  // namespace

AuditLog::AuditLog(fs::path dir, AuditLogOptions options) : dir_(std::move(dir)), options_(std::move(options)) {}

int64_t AuditLog::now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

AuditRecord AuditLog::append(std::string_view kind, std::string_view actor, const nlohmann::json& details) {
  if (!is_valid_kind(kind)) {
    throw AuditError("audit record kind '" + std::string(kind) +
                     "' is not allowed: use lowercase letters, digits, '.', '_' or '-' (e.g. plan.transition)");
  }
  try {
    create_dirs(dir_);
  } catch (const FileError& e) {
    throw AuditError(std::string("audit log: ") + e.what() + "; check that the storage directory is writable");
  }
  std::unique_ptr<FileLock> lock;
  try {
    lock = std::make_unique<FileLock>(dir_ / ".lock", options_.lock_timeout_ms);
  } catch (const FileError& e) {
    throw AuditError(std::string("audit log: ") + e.what());
  }
  const Tail tail = find_tail(dir_);

  const int64_t now_ms = now();
  AuditRecord r;
  r.seq = tail.last ? tail.last->seq + 1 : 1;
  r.ts = format_rfc3339_ms(now_ms);
  r.kind = std::string(kind);
  r.actor = std::string(actor);
  // Normalize once (invalid UTF-8 replaced), so the hash covers exactly what
  // a reader parses back from the line.
  r.details = nlohmann::json::parse(details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  r.prev_hash = tail.last ? tail.last->hash : kAuditGenesisHash;
  r.hash = compute_hash(r);

  // Never write into a file that sorts before the last one (the clock went
  // back): the chain order is the file name order.
  std::string file = utc_day(now_ms) + ".jsonl";
  if (!tail.file.empty() && tail.file > file) file = tail.file;
  try {
    append_file_durable(dir_ / file, record_line(r) + "\n");
    const nlohmann::json head = {{"seq", r.seq}, {"hash", r.hash}, {"file", file}};
    write_file_atomic(dir_ / "head.json", head.dump() + "\n");
  } catch (const FileError& e) {
    throw AuditError(std::string("audit log: ") + e.what() + "; check that the audit directory is writable");
  }
  return r;
}

std::vector<AuditRecord> AuditLog::read(std::optional<int64_t> since_ms, std::vector<AuditProblem>* skipped) const {
  std::vector<AuditRecord> out;
  // A record's ts day is never after its file's day (append only moves
  // forward), so older files can be skipped by name.
  const std::string since_day = since_ms ? utc_day(*since_ms) : std::string();
  for (const std::string& name : list_day_files(dir_)) {
    if (!since_day.empty() && name.substr(0, 10) < since_day) continue;
    const std::string content = read_or_throw(dir_ / name);
    for (const Line& line : split_lines(content)) {
      if (line.text.empty()) continue;
      AuditRecord r;
      try {
        r = parse_record_line(line.text);
      } catch (const AuditFormatError& e) {
        if (skipped) skipped->push_back({name, line.number, e.what()});
        continue;
      }
      if (since_ms && parse_rfc3339_ms(r.ts).value_or(0) < *since_ms) continue;
      out.push_back(std::move(r));
    }
  }
  return out;
}

fs::path default_audit_dir(const std::string& storage_location) { return fs::path(storage_location) / "audit"; }

std::string current_actor() {
  std::string user;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) user = pw->pw_name;
  if (user.empty())
    if (const char* env = std::getenv("USER"); env && *env) user = env;
  if (user.empty()) user = "uid" + std::to_string(::geteuid());
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return user;
  return user + "@" + host;
}

bool is_day_file_name(std::string_view name) {
  if (name.size() != 16 || name.substr(10) != ".jsonl") return false;
  for (size_t i = 0; i < 10; ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? name[i] != '-' : (name[i] < '0' || name[i] > '9')) return false;
  }
  return true;
}

std::vector<std::string> list_day_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (is_day_file_name(name) && it->is_regular_file(ec)) out.push_back(name);
  }
  if (ec) throw AuditError("audit log: cannot list " + dir.string() + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

std::string utc_day(int64_t unix_ms) {
  int64_t seconds = unix_ms / 1000;
  if (unix_ms < 0 && unix_ms % 1000 != 0) --seconds;
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

}  // namespace dashflow::host
