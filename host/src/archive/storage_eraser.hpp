// Removal of items an import created, for rolling a failed import back.
//
// StorageBackend has no delete operation, so undoing a *created* item needs
// knowledge of the backend's files. This is the one place that has it: the
// built-in fs layout (reports/<stamp>_<id>.json + .md,
// plans/<folder>/<id>.json, hypotheses/<folder>/<id>.json, documents by
// name), removed under the same flock ("<storage>/.lock") the fs backend
// takes for its own writes. Overwritten items are restored through the
// StorageBackend API instead (see importer.cpp). When the SDK gains
// StorageBackend::remove_* this class becomes a thin call-through.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace dashflow::host {

class StorageEraser {
 public:
  // Null when `location` is not a directory in the fs backend's layout (then
  // an import cannot promise to roll back and refuses to write).
  static std::optional<StorageEraser> for_location(const std::string& location);

  // Every reports/*_<id>.json/.md except the report file `keep` (and its .md).
  void remove_report(const std::string& id, const std::filesystem::path& keep = {}) const;
  void remove_plan(const std::string& id) const;
  void remove_hypothesis(const std::string& id) const;
  void remove_document(const std::string& name) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  explicit StorageEraser(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

}  // namespace dashflow::host
