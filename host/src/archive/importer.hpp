// `self-improve import`: an archive into a storage, all or nothing.
//
// 1. Decide (reads only): for every item, whether it is created, overwritten,
//    skipped or unchanged (identical to the stored copy, whatever the mode).
//    In fail mode any differing existing item aborts here, before any write.
// 2. Dry run: return the decisions.
// 3. Commit through the StorageBackend API (save_plan moves a plan between
//    status folders, so a plan never sits in two), journaling how to undo
//    each write *before* making it: overwritten items are restored from the
//    copy loaded in step 1 (through the same API), created items are removed
//    (StorageEraser). If any write fails, the journal is replayed backwards
//    and the storage is as it was before the import.
// 4. Append an "import" record to the audit log.
//
// Not covered: a crash (kill -9) in the middle of step 3 leaves the items
// written so far (each one whole); a writer running concurrently with the
// import (daemon) may see them before a rollback removes them.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive/archive_reader.hpp"
#include "audit/audit_record.hpp"
#include "dashflow/plugin.hpp"

namespace dashflow::host {

enum class ConflictMode { Skip, Overwrite, Fail };
ConflictMode parse_conflict_mode(const std::string& text);  // throws std::invalid_argument
const char* to_string(ConflictMode mode);

enum class ItemAction { Create, Overwrite, Skip, Unchanged };
const char* to_string(ItemAction action);

struct ImportOptions {
  ConflictMode on_conflict = ConflictMode::Skip;
  bool dry_run = false;
  std::filesystem::path audit_dir;  // where the "import" record goes; also holds imported audit copies
  std::string actor;                // for the audit record
};

struct ImportItem {
  std::string kind;  // reports | plans | hypotheses | meta | audit
  std::string id;    // item id, document name, or audit copy file
  ItemAction action = ItemAction::Create;
  std::string note;  // e.g. "stored copy unreadable"
};

struct KindCounts {
  uint64_t created = 0, overwritten = 0, skipped = 0, unchanged = 0;
};

struct ImportResult {
  ArchiveInfo archive;
  bool dry_run = false;
  ConflictMode on_conflict = ConflictMode::Skip;
  std::vector<ImportItem> items;
  std::map<std::string, KindCounts> counts;  // by kind, every kind of the archive
  std::vector<std::string> warnings;
  std::optional<AuditRecord> audit_record;
};

// Fail mode met existing items that differ; nothing was written.
class ImportConflictError : public std::runtime_error {
 public:
  ImportConflictError(const std::string& message, std::vector<std::string> conflicts)
      : std::runtime_error(message), conflicts(std::move(conflicts)) {}
  std::vector<std::string> conflicts;
};

// The import could not be done. storage_unchanged: nothing was written, or
// every write was rolled back; false when an undo failed too (the details
// name what is left).
class ImportFailedError : public std::runtime_error {
 public:
  ImportFailedError(const std::string& message, std::vector<std::string> details, bool storage_unchanged)
      : std::runtime_error(message), details(std::move(details)), storage_unchanged(storage_unchanged) {}
  std::vector<std::string> details;
  bool storage_unchanged;
};

ImportResult import_archive(StorageBackend& storage, const LoadedArchive& archive, const ImportOptions& options);

}  // namespace dashflow::host
