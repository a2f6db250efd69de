#include "archive/importer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <set>

#include "archive/archive_format.hpp"
#include "archive/storage_eraser.hpp"
#include "audit/audit_log.hpp"
#include "dashflow/durable_file.hpp"
#include "audit/sha256.hpp"
#include "dashflow/errors.hpp"
#include "dashflow/json.hpp"
#include "dashflow/lifecycle.hpp"

namespace dashflow::host {
namespace fs = std::filesystem;
using nlohmann::json;

ConflictMode parse_conflict_mode(const std::string& text) {
  if (text == "skip") return ConflictMode::Skip;
  if (text == "overwrite") return ConflictMode::Overwrite;
  if (text == "fail") return ConflictMode::Fail;
  throw std::invalid_argument("--on-conflict must be skip, overwrite or fail, not '" + text + "'");
}

const char* to_string(ConflictMode mode) {
  switch (mode) {
    case ConflictMode::Skip: return "skip";
    case ConflictMode::Overwrite: return "overwrite";
    case ConflictMode::Fail: return "fail";
  }
  return "?";
}

const char* to_string(ItemAction action) {
  switch (action) {
    case ItemAction::Create: return "create";
    case ItemAction::Overwrite: return "overwrite";
    case ItemAction::Skip: return "skip";
    case ItemAction::Unchanged: return "unchanged";
  }
  return "?";
}

namespace {

// The stored copy of an item: absent, readable, or present but unreadable.
template <class T>
struct Existing {
  std::optional<T> value;
  std::string unreadable;  // why it cannot be read, when it exists but is broken
  bool exists() const { return value || !unreadable.empty(); }
};

template <class T, class Load>
Existing<T> find_existing(const std::string& id, Load load) {
  Existing<T> out;
  try {
    T stored = load(id);
    if (stored.id == id) out.value = std::move(stored);
  } catch (const NotFoundError&) {
  } catch (const ConflictError&) {
    // Only other ids start with this one; this exact id is not stored.
  } catch (const std::exception& e) {
    out.unreadable = e.what();
  }
  return out;
}

// One write of the import and how to take it back.
struct Step {
  std::string kind, id;
  ItemAction action;
  std::function<void()> write;
  std::function<void()> undo;
};

struct Decider {
  ConflictMode mode;
  ImportResult& result;
  std::vector<std::string> conflicts;  // fail mode
  std::vector<std::string> refusals;   // cannot be done safely in any mode

