// dashflow self-improve export | import
#include <chrono>
#include <iostream>

#include "archive/archive_format.hpp"
#include "archive/archive_reader.hpp"
#include "archive/exporter.hpp"
#include "archive/importer.hpp"
#include "audit/audit_log.hpp"
#include "dashflow/durable_file.hpp"
#include "audit/since.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"
#include "pipeline/redaction_gate.hpp"
#include "dashflow/errors.hpp"
#include "pipeline/plugin_set.hpp"

using nlohmann::json;

namespace dashflow::host {
namespace {

void storage_option(po::options_description& d) {
  d.add_options()("storage", po::value<std::string>(), "Storage directory (default .dashflow/introspection)");
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string counts_text(const std::map<std::string, size_t>& counts) {
  static const std::map<std::string, std::string> nouns = {{"reports", "report(s)"},
                                                          {"plans", "plan(s)"},
                                                          {"hypotheses", "hypothesis(es)"},
                                                          {"meta", "meta document(s)"},
                                                          {"audit", "audit record(s)"}};
  std::string out;
  for (const std::string& kind : archive_kinds()) {
    auto it = counts.find(kind);
    if (it == counts.end()) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(it->second) + " " + nouns.at(kind);
  }
  return out;
}

// ---------------------------------------------------------------- export

int export_archive(CliContext& ctx, const po::variables_map& vm) {
  const std::string output = vm["output"].as<std::string>();
  ExportOptions options;
  if (auto text = opt(vm, "include")) {
    try {
      options.include = parse_include_list(*text);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what(), "self-improve export");
    }
  }
  if (auto text = opt(vm, "since")) {
    options.since_ms = parse_since(*text, now_ms());
    if (!options.since_ms) throw UsageError("--since '" + *text + "' is not " + kSinceHelp, "self-improve export");
  }
  options.description = vm["description"].as<std::string>();
  auto storage = open_storage(ctx, opt(vm, "storage"));
  options.audit_dir = default_audit_dir(storage->location());
  // Redaction: every exported document passes through the configured redactor.
  auto redaction = make_redaction_gate(ctx.config().raw);
  options.filter = [redaction](std::string_view, nlohmann::json& item) { redaction->apply(item); };

  ExportResult result;
  try {
    result = build_archive(storage.get(), options);
  } catch (const AuditError& e) {
    throw CommandError("audit", e.what());
  } catch (const dashflow::Error& e) {
    throw CommandError("storage", std::string("cannot read the storage: ") + e.what());
  }
  uint64_t bytes = 0;
  try {
    bytes = write_archive_file(output, result.document);
  } catch (const std::exception& e) {
    throw CommandError("output", std::string("cannot write the archive: ") + e.what(),
                       {"check that the directory of --output exists and is writable"});
  }
  // Taking data out of the storage is worth a record too; failing to write
  // it does not undo the export.
  try {
    json counts = result.counts;
    AuditLog(options.audit_dir)
        .append("export", current_actor(),
                {{"output", std::filesystem::absolute(output).string()},
                 {"checksum", result.checksum},
                 {"counts", counts},
                 {"since", result.document.value("since", json())}});
  } catch (const std::exception& e) {
    result.warnings.push_back(std::string("the export's audit record could not be written: ") + e.what());
  }

  if (ctx.format == OutputFormat::Json) {
    print_json({{"output", output},
                {"bytes", bytes},
                {"format", kArchiveFormat},
                {"version", kArchiveVersion},
                {"compressed", output.size() > 3 && output.compare(output.size() - 3, 3, ".gz") == 0},
                {"counts", result.counts},
                {"checksum", result.checksum},
                {"warnings", result.warnings}});
  } else {
    std::cout << "Exported " << counts_text(result.counts) << " to " << output << " (" << bytes << " bytes)\n"
              << "  archive: " << kArchiveFormat << " version " << kArchiveVersion << ", sha256 " << result.checksum
              << "\n";
    for (const std::string& w : result.warnings) std::cerr << "warning: " << w << "\n";
  }
  return 0;
}

// ---------------------------------------------------------------- import

json import_json(const ImportResult& r) {
  json counts = json::object();
  for (const auto& [kind, c] : r.counts)
    counts[kind] = {{"created", c.created}, {"overwritten", c.overwritten}, {"skipped", c.skipped}, {"unchanged", c.unchanged}};
  json items = json::array();
  for (const ImportItem& i : r.items) {
    json item = {{"kind", i.kind}, {"id", i.id}, {"action", to_string(i.action)}};
    if (!i.note.empty()) item["note"] = i.note;
    items.push_back(item);
  }
  json audit = nullptr;
  if (r.audit_record) audit = {{"seq", r.audit_record->seq}, {"hash", r.audit_record->hash}};
  return {{"dry_run", r.dry_run},
          {"on_conflict", to_string(r.on_conflict)},
          {"archive",
           {{"file", r.archive.file},
            {"version", r.archive.version},
            {"migrated", r.archive.migrated},
            {"compressed", r.archive.compressed},
            {"created_at", r.archive.created_at},
            {"created_by", r.archive.created_by},
            {"source", r.archive.source},
            {"checksum", r.archive.checksum},
            {"includes", r.archive.includes}}},
          {"counts", counts},
          {"items", items},
          {"warnings", r.warnings},
          {"audit_record", audit}};
}

void print_import_table(const ImportResult& r) {
  std::cout << (r.dry_run ? "Dry run of the import of " : "Imported ") << r.archive.file << "\n"
            << "  archive: version " << r.archive.version << (r.archive.migrated ? " (DashFlow export, migrated)" : "")
            << (r.archive.created_at.empty() ? "" : ", created " + r.archive.created_at)
            << (r.archive.source.empty() ? "" : " from " + r.archive.source) << "\n"
            << "  on conflict: " << to_string(r.on_conflict) << "\n\n";
  Table t({"KIND", r.dry_run ? "WOULD CREATE" : "CREATED", r.dry_run ? "WOULD OVERWRITE" : "OVERWRITTEN", "SKIPPED",
           "UNCHANGED"});
  for (const std::string& kind : archive_kinds()) {
    auto it = r.counts.find(kind);
    if (it == r.counts.end()) continue;
    const KindCounts& c = it->second;
    t.add({kind, std::to_string(c.created), std::to_string(c.overwritten), std::to_string(c.skipped),
           std::to_string(c.unchanged)});
  }
  std::cout << t.render();
  if (r.dry_run) std::cout << "\nNothing was written (--dry-run).\n";
  else if (r.audit_record) std::cout << "\nAudit record: seq " << r.audit_record->seq << "\n";
  for (const std::string& w : r.warnings) std::cerr << "warning: " << w << "\n";
}

int import_archive_command(CliContext& ctx, const po::variables_map& vm) {
  const std::string file = vm["file"].as<std::string>();
  ImportOptions options;
  try {
    options.on_conflict = parse_conflict_mode(vm["on-conflict"].as<std::string>());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what(), "self-improve import");
  }
  options.dry_run = vm["dry-run"].as<bool>();
  options.actor = current_actor();

