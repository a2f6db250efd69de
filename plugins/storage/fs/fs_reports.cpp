// FsStorage: reports as reports/<stamp>_<full id>.json + .md. DashFlow's own
// names (<stamp>_<id8>.json) are read too.
#include <sys/stat.h>

#include <algorithm>
#include <functional>
#include <system_error>

#include "atomic_file.hpp"
#include "dashflow/errors.hpp"
#include "dashflow/time.hpp"
#include "folder_scan.hpp"
#include "fs_storage.hpp"
#include "id_match.hpp"
#include "report_file.hpp"
#include "report_markdown.hpp"
#include "versioned_json.hpp"

namespace dashflow::fsstore {

namespace {

// "2025-12-15T10-30-00" -> "2025-12-15T10:30:00Z", or "" when not a stamp.
std::string stamp_to_rfc3339(const std::string& stamp) {
  if (stamp.size() != 19 || stamp[4] != '-' || stamp[7] != '-' || stamp[10] != 'T' || stamp[13] != '-' ||
      stamp[16] != '-')
    return {};
  std::string out = stamp;
  out[13] = ':';
  out[16] = ':';
  out += 'Z';
  return parse_rfc3339_ms(out) ? out : std::string();
}

int64_t mtime_ns_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

fs::path md_of(const fs::path& json_path) {
  fs::path md = json_path;
  md.replace_extension(".md");
  return md;
}

const char* kReportsHint = "run 'dashflow self-improve reports' to list ids";

}  // namespace

std::vector<ReportFile> FsStorage::scan_reports() const {
  std::vector<ReportFile> out;
  for (const fs::path& p : files_with_suffix(reports_dir(), ".json")) {
    const std::string stem = p.stem().string();
    const std::string ts = stem.size() > 20 && stem[19] == '_' ? stamp_to_rfc3339(stem.substr(0, 19)) : "";
    if (ts.empty() || !is_safe_id(stem.substr(20))) {
      warn_skipped(p, "not a report file name (<YYYY-MM-DDTHH-MM-SS>_<id>.json)");
      continue;
    }
    ReportFile f;
    f.name_id = stem.substr(20);
    f.json_path = p;
    f.timestamp = ts;
    f.timestamp_ms = *parse_rfc3339_ms(ts);
    f.mtime_ns = mtime_ns_of(p);
    f.short_name = f.name_id.size() == 8;
    if (!f.short_name) {
      f.id = f.name_id;
      f.resolved = true;
    }
    out.push_back(std::move(f));
  }
  return out;
}

namespace {

// Reads id and timestamp from a DashFlow-named report. False (warned) when
// the file cannot be read.
bool resolve_short(ReportFile& f, const std::function<void(const fs::path&, const std::string&)>& warn) {
  if (f.resolved) return true;
  try {
    const std::optional<std::string> text = read_file(f.json_path);
    if (!text) return false;
    const json j = parse_versioned(*text, f.json_path);
    const auto id = j.find("id");
    if (id == j.end() || !id->is_string() || id->get<std::string>().compare(0, 8, f.name_id) != 0) {
      warn(f.json_path, "its \"id\" is missing or does not match the file name");
      return false;
    }
    f.id = id->get<std::string>();
    const auto ts = j.find("timestamp");
    if (ts != j.end() && ts->is_string()) {
      if (auto ms = parse_rfc3339_ms(ts->get<std::string>())) {
        f.timestamp = ts->get<std::string>();
        f.timestamp_ms = *ms;
      }
    }
    f.resolved = true;
    return true;
  } catch (const StorageError& e) {
    warn(f.json_path, e.what());
    return false;
  }
}

}  // namespace

std::vector<ReportFile> FsStorage::reports_newest_first(std::vector<ReportFile> files) const {
  std::sort(files.begin(), files.end(), [](const ReportFile& a, const ReportFile& b) {
    if (a.timestamp_ms != b.timestamp_ms) return a.timestamp_ms > b.timestamp_ms;
    if (a.mtime_ns != b.mtime_ns) return a.mtime_ns > b.mtime_ns;
    return a.id > b.id;
  });
  return files;
}

std::string FsStorage::save_report(const IntrospectionReport& report) {
  if (!is_safe_id(report.id)) {
    throw StorageError("report id '" + report.id + "' cannot be used in a file name; report ids are UUIDs");
  }
  const std::optional<int64_t> ms = parse_rfc3339_ms(report.timestamp);
  if (!ms) {
    throw StorageError("report " + report.id + " has an invalid timestamp '" + report.timestamp +
                       "'; expected RFC 3339 such as 2025-12-15T10:30:00Z");
  }
  const std::string stem = file_stamp(format_rfc3339_ms(*ms)) + "_" + report.id;
  const std::string json_text = entity_text(report);
  const std::string markdown = render_report_markdown(report);

  auto lock = write_lock();
  const fs::path json_path = reports_dir() / (stem + ".json");
  std::vector<fs::path> stale;
  for (const ReportFile& f : scan_reports()) {
    if (f.json_path == json_path) continue;
    if (f.name_id == report.id) {
      stale.push_back(f.json_path);
    } else if (f.short_name && report.id.compare(0, 8, f.name_id) == 0) {
      try {
        const json j = parse_versioned(*read_file(f.json_path), f.json_path);
        if (j.value("id", std::string()) == report.id) stale.push_back(f.json_path);
      } catch (const StorageError&) {
      }
    }
  }
  // The markdown first: a report is listed by its .json, so a reader never
  // sees a .json without its .md.
  write_file_atomic(md_of(json_path), markdown);
  write_file_atomic(json_path, json_text);
  for (const fs::path& old : stale) {
    remove_file_durable(old);
    remove_file_durable(md_of(old));
  }
  return json_path.string();
}

IntrospectionReport FsStorage::load_report(std::string_view id_or_prefix) {
  const std::string q(id_or_prefix);
  const IdLookup lookup{"report", reports_dir().string(), kReportsHint};
  auto lock = read_lock();
  std::vector<ReportFile> files = lock ? scan_reports() : std::vector<ReportFile>{};
  std::vector<std::string> ids;
  auto warn = [this](const fs::path& p, const std::string& why) { warn_skipped(p, why); };
  for (ReportFile& f : files) {
    if (f.short_name) {
      const size_t n = std::min(q.size(), f.name_id.size());
      if (f.name_id.compare(0, n, q, 0, n) != 0) continue;
      if (!resolve_short(f, warn)) continue;
    }
    ids.push_back(f.id);
  }
  const std::string id = resolve_id(ids, q, lookup);
  const ReportFile* chosen = nullptr;
  for (const ReportFile& f : files) {
    if (!f.resolved || f.id != id) continue;
    if (!chosen || (chosen->short_name && !f.short_name)) chosen = &f;
  }
  const std::optional<std::string> text = read_file(chosen->json_path);
  if (!text) throw NotFoundError("report " + id + " was removed from " + reports_dir().string() + " while loading it");
  return read_entity<IntrospectionReport>(*text, chosen->json_path);
}

std::vector<ReportInfo> FsStorage::list_reports() {
  auto lock = read_lock();
  if (!lock) return {};
  std::vector<ReportFile> files = scan_reports();
  auto warn = [this](const fs::path& p, const std::string& why) { warn_skipped(p, why); };
  std::vector<ReportFile> readable;
  for (ReportFile& f : files) {
    if (f.short_name && !resolve_short(f, warn)) continue;
    readable.push_back(std::move(f));
  }
  std::vector<ReportInfo> out;
  for (const ReportFile& f : reports_newest_first(std::move(readable))) {
    out.push_back({f.id, f.timestamp, f.json_path.string()});
  }
  return out;
}


}  // namespace dashflow::fsstore
