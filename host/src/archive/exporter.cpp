#include "archive/exporter.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "archive/archive_format.hpp"
#include "archive/gzip.hpp"
#include "audit/audit_log.hpp"
#include "dashflow/durable_file.hpp"
#include "dashflow/json.hpp"
#include "dashflow/time.hpp"

namespace dashflow::host {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool at_or_after(const std::optional<int64_t>& since, const std::string& ts) {
  if (!since) return true;
  const std::optional<int64_t> ms = parse_rfc3339_ms(ts);
  return !ms || *ms >= *since;  // no usable time: kept rather than lost
}

// A plan's time: when it last changed, else when it was created.
std::string plan_time(const ExecutionPlan& p) {
  if (p.updated_at) return *p.updated_at;
  if (p.created_at) return *p.created_at;
  return {};
}

template <class T>
json item_json(const T& value, std::string_view kind, const ExportFilter& filter) {
  json j;
  to_json(j, value);
  if (filter) filter(kind, j);
  return j;
}

void add_reports(StorageBackend& storage, const ExportOptions& o, json& out, std::vector<std::string>& warnings) {
  std::vector<IntrospectionReport> reports;
  for (const ReportInfo& info : storage.list_reports()) {
    if (!at_or_after(o.since_ms, info.timestamp)) continue;
    try {
      reports.push_back(storage.load_report(info.id));
    } catch (const std::exception& e) {
      warnings.push_back("report " + info.id + " (" + info.location + ") was not exported: " + e.what());
    }
  }
  // Oldest first, so an import writes the chain in order.
  std::sort(reports.begin(), reports.end(), [](const IntrospectionReport& a, const IntrospectionReport& b) {
    const int64_t ta = parse_rfc3339_ms(a.timestamp).value_or(0), tb = parse_rfc3339_ms(b.timestamp).value_or(0);
    return ta != tb ? ta < tb : a.id < b.id;
  });
  out = json::array();
  for (const auto& r : reports) out.push_back(item_json(r, "reports", o.filter));
}

void add_plans(StorageBackend& storage, const ExportOptions& o, json& out) {
  std::vector<ExecutionPlan> plans = storage.list_plans(std::nullopt);
  std::sort(plans.begin(), plans.end(), [](const ExecutionPlan& a, const ExecutionPlan& b) { return a.id < b.id; });
  out = json::array();
  for (const auto& p : plans)
    if (at_or_after(o.since_ms, plan_time(p))) out.push_back(item_json(p, "plans", o.filter));
}

void add_hypotheses(StorageBackend& storage, const ExportOptions& o, json& out) {
  std::vector<Hypothesis> hyps = storage.list_hypotheses(false);
  std::sort(hyps.begin(), hyps.end(), [](const Hypothesis& a, const Hypothesis& b) { return a.id < b.id; });
  out = json::array();
  for (const auto& h : hyps)
    if (at_or_after(o.since_ms, h.created_at)) out.push_back(item_json(h, "hypotheses", o.filter));
}

void add_meta(StorageBackend& storage, const ExportOptions& o, json& out, std::vector<std::string>& warnings) {
  out = json::object();
  for (const std::string& name : exported_meta_documents()) {
    try {
      std::optional<std::string> text = storage.get_document(name);
      if (!text) continue;
      json doc = json::parse(*text);
      if (o.filter) o.filter("meta", doc);
      out[name] = std::move(doc);
    } catch (const std::exception& e) {
      warnings.push_back("document " + name + " was not exported: " + e.what());
    }
  }
}

void add_audit(const ExportOptions& o, json& out, std::vector<std::string>& warnings) {
  AuditLog log(o.audit_dir);
  const AuditVerifyResult v = log.verify();
  if (!v.ok()) {
    warnings.push_back("the audit log does not verify (" + v.problem->where() + ": " + v.problem->reason +
                       "); its records are exported as they are");
  }
  std::vector<AuditProblem> skipped;
  out = json::array();
  for (const AuditRecord& r : log.read(o.since_ms, &skipped)) {
    json j = record_json(r);
    if (o.filter) o.filter("audit", j);
    out.push_back(std::move(j));
  }
  for (const AuditProblem& p : skipped)
    warnings.push_back("audit line " + p.where() + " was not exported: " + p.reason);
}

}  // namespace

std::vector<std::string> parse_include_list(const std::string& text) {
  std::set<std::string> wanted;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    word.erase(0, word.find_first_not_of(' '));
    word.erase(word.find_last_not_of(' ') + 1);
    if (!word.empty()) {
      const auto& kinds = archive_kinds();
      if (std::find(kinds.begin(), kinds.end(), word) == kinds.end())
        throw std::invalid_argument("--include: unknown kind '" + word +
                                    "' (use a comma-separated list of reports, plans, hypotheses, meta, audit)");
      wanted.insert(word);
    }
    start = end + 1;
  }
  if (wanted.empty()) throw std::invalid_argument("--include is empty (use e.g. reports,plans,hypotheses)");
  std::vector<std::string> out;
  for (const std::string& kind : archive_kinds())
    if (wanted.count(kind)) out.push_back(kind);
  return out;
}

ExportResult build_archive(StorageBackend& storage, const ExportOptions& options) {
  ExportResult result;
  const std::vector<std::string> include = options.include.empty() ? archive_kinds() : options.include;
  json content = json::object();
  for (const std::string& kind : include) {
    json& slot = content[kind];
    if (kind == "reports") add_reports(storage, options, slot, result.warnings);
    else if (kind == "plans") add_plans(storage, options, slot);
    else if (kind == "hypotheses") add_hypotheses(storage, options, slot);
    else if (kind == "meta") add_meta(storage, options, slot, result.warnings);
    else if (kind == "audit") add_audit(options, slot, result.warnings);
    result.counts[kind] = slot.size();
  }
  json doc = {{"format", kArchiveFormat},
              {"version", kArchiveVersion},
              {"created_at", now_rfc3339()},
              {"created_by", std::string("dashflow ") + DASHFLOW_VERSION},
              {"source", storage.location()},
              {"entity_schema_version", kEntitySchemaVersion}};
  if (!options.description.empty()) doc["description"] = options.description;
  if (options.since_ms) doc["since"] = format_rfc3339_ms(*options.since_ms);
  doc["content"] = std::move(content);
  seal_archive(doc, include);
  result.checksum = doc["manifest"]["checksum"]["value"];
  result.document = std::move(doc);
  return result;
}

uint64_t write_archive_file(const fs::path& file, const json& document) {
  std::string text = document.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
  const std::string name = file.filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) text = gzip_compress(text);
  write_file_atomic(file, text);
  return text.size();
}

}  // namespace dashflow::host
