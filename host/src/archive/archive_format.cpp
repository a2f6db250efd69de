#include "archive/archive_format.hpp"

#include "audit/sha256.hpp"

namespace dashflow::host {

using nlohmann::json;

const std::vector<std::string>& archive_kinds() {
  static const std::vector<std::string> kinds = {"reports", "plans", "hypotheses", "meta", "audit"};
  return kinds;
}

const std::vector<std::string>& exported_meta_documents() {
  static const std::vector<std::string> names = {"meta/patterns.json", "meta/momentum.json", "meta/design_notes.json"};
  return names;
}

std::string content_text(const json& content) {
  return content.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string content_checksum(const json& content) { return sha256_hex(content_text(content)); }

void seal_archive(json& document, const std::vector<std::string>& includes) {
  json counts = json::object();
  const json& content = document["content"];
  for (const std::string& kind : includes) counts[kind] = content.contains(kind) ? content[kind].size() : 0;
  document["manifest"] = {{"includes", includes},
                          {"counts", counts},
                          {"checksum", {{"algorithm", "sha256"}, {"value", content_checksum(content)}}}};
}

json migrate_v1(const json& v1, std::vector<std::string>& warnings) {
  json v2 = {{"format", kArchiveFormat},
             {"version", kArchiveVersion},
             {"created_at", v1.value("created_at", json())},
             {"created_by", "DashFlow (archive version 1)"},
             {"entity_schema_version", kEntitySchemaVersion}};
  if (v1.contains("description") && v1["description"].is_string()) v2["description"] = v1["description"];
  if (v1.contains("source_path") && v1["source_path"].is_string()) v2["source"] = v1["source_path"];
  json content = json::object();
  std::vector<std::string> problems;
  struct Kind {
    const char* key;
    const char* count_key;
  };
  // DashFlow omits empty arrays, so a missing key is an empty list.
  for (const Kind& k : {Kind{"reports", "report_count"}, Kind{"plans", "plan_count"},
                        Kind{"hypotheses", "hypothesis_count"}}) {
    json items = v1.contains(k.key) ? v1[k.key] : json::array();
    if (!items.is_array()) {
      problems.push_back(std::string("\"") + k.key + "\" is not an array");
      items = json::array();
    }
    const json* metadata = v1.contains("metadata") && v1["metadata"].is_object() ? &v1["metadata"] : nullptr;
    if (metadata && metadata->contains(k.count_key)) {
      const json& count = (*metadata)[k.count_key];
      if (!count.is_number_unsigned() || count.get<uint64_t>() != items.size()) {
        problems.push_back(std::string("metadata.") + k.count_key + " is " + count.dump() + " but the archive holds " +
                           std::to_string(items.size()) + " " + k.key + " (the file was cut or edited)");
      }
    }
    content[k.key] = std::move(items);
  }
  if (!problems.empty()) throw ArchiveError("the version-1 archive is inconsistent", problems);
  if (!v1.contains("metadata")) warnings.push_back("version-1 archive without \"metadata\": item counts not checked");
  warnings.push_back("version-1 (DashFlow) archive migrated to version 2; it carries no checksum, so only its item "
                     "counts and contents could be checked");
  v2["content"] = std::move(content);
  seal_archive(v2, {"reports", "plans", "hypotheses"});
  return v2;
}

}  // namespace dashflow::host