  // The whole archive is read and checked before the storage is even
  // opened: a bad archive touches nothing.
  LoadedArchive archive;
  try {
    archive = read_archive(file);
  } catch (const ArchiveError& e) {
    throw CommandError("archive", std::string(e.what()) + "; nothing was imported", e.problems);
  }
  auto storage = open_storage(ctx, opt(vm, "storage"));
  options.audit_dir = default_audit_dir(storage->location());
  ImportResult result;
  try {
    result = import_archive(storage.get(), archive, options);
  } catch (const ImportConflictError& e) {
    throw CommandError("conflict", e.what(), e.conflicts);
  } catch (const ImportFailedError& e) {
    throw CommandError("import", e.what(), e.details);
  } catch (const dashflow::Error& e) {
    throw CommandError("storage", std::string("cannot read the storage: ") + e.what() + "; nothing was imported");
  }
  if (ctx.format == OutputFormat::Json) print_json(import_json(result));
  else print_import_table(result);
  return 0;
}

}  // namespace

void register_archive_commands(std::vector<Command>& commands) {
  commands.push_back({{"self-improve", "export"}, "Write reports, plans, hypotheses, meta and audit records to an archive",
                      "--output FILE [options]",
                      "The archive is one JSON document (format dashflow-archive, version 2) with a manifest of\n"
                      "counts and a SHA-256 checksum; gzip-compressed when FILE ends in .gz.",
                      [](po::options_description& d, po::positional_options_description&) {
                        d.add_options()("output,o", po::value<std::string>()->required(), "Archive file to write (.json or .json.gz)")(
                            "since", po::value<std::string>(),
                            "Only items at or after this: a date, an RFC 3339 time or a duration (7d)")(
                            "include", po::value<std::string>(),
                            "Comma-separated kinds: reports,plans,hypotheses,meta,audit (default all)")(
                            "description", po::value<std::string>()->default_value(""), "Free text stored in the archive");
                        storage_option(d);
                      },
                      export_archive, true});
  commands.push_back({{"self-improve", "import"}, "Import an archive into the storage, all or nothing", "FILE [options]",
                      "The whole archive is checked first (version, checksum, every item). Items that exist and\n"
                      "differ are skipped, overwritten, or make the import fail (--on-conflict); identical items\n"
                      "are left alone. If a write fails, every change already made is rolled back.\n"
                      "DashFlow export archives (version 1) are migrated.",
                      [](po::options_description& d, po::positional_options_description& p) {
                        d.add_options()("file", po::value<std::string>()->required(), "Archive to import (.json or .json.gz)")(
                            "on-conflict", po::value<std::string>()->default_value("skip"), "skip|overwrite|fail")(
                            "dry-run", po::bool_switch(), "Report what would be created, overwritten or skipped; write nothing");
                        p.add("file", 1);
                        storage_option(d);
                      },
                      import_archive_command, true});
}

}  // namespace dashflow::host