  // Records the decision; returns the action.
  ItemAction decide(const std::string& kind, const std::string& id, const std::string& what, bool exists,
                    bool equal, const std::string& unreadable) {
    ImportItem item{kind, id, ItemAction::Create, ""};
    if (!exists) {
      item.action = ItemAction::Create;
    } else if (unreadable.empty() && equal) {
      item.action = ItemAction::Unchanged;
    } else if (mode == ConflictMode::Skip) {
      item.action = ItemAction::Skip;
      if (!unreadable.empty()) {
        item.note = "the stored copy cannot be read: " + unreadable;
        result.warnings.push_back(what + " skipped: " + item.note);
      }
    } else if (mode == ConflictMode::Fail) {
      item.action = ItemAction::Skip;
      conflicts.push_back(what + " already exists" +
                          (unreadable.empty() ? std::string(" and differs from the archive") : " (unreadable: " + unreadable + ")"));
    } else if (!unreadable.empty()) {
      item.action = ItemAction::Skip;
      refusals.push_back(what + " cannot be overwritten: the stored copy cannot be read (" + unreadable +
                         "), so it could not be restored if the import failed; fix or remove it first");
    } else {
      item.action = ItemAction::Overwrite;
    }
    result.items.push_back(item);
    KindCounts& c = result.counts[kind];
    switch (item.action) {
      case ItemAction::Create: ++c.created; break;
      case ItemAction::Overwrite: ++c.overwritten; break;
      case ItemAction::Skip: ++c.skipped; break;
      case ItemAction::Unchanged: ++c.unchanged; break;
    }
    return item.action;
  }
};

std::string audit_copy_text(const std::vector<AuditRecord>& records) {
  std::string text;
  for (const AuditRecord& r : records) text += record_line(r) + "\n";
  return text;
}

json counts_json(const ImportResult& r) {
  json out = json::object();
  for (const auto& [kind, c] : r.counts)
    out[kind] = {{"created", c.created}, {"overwritten", c.overwritten}, {"skipped", c.skipped}, {"unchanged", c.unchanged}};
  return out;
}

void append_audit_record(const ImportOptions& options, ImportResult& result) {
  json changed = json::array();
  for (const ImportItem& item : result.items) {
    if (item.action != ItemAction::Create && item.action != ItemAction::Overwrite) continue;
    if (changed.size() == 200) break;
    changed.push_back({{"kind", item.kind}, {"id", item.id}, {"action", to_string(item.action)}});
  }
  std::error_code ec;
  const fs::path archive_path = fs::absolute(result.archive.file, ec);
  json details = {{"archive", ec ? result.archive.file : archive_path.string()},
                  {"archive_version", result.archive.version},
                  {"migrated", result.archive.migrated},
                  {"checksum", result.archive.checksum},
                  {"on_conflict", to_string(options.on_conflict)},
                  {"counts", counts_json(result)},
                  {"changed", changed}};
  try {
    result.audit_record = AuditLog(options.audit_dir).append("import", options.actor, details);
  } catch (const std::exception& e) {
    result.warnings.push_back(std::string("the import is complete but its audit record could not be written: ") +
                              e.what());
  }
}

}  // namespace

ImportResult import_archive(StorageBackend& storage, const LoadedArchive& archive, const ImportOptions& options) {
  ImportResult result;
  result.archive = archive.info;
  result.dry_run = options.dry_run;
  result.on_conflict = options.on_conflict;
  result.warnings = archive.info.warnings;
  for (const std::string& kind : archive.info.includes) result.counts[kind];

  const std::optional<StorageEraser> eraser = StorageEraser::for_location(storage.location());
  Decider decider{options.on_conflict, result, {}, {}};
  std::vector<Step> steps;
  const ArchiveContent& c = archive.content;

  // ---- decide (reads only). Order = write order: plans, hypotheses,
  // reports, meta, audit; reports last among entities because a report
  // refers to plans and hypotheses.
  std::vector<ExecutionPlan> open_plans;
  if (!c.plans.empty()) {
    for (ExecutionPlan& p : storage.list_plans(std::nullopt))
      if (is_open(p.status)) open_plans.push_back(std::move(p));
  }
  for (const ExecutionPlan& plan : c.plans) {
    auto ex = find_existing<ExecutionPlan>(plan.id, [&](const std::string& id) { return storage.load_plan(id); });
    const std::string what = "plan " + plan.id + " (" + plan.title + ")";
    const ItemAction action =
        decider.decide("plans", plan.id, what, ex.exists(), ex.value && *ex.value == plan, ex.unreadable);
    if (action == ItemAction::Create && !plan.fingerprint.empty() && is_open(plan.status)) {
      for (const ExecutionPlan& open : open_plans) {
        if (open.fingerprint == plan.fingerprint) {
          result.warnings.push_back("plan " + plan.id + " has the same fingerprint as open plan " + open.id +
                                    " already stored; the next analyze updates the older of the two");
          break;
        }
      }
    }
    if (action == ItemAction::Create) {
      steps.push_back({"plans", plan.id, action, [&storage, &plan] { storage.save_plan(plan); },
                       [eraser, id = plan.id] { eraser->remove_plan(id); }});
    } else if (action == ItemAction::Overwrite) {
      steps.push_back({"plans", plan.id, action, [&storage, &plan] { storage.save_plan(plan); },
                       [&storage, old = *ex.value] { storage.save_plan(old); }});
    }
  }
  for (const Hypothesis& h : c.hypotheses) {
    auto ex = find_existing<Hypothesis>(h.id, [&](const std::string& id) { return storage.load_hypothesis(id); });
    const ItemAction action = decider.decide("hypotheses", h.id, "hypothesis " + h.id, ex.exists(),
                                             ex.value && *ex.value == h, ex.unreadable);
    if (action == ItemAction::Create) {
      steps.push_back({"hypotheses", h.id, action, [&storage, &h] { storage.save_hypothesis(h); },
                       [eraser, id = h.id] { eraser->remove_hypothesis(id); }});
    } else if (action == ItemAction::Overwrite) {
      steps.push_back({"hypotheses", h.id, action, [&storage, &h] { storage.save_hypothesis(h); },
                       [&storage, old = *ex.value] { storage.save_hypothesis(old); }});
    }
  }
  for (const IntrospectionReport& r : c.reports) {
    auto ex = find_existing<IntrospectionReport>(r.id, [&](const std::string& id) { return storage.load_report(id); });
    const ItemAction action = decider.decide("reports", r.id, "report " + r.id + " (" + r.timestamp + ")",
                                             ex.exists(), ex.value && *ex.value == r, ex.unreadable);
    if (action == ItemAction::Create) {
      // Removing by id also takes a .md written before a failed .json.
      steps.push_back({"reports", r.id, action, [&storage, &r] { storage.save_report(r); },
                       [eraser, id = r.id] { eraser->remove_report(id); }});
    } else if (action == ItemAction::Overwrite) {
      steps.push_back({"reports", r.id, action, [&storage, &r] { storage.save_report(r); },
                       [&storage, eraser, old = *ex.value] {
                         // The old report is saved under its own name; files of
                         // the new one under another name (other timestamp) go.
                         const std::string kept = storage.save_report(old);
                         if (eraser) eraser->remove_report(old.id, kept);
                       }});
    }
  }
  for (const auto& [name, doc] : c.meta) {
    std::optional<json> stored;
    std::string unreadable;
    std::string stored_text;
    try {
      if (auto text = storage.get_document(name)) {
        stored_text = *text;
        stored = json::parse(*text);
      }
    } catch (const std::exception& e) {
      unreadable = e.what();
    }
    const bool exists = stored.has_value() || !unreadable.empty();
    const ItemAction action =
        decider.decide("meta", name, "document " + name, exists, stored && *stored == doc, unreadable);
    const std::string doc_name = name;
    const json* doc_ptr = &doc;
    auto write = [&storage, doc_name, doc_ptr] { storage.put_document(doc_name, doc_ptr->dump(2)); };
    if (action == ItemAction::Create) {
      steps.push_back({"meta", name, action, write, [eraser, doc_name] { eraser->remove_document(doc_name); }});
    } else if (action == ItemAction::Overwrite) {
      steps.push_back({"meta", name, action, write,
                       [&storage, doc_name, stored_text] { storage.put_document(doc_name, stored_text); }});
    }
  }
  if (!c.audit.empty()) {
    // Another storage's audit chain is history, not ours to splice into the
    // local chain: it is kept verbatim beside it, named by its content hash.
    const std::string text = audit_copy_text(c.audit);
    const std::string file = "imported/" + sha256_hex(text).substr(0, 16) + ".jsonl";
    const fs::path path = options.audit_dir / file;
    std::optional<std::string> stored;
    std::string unreadable;
    try {
      stored = read_whole_file(path);
    } catch (const FileError& e) {
      unreadable = e.what();
    }
    const ItemAction action = decider.decide("audit", file, "audit copy " + path.string(),
                                             stored.has_value() || !unreadable.empty(), stored && *stored == text,
                                             unreadable);
    std::error_code ec;
    const bool dir_existed = fs::is_directory(path.parent_path(), ec);
    if (action == ItemAction::Create || action == ItemAction::Overwrite) {
      steps.push_back({"audit", file, action,
                       [path, text] {
                         create_dirs(path.parent_path());
                         write_file_atomic(path, text);
                       },
                       [path, stored, dir_existed] {
                         if (stored) {
                           write_file_atomic(path, *stored);
                           return;
                         }
                         if (::unlink(path.c_str()) != 0 && errno != ENOENT)
                           throw FileError("cannot remove " + path.string() + ": " + std::strerror(errno));
                         if (!dir_existed) ::rmdir(path.parent_path().c_str());  // only if empty
                       }});
    }
  }

  if (!decider.conflicts.empty()) {
    throw ImportConflictError(std::to_string(decider.conflicts.size()) +
                                  " item(s) of the archive already exist and differ (--on-conflict fail); nothing "
                                  "was imported. Use --on-conflict skip or overwrite, or --dry-run to see every decision",
                              decider.conflicts);
  }
  if (!decider.refusals.empty()) {
    throw ImportFailedError("the import cannot be done safely; nothing was imported", decider.refusals, true);
  }
  const bool needs_eraser = std::any_of(steps.begin(), steps.end(), [](const Step& s) {
    return s.action == ItemAction::Create && s.kind != "audit";
  });
  if (needs_eraser && !eraser) {
    throw ImportFailedError("storage '" + storage.location() +
                                "' is not a file-system storage in the fs layout; this dashflow can only roll a "
                                "failed import back there, so nothing was imported",
                            {}, true);
  }
  if (options.dry_run) return result;

  // ---- commit, journaled
  std::vector<const Step*> done;
  for (const Step& step : steps) {
    done.push_back(&step);  // before the write: a write that fails half-way is undone too
    try {
      step.write();
    } catch (const std::exception& e) {
      std::vector<std::string> details = {"cause: " + step.kind + " " + step.id + ": " + e.what()};
      size_t undone = 0;
      for (auto it = done.rbegin(); it != done.rend(); ++it) {
        try {
          (*it)->undo();
          ++undone;
        } catch (const std::exception& u) {
          details.push_back("could not undo " + std::string(to_string((*it)->action)) + " of " + (*it)->kind + " " +
                            (*it)->id + ": " + u.what());
        }
      }
      const size_t before = done.size() - 1;
      if (undone == done.size()) {
        throw ImportFailedError("import failed while writing " + step.kind + " " + step.id + "; the " +
                                    std::to_string(before) +
                                    " change(s) made before it were rolled back and the storage is as it was",
                                details, true);
      }
      throw ImportFailedError("import failed while writing " + step.kind + " " + step.id +
                                  " and rolling back failed too: the storage holds part of the import (see details)",
                              details, false);
    }
  }
  append_audit_record(options, result);
  return result;
}

}  // namespace dashflow::host
