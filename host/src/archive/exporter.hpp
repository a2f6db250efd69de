// `self-improve export`: the storage's reports, plans, hypotheses, meta
// documents and audit records as one version-2 archive (archive_format.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dashflow/plugin.hpp"

namespace dashflow::host {

// The single point every exported document passes through before it is
// written, with its kind ("reports", "plans", "hypotheses", "meta",
// "audit"): the hook for redaction. It may change the JSON in place.
// Note: changing an audit record makes its hash no longer verify.
using ExportFilter = std::function<void(std::string_view kind, nlohmann::json& item)>;

struct ExportOptions {
  std::vector<std::string> include;    // kinds; empty = all
  std::optional<int64_t> since_ms;     // only items at or after this time (meta: always)
  std::string description;
  std::filesystem::path audit_dir;     // where the audit records are read from
  ExportFilter filter;
};

struct ExportResult {
  nlohmann::json document;
  std::map<std::string, size_t> counts;
  std::string checksum;
  std::vector<std::string> warnings;  // items that could not be read, audit chain problems
};

ExportResult build_archive(StorageBackend& storage, const ExportOptions& options);

// "reports,plans" -> {"reports", "plans"} in archive order; throws
// std::invalid_argument naming an unknown kind.
std::vector<std::string> parse_include_list(const std::string& text);

// Writes atomically; gzip-compressed when the name ends in ".gz". Returns
// the number of bytes written.
uint64_t write_archive_file(const std::filesystem::path& file, const nlohmann::json& document);

}  // namespace dashflow::host
