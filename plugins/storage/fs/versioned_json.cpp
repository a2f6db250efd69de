#include "versioned_json.hpp"

namespace dashflow::fsstore {

std::string versioned_text(const json& value) {
  if (!value.is_object()) return value.dump(2) + "\n";
  json body = value;
  body.erase("_schema_version");
  const std::string head = "{\n  \"_schema_version\": " + std::to_string(kSchemaVersion);
  if (body.empty()) return head + "\n}\n";
  // body.dump(2) is "{\n  ...\n}": splice our key in front of its members.
  return head + ",\n" + body.dump(2).substr(2) + "\n";
}

json parse_versioned(const std::string& text, const std::filesystem::path& file) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw StorageError(file.string() + " is corrupt (not valid JSON: " + e.what() + "); fix or remove the file");
  }
  if (!j.is_object()) {
    throw StorageError(file.string() + " is corrupt (expected a JSON object); fix or remove the file");
  }
  auto it = j.find("_schema_version");
  if (it != j.end()) {
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<int64_t>() >= 0)) {
      throw StorageError(file.string() + " has an invalid _schema_version " + it->dump() +
                         " (expected a positive integer); fix or remove the file");
    }
    const uint64_t version = it->get<uint64_t>();
    if (version > kSchemaVersion) {
      throw StorageError(file.string() + " has schema version " + std::to_string(version) +
                         ", newer than this dashflow supports (" + std::to_string(kSchemaVersion) +
                         "); it was written by a newer dashflow - upgrade dashflow to read it");
    }
    if (version < 1) {
      throw StorageError(file.string() + " has schema version " + std::to_string(version) +
                         ", older than the minimum supported (1); fix or remove the file");
    }
    j.erase(it);
  }
  return j;
}

}  // namespace dashflow::fsstore
