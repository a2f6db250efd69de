// Reading an archive for import: file -> (gunzip) -> JSON -> version check and
// migration -> checksum and counts -> every item converted to its SDK type
// and checked. Nothing is written; every problem found is reported at once.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit_record.hpp"
#include "dashflow/types.hpp"

namespace dashflow::host {

// Called with (kind, item JSON) for every item read from an archive, before
// it is converted (the place for redaction of imported data).
using ArchiveItemFilter = std::function<void(std::string_view kind, nlohmann::json& item)>;

struct ArchiveInfo {
  std::string file;
  uint64_t version = 0;          // as found in the file
  bool migrated = false;         // read through migrate_v1
  bool compressed = false;
  std::string created_at, created_by, description, source, checksum;
  std::vector<std::string> includes;
  std::vector<std::string> warnings;
};

struct ArchiveContent {
  std::vector<IntrospectionReport> reports;
  std::vector<ExecutionPlan> plans;
  std::vector<Hypothesis> hypotheses;
  std::vector<std::pair<std::string, nlohmann::json>> meta;  // document name -> JSON
  std::vector<AuditRecord> audit;
};

struct LoadedArchive {
  ArchiveInfo info;
  ArchiveContent content;
};

// Throws ArchiveError (message + every problem) when the archive cannot be
// imported as a whole.
LoadedArchive read_archive(const std::filesystem::path& file, const ArchiveItemFilter& filter = nullptr);

// Same, from bytes already in memory (`name` is used in messages).
LoadedArchive parse_archive(const std::string& bytes, const std::string& name, const ArchiveItemFilter& filter = nullptr);

// True for an id usable as a file name and not the nil UUID.
bool is_importable_id(std::string_view id);

// True for "meta/<name>.json" with plain components.
bool is_meta_document_name(std::string_view name);

}  // namespace dashflow::host
