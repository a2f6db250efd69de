// The archive format of `self-improve export` / `import`.
//
// Version 2 (written by this dashflow): one JSON document, gzip-compressed
// when the file name ends in .gz (readers detect gzip by its magic bytes):
//
//   { "format": "dashflow-archive", "version": 2,
//     "created_at": ts, "created_by": "dashflow 0.1.0", "source": storage location,
//     "description": s (optional), "since": ts (optional),
//     "entity_schema_version": 1,          // _schema_version of the items
//     "manifest": { "includes": ["reports", ...],
//                   "counts": {"reports": n, ...},
//                   "checksum": {"algorithm": "sha256", "value": hex} },
//     "content": { "reports": [report...], "plans": [plan...], "hypotheses": [hyp...],
//                  "meta": {"meta/patterns.json": {...}, ...},
//                  "audit": [audit record...] } }
//
// The checksum is SHA-256 of content_text(content): compact JSON with sorted
// keys, so it does not depend on the document's indentation. Only the kinds
// in "includes" appear in "content". Items are the entities' plain JSON
// (DashFlow's shapes), without "_schema_version".
//
// Version 1 is DashFlow's export_import.rs archive (dashflow-runtime.md §11):
// {"version": 1, "created_at", "description"?, "reports"?, "plans"?,
// "hypotheses"?, "metadata": {report_count, plan_count, hypothesis_count,
// original_size_bytes}} with no "format" key and no checksum. It is migrated
// to version 2 on reading (migrate_v1).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dashflow::host {

inline constexpr const char* kArchiveFormat = "dashflow-archive";
inline constexpr uint64_t kArchiveVersion = 2;
inline constexpr uint64_t kEntitySchemaVersion = 1;

// In archive order; also the order an import writes them.
const std::vector<std::string>& archive_kinds();  // reports, plans, hypotheses, meta, audit

// The meta documents an export takes from the storage.
const std::vector<std::string>& exported_meta_documents();

// An archive that cannot be used; `problems` lists every reason found.
class ArchiveError : public std::runtime_error {
 public:
  ArchiveError(const std::string& message, std::vector<std::string> problems = {})
      : std::runtime_error(message), problems(std::move(problems)) {}
  std::vector<std::string> problems;
};

std::string content_text(const nlohmann::json& content);
std::string content_checksum(const nlohmann::json& content);

// Fills "manifest" (includes, counts, checksum) from "content".
void seal_archive(nlohmann::json& document, const std::vector<std::string>& includes);

// DashFlow's version-1 archive as a version-2 document; notes what changed
// in `warnings`. Throws ArchiveError when its metadata counts disagree with
// its arrays (a cut or edited file).
nlohmann::json migrate_v1(const nlohmann::json& v1, std::vector<std::string>& warnings);

}  // namespace dashflow::host
