// dashflow self-improve audit [verify]
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "audit/audit_log.hpp"
#include "audit/since.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"
#include "pipeline/plugin_set.hpp"

using nlohmann::json;

namespace dashflow::host {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void storage_option(po::options_description& d) {
  d.add_options()("storage", po::value<std::string>(),
                  "Storage directory (default .dashflow/introspection); the audit log is its audit/ folder");
}

std::filesystem::path audit_dir_of(CliContext& ctx, const po::variables_map& vm) {
  auto storage = open_storage(ctx, opt(vm, "storage"));
  return default_audit_dir(storage->location());
}

// "plan" matches plan.transition and plan.*; a full kind matches itself.
bool kind_matches(const std::string& kind, const std::string& wanted) {
  return kind == wanted || (kind.size() > wanted.size() && kind.compare(0, wanted.size(), wanted) == 0 &&
                            kind[wanted.size()] == '.');
}

int list(CliContext& ctx, const po::variables_map& vm) {
  std::optional<int64_t> since;
  if (auto text = opt(vm, "since")) {
    since = parse_since(*text, now_ms());
    if (!since) throw UsageError("--since '" + *text + "' is not " + kSinceHelp, "self-improve audit");
  }
  const std::optional<std::string> kind = opt(vm, "kind");
  const std::filesystem::path dir = audit_dir_of(ctx, vm);
  std::vector<AuditProblem> skipped;
  std::vector<AuditRecord> records;
  try {
    records = AuditLog(dir).read(since, &skipped);
  } catch (const AuditError& e) {
    throw CommandError("audit", e.what());
  }
  if (kind) {
    std::erase_if(records, [&](const AuditRecord& r) { return !kind_matches(r.kind, *kind); });
  }
  const size_t limit = vm["limit"].as<size_t>();
  if (limit > 0 && records.size() > limit) records.erase(records.begin(), records.end() - static_cast<long>(limit));
  for (const AuditProblem& p : skipped) {
    std::cerr << "warning: " << (dir / p.file).string() << ":" << p.line << " is not an audit record (" << p.reason
              << "); run 'dashflow self-improve audit verify'\n";
  }
  if (ctx.format == OutputFormat::Json) {
    json arr = json::array();
    for (const AuditRecord& r : records) arr.push_back(record_json(r));
    print_json(arr);
    return 0;
  }
  if (records.empty()) {
    std::cout << "No audit records" << (kind ? " of kind '" + *kind + "'" : "") << (since ? " in that period" : "")
              << " in " << dir.string() << ".\n";
    return 0;
  }
  Table t({"SEQ", "TIME", "KIND", "ACTOR", "DETAILS"});
  for (const AuditRecord& r : records) {
    t.add({std::to_string(r.seq), r.ts, r.kind, r.actor,
           ellipsize(r.details.dump(-1, ' ', false, json::error_handler_t::replace), 70)});
  }
  std::cout << t.render();
  return 0;
}

int verify(CliContext& ctx, const po::variables_map& vm) {
  const std::filesystem::path dir = audit_dir_of(ctx, vm);
  AuditVerifyResult v;
  try {
    v = AuditLog(dir).verify();
  } catch (const AuditError& e) {
    throw CommandError("audit", e.what());
  }
  if (ctx.format == OutputFormat::Json) {
    json problem = nullptr;
    if (v.problem) problem = {{"file", v.problem->file}, {"line", v.problem->line}, {"reason", v.problem->reason}};
    print_json({{"ok", v.ok()},
                {"audit_dir", v.dir},
                {"files", v.files},
                {"records", v.records},
                {"last_seq", v.last_seq},
                {"last_hash", v.last_hash},
                {"problem", problem},
                {"warnings", v.warnings}});
  } else if (v.ok()) {
    std::cout << "Audit trail intact: " << v.records << " record(s) in " << v.files << " day file(s) in " << v.dir
              << "\n";
    if (v.records) std::cout << "  last record: seq " << v.last_seq << ", hash " << v.last_hash << "\n";
  } else {
    const bool color = use_color(STDOUT_FILENO);
    std::cout << (color ? "\033[1;31mAudit trail damaged or tampered with\033[0m" : "Audit trail damaged or tampered with")
              << " (" << v.dir << ")\n"
              << "  " << v.problem->where() << ": " << v.problem->reason << "\n"
              << "  " << v.records << " record(s) before it verified"
              << (v.records ? " (up to seq " + std::to_string(v.last_seq) + ")" : "") << "\n";
  }
  if (ctx.format != OutputFormat::Json)
    for (const std::string& w : v.warnings) std::cerr << "warning: " << w << "\n";
  return v.ok() ? 0 : 1;
}

}  // namespace

void register_audit_commands(std::vector<Command>& commands) {
  commands.push_back({{"self-improve", "audit"}, "List the audit trail (plan transitions, analyses, imports, config changes)",
                      "[options]",
                      "Records live in <storage>/audit/YYYY-MM-DD.jsonl, each chained to the previous one by its\n"
                      "SHA-256 hash. 'dashflow self-improve audit verify' checks the chain.",
                      [](po::options_description& d, po::positional_options_description&) {
                        d.add_options()("since", po::value<std::string>(),
                                        "Only records at or after this: a date, an RFC 3339 time or a duration (7d, 24h)")(
                            "kind", po::value<std::string>(), "Only this kind, or kinds under it ('plan' = plan.*)")(
                            "limit", po::value<size_t>()->default_value(0), "Show only the newest N (0 = all)");
                        storage_option(d);
                      },
                      list, true});
  commands.push_back({{"self-improve", "audit", "verify"},
                      "Check the audit trail's hash chain; exit 1 when a record was changed, deleted or cut",
                      "[options]", "",
                      [](po::options_description& d, po::positional_options_description&) { storage_option(d); },
                      verify, true});
}

}  // namespace dashflow::host
