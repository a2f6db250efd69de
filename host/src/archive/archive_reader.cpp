#include "archive/archive_reader.hpp"

#include <set>

#include "archive/archive_format.hpp"
#include "archive/gzip.hpp"
#include "dashflow/durable_file.hpp"
#include "dashflow/json.hpp"
#include "dashflow/time.hpp"

namespace dashflow::host {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr uint64_t kMaxArchiveBytes = 4ull << 30;  // decompressed

constexpr size_t kMaxProblems = 50;

struct Problems {
  std::vector<std::string> list;
  size_t dropped = 0;
  void add(std::string p) {
    if (list.size() < kMaxProblems) list.push_back(std::move(p));
    else ++dropped;
  }
  std::vector<std::string> all() const {
    std::vector<std::string> out = list;
    if (dropped) out.push_back("... and " + std::to_string(dropped) + " more problems");
    return out;
  }
};

std::string label(const std::string& kind, size_t index, const json& item) {
  std::string out = kind + "[" + std::to_string(index) + "]";
  if (item.is_object() && item.contains("id") && item["id"].is_string()) out += " (id " + item["id"].get<std::string>() + ")";
  return out;
}

// Strips and checks "_schema_version" of an item.
bool check_item_version(json& item, const std::string& where, Problems& problems) {
  auto it = item.find("_schema_version");
  if (it == item.end()) return true;
  if (!it->is_number_unsigned() || it->get<uint64_t>() < 1) {
    problems.add(where + ": invalid _schema_version " + it->dump());
    return false;
  }
  if (it->get<uint64_t>() > kEntitySchemaVersion) {
    problems.add(where + ": _schema_version " + it->dump() + " is newer than this dashflow supports (" +
                 std::to_string(kEntitySchemaVersion) + "); upgrade dashflow");
    return false;
  }
  item.erase(it);
  return true;
}

template <class T>
void convert_items(const json& content, const std::string& kind, const ArchiveItemFilter& filter, Problems& problems,
                   std::vector<T>& out) {
  if (!content.contains(kind)) return;
  const json& items = content[kind];
  if (!items.is_array()) {
    problems.add("content." + kind + " is not an array");
    return;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    json item = items[i];
    const std::string where = label(kind, i, item);
    if (!item.is_object()) {
      problems.add(where + ": not a JSON object");
      continue;
    }
    if (!check_item_version(item, where, problems)) continue;
    if (filter) filter(kind, item);
    T value{};
    try {
      from_json(item, value);
    } catch (const std::exception& e) {
      problems.add(where + ": " + e.what());
      continue;
    }
    if (!is_importable_id(value.id)) {
      problems.add(where + ": id '" + value.id + "' is empty, the nil UUID, or not usable as a file name");
      continue;
    }
    if (!seen.insert(value.id).second) {
      problems.add(where + ": the archive holds this id twice");
      continue;
    }
    out.push_back(std::move(value));
  }
}

void check_entities(const ArchiveContent& c, Problems& problems) {
  for (size_t i = 0; i < c.reports.size(); ++i) {
    if (!parse_rfc3339_ms(c.reports[i].timestamp))
      problems.add("reports[" + std::to_string(i) + "] (id " + c.reports[i].id + "): timestamp '" + c.reports[i].timestamp +
                   "' is not RFC 3339");
  }
  for (size_t i = 0; i < c.plans.size(); ++i) {
    if (c.plans[i].title.empty())
      problems.add("plans[" + std::to_string(i) + "] (id " + c.plans[i].id + "): the title is empty");
  }
  for (size_t i = 0; i < c.hypotheses.size(); ++i) {
    if (c.hypotheses[i].statement.empty())
      problems.add("hypotheses[" + std::to_string(i) + "] (id " + c.hypotheses[i].id + "): the statement is empty");
  }
}

void convert_meta(const json& content, const ArchiveItemFilter& filter, Problems& problems, ArchiveContent& out) {
  if (!content.contains("meta")) return;
  const json& meta = content["meta"];
  if (!meta.is_object()) {
    problems.add("content.meta is not an object of documents");
    return;
  }
  for (const auto& [name, value] : meta.items()) {
    if (!is_meta_document_name(name)) {
      problems.add("meta document '" + name + "': only names like meta/<name>.json can be imported");
      continue;
    }
    json doc = value;
    if (!doc.is_object() && !doc.is_array()) {
      problems.add("meta document '" + name + "': expected a JSON object or array");
      continue;
    }
    if (doc.is_object() && !check_item_version(doc, "meta document '" + name + "'", problems)) continue;
    if (filter) filter("meta", doc);
    out.meta.emplace_back(name, std::move(doc));
  }
}

void convert_audit(const json& content, Problems& problems, ArchiveContent& out) {
  if (!content.contains("audit")) return;
  const json& records = content["audit"];
  if (!records.is_array()) {
    problems.add("content.audit is not an array of records");
    return;
  }
  for (size_t i = 0; i < records.size(); ++i) {
    try {
      out.audit.push_back(parse_record_line(records[i].dump(-1, ' ', false, json::error_handler_t::replace)));
    } catch (const AuditFormatError& e) {
      problems.add("audit[" + std::to_string(i) + "]: " + e.what());
    }
  }
}

std::string string_or_empty(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool is_importable_id(std::string_view id) {
  if (id.empty() || id.size() > 128 || id == "00000000-0000-0000-0000-000000000000") return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool is_meta_document_name(std::string_view name) {
  if (name.size() <= 10 || name.substr(0, 5) != "meta/" || name.substr(name.size() - 5) != ".json") return false;
  const std::string_view base = name.substr(5);
  if (base.front() == '.') return false;
  for (char c : base) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

LoadedArchive read_archive(const fs::path& file, const ArchiveItemFilter& filter) {
  std::optional<std::string> bytes;
  try {
    bytes = read_whole_file(file);
  } catch (const FileError& e) {
    throw ArchiveError(std::string("cannot read the archive: ") + e.what());
  }
  if (!bytes) throw ArchiveError("archive " + file.string() + " does not exist");
  return parse_archive(*bytes, file.string(), filter);
}

LoadedArchive parse_archive(const std::string& raw, const std::string& name, const ArchiveItemFilter& filter) {
  LoadedArchive out;
  ArchiveInfo& info = out.info;
  info.file = name;
  std::string text;
  if (looks_gzipped(raw)) {
    info.compressed = true;
    try {
      text = gzip_decompress(raw, kMaxArchiveBytes);
    } catch (const GzipError& e) {
      throw ArchiveError("archive " + name + " cannot be decompressed: " + e.what());
    }
  } else {
    text = raw;
  }
  if (text.empty()) throw ArchiveError("archive " + name + " is empty");

  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    const bool cut = e.byte >= text.size();
    throw ArchiveError("archive " + name + " is not valid JSON" +
                       (cut ? std::string(" (it ends early: the file is truncated)") : std::string()) + ": " + e.what());
  }
  if (!doc.is_object()) throw ArchiveError("archive " + name + " is not a dashflow archive (expected a JSON object)");

  const bool has_format = doc.contains("format");
  if (has_format && doc["format"] != kArchiveFormat) {
    throw ArchiveError("archive " + name + " is not a dashflow archive: \"format\" is " + doc["format"].dump() +
                       ", expected \"" + kArchiveFormat + "\"");
  }
  if (!doc.contains("version")) {
    throw ArchiveError("archive " + name + " has no \"version\"; it is not a dashflow (or DashFlow) export");
  }
  if (!doc["version"].is_number_unsigned()) {
    throw ArchiveError("archive " + name + " has an invalid \"version\" " + doc["version"].dump());
  }
  info.version = doc["version"].get<uint64_t>();
  if (info.version > kArchiveVersion) {
    throw ArchiveError("archive " + name + " has version " + std::to_string(info.version) +
                       ", newer than this dashflow supports (" + std::to_string(kArchiveVersion) +
                       "); import it with a newer dashflow");
  }
  if (info.version == 1) {
    doc = migrate_v1(doc, info.warnings);
    info.migrated = true;
  } else if (info.version != kArchiveVersion || !has_format) {
    throw ArchiveError("archive " + name + " has unsupported version " + std::to_string(info.version) +
                       " (supported: 1 = DashFlow export, 2 = dashflow archive)");
  }

  info.created_at = string_or_empty(doc, "created_at");
  info.created_by = string_or_empty(doc, "created_by");
  info.description = string_or_empty(doc, "description");
  info.source = string_or_empty(doc, "source");

  Problems problems;
  const json* manifest = doc.contains("manifest") && doc["manifest"].is_object() ? &doc["manifest"] : nullptr;
  if (!manifest) throw ArchiveError("archive " + name + " has no \"manifest\" object (counts and checksum)");
  if (!doc.contains("content") || !doc["content"].is_object()) {
    throw ArchiveError("archive " + name + " has no \"content\" object");
  }
  const json& content = doc["content"];

  // The checksum first: if the content was changed or damaged, the details
  // below would only be symptoms.
  const json checksum = manifest->value("checksum", json::object());
  if (!checksum.is_object() || checksum.value("algorithm", "") != "sha256" || !checksum.contains("value") ||
      !checksum["value"].is_string()) {
    throw ArchiveError("archive " + name + ": manifest.checksum must be {\"algorithm\": \"sha256\", \"value\": hex}");
  }
  info.checksum = checksum["value"].get<std::string>();
  const std::string actual = content_checksum(content);
  if (actual != info.checksum) {
    throw ArchiveError("archive " + name + " failed its checksum: the content was modified or damaged after export",
                       {"manifest sha256 " + info.checksum, "content sha256  " + actual});
  }

  const json includes = manifest->value("includes", json::array());
  const std::set<std::string> known(archive_kinds().begin(), archive_kinds().end());
  for (const json& k : includes) {
    if (!k.is_string() || !known.count(k.get<std::string>())) {
      problems.add("manifest.includes has unknown kind " + k.dump());
      continue;
    }
    info.includes.push_back(k.get<std::string>());
  }
  for (const auto& [key, value] : content.items()) {
    if (!known.count(key)) problems.add("content has unknown kind \"" + key + "\"");
  }
  const json counts = manifest->value("counts", json::object());
  for (const std::string& kind : info.includes) {
    const size_t have = content.contains(kind) ? content[kind].size() : 0;
    if (!counts.contains(kind) || !counts[kind].is_number_unsigned() || counts[kind].get<uint64_t>() != have) {
      problems.add("manifest.counts." + kind + " is " + (counts.contains(kind) ? counts[kind].dump() : "missing") +
                   " but content holds " + std::to_string(have));
    }
  }

  if (doc.contains("entity_schema_version")) {
    const json& v = doc["entity_schema_version"];
    if (!v.is_number_unsigned() || v.get<uint64_t>() > kEntitySchemaVersion) {
      throw ArchiveError("archive " + name + " holds entities of schema version " + v.dump() +
                         ", newer than this dashflow supports (" + std::to_string(kEntitySchemaVersion) + ")");
    }
  }

  convert_items(content, "reports", filter, problems, out.content.reports);
  convert_items(content, "plans", filter, problems, out.content.plans);
  convert_items(content, "hypotheses", filter, problems, out.content.hypotheses);
  check_entities(out.content, problems);
  convert_meta(content, filter, problems, out.content);
  convert_audit(content, problems, out.content);

  if (!problems.list.empty()) {
    throw ArchiveError("archive " + name + " has " + std::to_string(problems.list.size() + problems.dropped) +
                           " invalid item(s); nothing was imported",
                       problems.all());
  }
  return out;
}

}  // namespace dashflow::host
