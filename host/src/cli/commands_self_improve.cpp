// dashflow self-improve analyze | plans | approve | complete | fail | supersede | reports
#include <unistd.h>

#include <iostream>
#include <map>

#include "cli/command.hpp"
#include "audit/audit_log.hpp"
#include "audit/config_change.hpp"
#include "cli/output.hpp"
#include "dashflow/errors.hpp"
#include "dashflow/lifecycle.hpp"
#include "dashflow/scoring.hpp"
#include "dashflow/time.hpp"
#include "observability/event_bus.hpp"
#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"
#include "pipeline/analysis.hpp"
#include "pipeline/plugin_set.hpp"
#include "util/cancel.hpp"

using nlohmann::json;

namespace dashflow::host {
namespace {

void storage_option(po::options_description& d) {
  d.add_options()("storage", po::value<std::string>(), "Storage directory (default .dashflow/introspection)");
}

std::string id8(const std::string& id) { return id.substr(0, 8); }

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// ---------------------------------------------------------------- analyze

int analyze(CliContext& ctx, const po::variables_map& vm) {
  install_signal_handlers();  // SIGINT/SIGTERM stop ingestion; nothing half-done is stored
  AnalyzeRequest request;
  request.depth = parse_depth(vm["depth"].as<std::string>());
  request.reason = vm["reason"].as<std::string>();
  request.progress = ctx.format == OutputFormat::Table && isatty(STDERR_FILENO);
  request.ingest.cache = CacheSettings::from_config(ctx.config().raw, vm.count("no-cache") > 0);
  PipelineOverrides overrides{opt(vm, "storage"), opt(vm, "traces"), vm["pipeline"].as<std::string>()};
  PluginSetOptions what;
  what.reviewers = request.depth == AnalysisDepth::DeepAnalysis;
  PluginSet plugins = build_plugin_set(ctx, overrides, what);
  try {
    record_config_change(ctx.config(), plugins.storage, current_actor());
  } catch (const std::exception& e) {
    throw CommandError("audit", std::string("cannot record the config in the audit trail: ") + e.what());
  }
  AnalyzeOutcome out = run_analysis(plugins, request);
  const auto& r = out.report;
  try {
    AuditLog(default_audit_dir(plugins.storage->location()))
        .append("analysis.run", current_actor(),
                json{{"report_id", r.id}, {"depth", to_string(r.depth)}, {"reason", r.reason}, {"traces", out.traces},
                     {"plans", out.plans.size()}});
  } catch (const std::exception& e) {
    throw CommandError("audit", "report " + r.id + " was saved, but the audit record could not be written: " + e.what());
  }

  size_t created = 0, updated = 0;
  json plan_ids = json::array();
  for (const auto& p : out.plans) {
    (p.created ? created : updated)++;
    plan_ids.push_back(p.id);
  }
  std::vector<std::string> warnings = r.warnings;
  for (const auto& f : r.plugin_failures) warnings.push_back("plugin '" + f.plugin + "' failed in " + f.stage + ": " + f.message);

  if (ctx.format == OutputFormat::Json) {
    json skipped = json::array();
    for (const auto& s : r.skipped_inputs)
      skipped.push_back({{"source", s.source}, {"line", s.line}, {"reason", s.reason}});
    json failures = json::array();
    for (const auto& f : r.plugin_failures) failures.push_back({{"plugin", f.plugin}, {"stage", f.stage}, {"message", f.message}});
    json summary;
    to_json(summary, r.execution_summary);
    print_json({{"report_id", r.id},
                {"depth", to_string(r.depth)},
                {"traces_analyzed", out.traces},
                {"inputs_skipped", out.skipped_count},
                {"skipped", skipped},
                {"execution_summary", summary},
                {"capability_gaps", r.capability_gaps.size()},
                {"deprecations", r.deprecations.size()},
                {"patterns", r.patterns.size()},
                {"plans_generated", out.plans.size()},
                {"plans_created", created},
                {"plans_updated", updated},
                {"plan_ids", plan_ids},
                {"hypotheses_tracked", out.new_hypotheses.size()},
                {"hypotheses_evaluated", out.evaluated_hypotheses.size()},
                {"alerts", out.alerts},
                {"plan_reviews", [&] {
                   json reviews = json::array();
                   for (const auto& c : r.plan_reviews)
                     reviews.push_back({{"plan_id", c.plan_id}, {"validated", c.validated},
                                        {"consensus_score", c.consensus_score}, {"reviews", c.reviews.size()},
                                        {"failures", c.failures}, {"synthesis", c.synthesis}});
                   return reviews;
                 }()},
                {"plugin_failures", failures},
                {"warnings", warnings},
                {"saved_files", out.saved_files}});
    return 0;
  }
  std::cout << "Self-Improvement Analysis\n"
            << "  Depth:   " << to_string(r.depth) << "\n"
            << "  Reason:  " << r.reason << "\n"
            << "  Storage: " << plugins.storage->location() << "\n\n"
            << "Analysis complete.\n"
            << "  Traces analyzed:        " << out.traces << "\n"
            << "  Inputs skipped:         " << out.skipped_count << "\n"
            << "  Success rate:           " << fixed(r.execution_summary.success_rate * 100, 1) << "%\n"
            << "  Capability gaps found:  " << r.capability_gaps.size() << "\n"
            << "  Deprecations:           " << r.deprecations.size() << "\n"
            << "  Patterns:               " << r.patterns.size() << "\n"
            << "  Execution plans:        " << out.plans.size() << " (" << created << " new, " << updated << " updated)\n"
            << "  Hypotheses tracked:     " << out.new_hypotheses.size() << " new, "
            << out.evaluated_hypotheses.size() << " evaluated\n"
            << "  Alerts raised:          " << out.alerts.size() << "\n"
            << "  Report:                 " << out.report_location << "\n";
  if (!r.skipped_inputs.empty()) {
    std::cout << "\nSkipped inputs:\n";
    for (size_t i = 0; i < r.skipped_inputs.size() && i < 20; ++i) {
      const auto& s = r.skipped_inputs[i];
      std::cout << "  " << s.source << (s.line ? ":" + std::to_string(s.line) : "") << ": " << s.reason << "\n";
    }
    if (out.skipped_count > 20) std::cout << "  ... and " << out.skipped_count - 20 << " more (see the report)\n";
  }
  if (!r.plan_reviews.empty()) {
    size_t validated = 0;
    for (const auto& c : r.plan_reviews) validated += c.validated ? 1 : 0;
    std::cout << "\nReviews: " << validated << " of " << r.plan_reviews.size()
              << " plans validated by the reviewers' consensus\n";
    for (const auto& c : r.plan_reviews) std::cout << "  " << id8(c.plan_id) << "  " << c.synthesis << "\n";
  }
  if (!out.alerts.empty()) {
    // analyze shows alerts; delivering them to sinks (with dedup) is the daemon's job.
    std::cout << "\nAlerts (the daemon delivers these to the alert sinks):\n";
    for (const auto& a : out.alerts) std::cout << "  " << a.message << "\n";
  }
  if (!out.plans.empty()) {
    std::cout << "\nPlans:\n";
    for (const auto& p : out.plans)
      std::cout << "  [" << (p.created ? "new" : "updated") << "] " << id8(p.id) << "  " << ellipsize(p.stored.title, 70) << "\n";
    std::cout << "\nRun 'dashflow self-improve plans' to review them, then 'dashflow self-improve approve <id>'.\n";
  }
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  return 0;
}

// ---------------------------------------------------------------- plans

std::optional<PlanFolder> parse_status(const std::string& s) {
  if (s == "pending") return PlanFolder::Pending;
  if (s == "approved") return PlanFolder::Approved;
  if (s == "implemented") return PlanFolder::Implemented;
  if (s == "failed") return PlanFolder::Failed;
  if (s == "all") return std::nullopt;
  throw UsageError("unknown status '" + s + "' (use pending, approved, implemented, failed or all)", "self-improve plans");
}

int plans(CliContext& ctx, const po::variables_map& vm) {
  const std::string status = vm["status"].as<std::string>();
  auto folder = parse_status(status);
  auto storage = open_storage(ctx, opt(vm, "storage"));
  auto list = storage.call("list_plans", [&](StorageBackend& s) { return s.list_plans(folder); });
  if (ctx.format == OutputFormat::Json) {
    json arr = json::array();
    for (const auto& p : list) {
      json j;
      to_json(j, p);
      arr.push_back(j);
    }
    print_json(arr);
    return 0;
  }
  if (list.empty()) {
    std::cout << "No " << status << " plans in " << storage->location()
              << ". Run 'dashflow self-improve analyze' to generate plans.\n";
    return 0;
  }
  std::cout << "Improvement plans (" << status << "): " << list.size() << "\n\n";
  Table t({"ID", "STATUS", "PRI", "SCORE", "SEEN", "CATEGORY", "TITLE"});
  for (const auto& p : list) {
    char score[16];
    std::snprintf(score, sizeof score, "%.2f", p.validation_score);
    t.add({id8(p.id), status_name(p.status), std::to_string(p.priority), score, std::to_string(p.occurrences),
           to_string(p.category), ellipsize(p.title, 60)});
  }
  std::cout << t.render() << "\nIds may be given whole or as a unique prefix, e.g. 'dashflow self-improve approve "
            << id8(list.front().id) << "'.\n";
  return 0;
}

// ---------------------------------------------------------------- transitions

int transition(CliContext& ctx, const po::variables_map& vm, const PlanStatus& to, const std::string& verb) {
  auto storage = open_storage(ctx, opt(vm, "storage"));
  const std::string id = vm["plan-id"].as<std::string>();
  ExecutionPlan plan;
  std::string from;
  try {
    from = status_name(storage->load_plan(id).status);
    plan = storage->transition_plan(id, to);
  } catch (const TransitionError& e) {
    throw CommandError("transition", e.what());
  } catch (const NotFoundError& e) {
    throw CommandError("not-found", e.what());
  } catch (const ConflictError& e) {
    throw CommandError("ambiguous", e.what());
  } catch (const dashflow::Error& e) {
    throw CommandError("invalid", e.what());
  }
  if (const char* counter = plan_transition_counter(verb)) MetricsRegistry::global().counter_add(counter, {});
  // The audit trail: every plan transition, hash-chained. The transition is done;
  // a failing audit write is reported, not hidden.
  try {
    AuditLog(default_audit_dir(storage->location()))
        .append("plan.transition", current_actor(),
                json{{"plan_id", plan.id}, {"title", plan.title}, {"from", from}, {"to", status_name(plan.status)}, {"verb", verb}});
  } catch (const std::exception& e) {
    throw CommandError("audit", "plan " + plan.id + " was " + verb + ", but the audit record could not be written: " + e.what());
  }
  EventBus::global().publish("plan." + verb, json{{"plan_id", plan.id}, {"status", status_name(plan.status)}}.dump());
  if (ctx.format == OutputFormat::Json) {
    json j;
    to_json(j, plan);
    print_json({{"plan", j}, {"status", status_name(plan.status)}, {"folder", folder_name(folder_of(plan.status))}});
  } else {
    std::cout << "Plan " << plan.id << " " << verb << ": " << plan.title << "\n  status: " << status_name(plan.status)
              << " (plans/" << folder_name(folder_of(plan.status)) << "/)\n";
  }
  return 0;
}

void plan_id_option(po::options_description& d, po::positional_options_description& p) {
  d.add_options()("plan-id", po::value<std::string>()->required(), "Plan id (whole or a unique prefix)");
  p.add("plan-id", 1);
  storage_option(d);
}

// ---------------------------------------------------------------- reports

int reports(CliContext& ctx, const po::variables_map& vm) {
  auto storage = open_storage(ctx, opt(vm, "storage"));
  auto list = storage.call("list_reports", [](StorageBackend& s) { return s.list_reports(); });
  const size_t limit = vm["limit"].as<size_t>();
  if (list.size() > limit) list.resize(limit);
  if (ctx.format == OutputFormat::Json) {
    json arr = json::array();
    for (const auto& r : list) arr.push_back({{"id", r.id}, {"timestamp", r.timestamp}, {"location", r.location}});
    print_json(arr);
    return 0;
  }
  if (list.empty()) {
    std::cout << "No reports in " << storage->location() << ". Run 'dashflow self-improve analyze'.\n";
    return 0;
  }
  Table t({"ID", "TIMESTAMP", "FILE"});
  for (const auto& r : list) t.add({id8(r.id), r.timestamp, r.location});
  std::cout << t.render();
  return 0;
}

int report_show(CliContext& ctx, const po::variables_map& vm) {
  auto storage = open_storage(ctx, opt(vm, "storage"));
  IntrospectionReport r;
  try {
    r = storage->load_report(vm["report-id"].as<std::string>());
  } catch (const NotFoundError& e) {
    throw CommandError("not-found", e.what());
  } catch (const ConflictError& e) {
    throw CommandError("ambiguous", e.what());
  } catch (const dashflow::Error& e) {
    throw CommandError("invalid", e.what());
  }
  if (ctx.format == OutputFormat::Json) {
    json j;
    to_json(j, r);
    print_json(j);
    return 0;
  }
  const auto& s = r.execution_summary;
  std::cout << "Report " << r.id << " (" << r.timestamp << ", " << to_string(r.depth) << ")\n"
            << "  traces " << s.total_executions << ", success " << fixed(s.success_rate * 100, 1) << "%, avg "
            << fixed(s.avg_duration_ms, 1) << " ms, retry rate " << fixed(s.retry_rate, 3) << "\n";
  if (r.previous_report_id) std::cout << "  previous report " << *r.previous_report_id << "\n";
  std::cout << "\nCapability gaps (" << r.capability_gaps.size() << "):\n";
  for (const auto& g : r.capability_gaps)
    std::cout << "  - [" << to_string(priority_of(g)) << "] " << g.description << " (confidence " << fixed(g.confidence, 2) << ")\n";
  std::cout << "Deprecations (" << r.deprecations.size() << "):\n";
  for (const auto& d : r.deprecations) std::cout << "  - " << d.rationale << "\n";
  std::cout << "Patterns (" << r.patterns.size() << "):\n";
  for (const auto& p : r.patterns) std::cout << "  - " << p.description << "\n";
  std::cout << "Plans (" << r.execution_plans.size() << "):\n";
  for (const auto& p : r.execution_plans) std::cout << "  - " << id8(p.id) << " " << p.title << "\n";
  if (!r.skipped_inputs.empty()) std::cout << "Skipped inputs: " << r.skipped_inputs.size() << "\n";
  return 0;
}

}  // namespace

void register_self_improve_commands(std::vector<Command>& commands) {
  commands.push_back({{"self-improve", "analyze"}, "Analyze traces into a report, plans and hypotheses", "[options]",
                      "Depths: metrics (summary only), local (analyzers, planners, hypotheses, meta-analysis),\n"
                      "deep (local + review of each plan by the configured reviewer plugins).",
                      [](po::options_description& d, po::positional_options_description&) {
                        d.add_options()("depth", po::value<std::string>()->default_value("local"), "metrics|local|deep")(
                            "reason", po::value<std::string>()->default_value("manual"), "Why this analysis runs (recorded in the report)")(
                            "traces", po::value<std::string>(), "Traces directory (default .dashflow/traces)")(
                            "pipeline", po::value<std::string>()->default_value(""), "Pipeline name from the config (default: its default pipeline)")(
                            "no-cache", "Read every trace file again instead of using the analysis cache (config \"cache\")");
                        storage_option(d);
                      },
                      analyze, true});
  commands.push_back({{"self-improve", "plans"}, "List improvement plans", "[options]", "",
                      [](po::options_description& d, po::positional_options_description&) {
                        d.add_options()("status", po::value<std::string>()->default_value("pending"),
                                        "pending|approved|implemented|failed|all");
                        storage_option(d);
                      },
                      plans, true});
  commands.push_back({{"self-improve", "approve"}, "Approve a pending plan (moves it to approved/, status InProgress)",
                      "<plan-id> [options]", "",
                      [](po::options_description& d, po::positional_options_description& p) {
                        plan_id_option(d, p);
                        d.add_options()("assignee", po::value<std::string>()->default_value("ai-worker"), "Who implements it");
                      },
                      [](CliContext& ctx, const po::variables_map& vm) {
                        return transition(ctx, vm, PlanStatus{PlanStatus::InProgress{now_rfc3339(), vm["assignee"].as<std::string>()}}, "approved");
                      },
                      true});
  commands.push_back({{"self-improve", "complete"}, "Mark an approved plan implemented", "<plan-id> [options]", "",
                      [](po::options_description& d, po::positional_options_description& p) {
                        plan_id_option(d, p);
                        d.add_options()("commit", po::value<std::string>()->default_value(""), "Commit that implemented it");
                      },
                      [](CliContext& ctx, const po::variables_map& vm) {
                        return transition(ctx, vm, PlanStatus{PlanStatus::Implemented{now_rfc3339(), vm["commit"].as<std::string>()}}, "completed");
                      },
                      true});
  commands.push_back({{"self-improve", "fail"}, "Mark an open plan failed", "<plan-id> --reason R [options]", "",
                      [](po::options_description& d, po::positional_options_description& p) {
                        plan_id_option(d, p);
                        d.add_options()("reason", po::value<std::string>()->required(), "Why it failed");
                      },
                      [](CliContext& ctx, const po::variables_map& vm) {
                        return transition(ctx, vm, PlanStatus{PlanStatus::Failed{vm["reason"].as<std::string>()}}, "failed");
                      },
                      true});
  commands.push_back({{"self-improve", "supersede"}, "Mark an open plan superseded by another", "<plan-id> --by <id> [options]", "",
                      [](po::options_description& d, po::positional_options_description& p) {
                        plan_id_option(d, p);
                        d.add_options()("by", po::value<std::string>()->required(), "The plan that replaces it");
                      },
                      [](CliContext& ctx, const po::variables_map& vm) {
                        auto storage = open_storage(ctx, opt(vm, "storage"));
                        ExecutionPlan by;
                        try {
                          by = storage->load_plan(vm["by"].as<std::string>());
                        } catch (const std::exception& e) {
                          throw CommandError("not-found", std::string("--by: ") + e.what());
                        }
                        return transition(ctx, vm, PlanStatus{PlanStatus::Superseded{by.id}}, "superseded");
                      },
                      true});
  commands.push_back({{"self-improve", "reports"}, "List stored reports, newest first", "[options]", "",
                      [](po::options_description& d, po::positional_options_description&) {
                        storage_option(d);
                        d.add_options()("limit", po::value<size_t>()->default_value(20), "Show at most this many");
                      },
                      reports, true});
  commands.push_back({{"self-improve", "reports", "show"}, "Show one report", "<report-id> [options]", "",
                      [](po::options_description& d, po::positional_options_description& p) {
                        d.add_options()("report-id", po::value<std::string>()->required(), "Report id (whole or unique prefix)");
                        p.add("report-id", 1);
                        storage_option(d);
                      },
                      report_show, true});
}

}  // namespace dashflow::host
