// The versioned envelope of every stored JSON file: the entity's object with
// "_schema_version": 1 as its first key, pretty-printed. Reading: a missing
// version is 1 (files written by DashFlow without versioning); a newer
// version or a corrupt file is a StorageError naming the file.
#pragma once

#include <filesystem>
#include <string>

#include "dashflow/errors.hpp"
#include "dashflow/json.hpp"

namespace dashflow::fsstore {

inline constexpr uint64_t kSchemaVersion = 1;

// Pretty JSON text with "_schema_version" first (objects only; other values
// are written as they are).
std::string versioned_text(const json& value);

// Parses a stored file's text, checks and strips "_schema_version".
json parse_versioned(const std::string& text, const std::filesystem::path& file);

// Reads the file and converts it to T; every failure is a StorageError that
// names the file. Throws NotFoundError when the file does not exist.
template <class T>
T read_entity(const std::string& text, const std::filesystem::path& file) {
  json j = parse_versioned(text, file);
  T value{};
  try {
    from_json(j, value);
  } catch (const JsonError& e) {
    throw StorageError(file.string() + " is not a valid stored entity: " + e.what() +
                       "; fix or remove the file");
  } catch (const json::exception& e) {
    throw StorageError(file.string() + " is not a valid stored entity: " + e.what() +
                       "; fix or remove the file");
  }
  return value;
}

template <class T>
std::string entity_text(const T& value) {
  json j;
  to_json(j, value);
  return versioned_text(j);
}

}  // namespace dashflow::fsstore
