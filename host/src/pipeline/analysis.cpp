#include "pipeline/analysis.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "alerts/dispatcher.hpp"
#include "dashflow/consensus.hpp"
#include "dashflow/ids.hpp"
#include "dashflow/time.hpp"
#include "observability/event_bus.hpp"
#include "observability/metrics.hpp"
#include "util/cancel.hpp"

namespace dashflow::host {
namespace {

std::string gap_dedup_key(const CapabilityGap& g) {
  return category_name(g.category) + "|" + (g.key.empty() ? g.description : g.key);
}

// Findings from several analyzers: one per (category, key), highest confidence wins.
std::vector<CapabilityGap> merge_gaps(std::vector<CapabilityGap> gaps) {
  std::map<std::string, CapabilityGap> by_key;
  for (auto& g : gaps) {
    auto key = gap_dedup_key(g);
    auto it = by_key.find(key);
    if (it == by_key.end() || g.confidence > it->second.confidence) by_key[key] = std::move(g);
  }
  std::vector<CapabilityGap> out;
  for (auto& [_, g] : by_key) out.push_back(std::move(g));
  std::stable_sort(out.begin(), out.end(), [](const CapabilityGap& a, const CapabilityGap& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    return gap_dedup_key(a) < gap_dedup_key(b);
  });
  return out;
}

ReportExecutionSummary summarize(const std::vector<TraceFacts>& facts, int64_t after_ms) {
  uint64_t n = 0, ok = 0, duration = 0, tokens = 0, retries = 0;
  for (const auto& f : facts) {
    if (f.started_at_ms <= after_ms) continue;
    ++n;
    ok += f.successful ? 1 : 0;
    duration += f.duration_ms;
    tokens += f.tokens;
    retries += f.retries;
  }
  ReportExecutionSummary s;
  s.total_executions = n;
  s.successful_executions = ok;
  s.failed_executions = n - ok;
  s.total_tokens = tokens;
  if (n) {
    s.success_rate = double(ok) / double(n);
    s.avg_duration_ms = double(duration) / double(n);
    s.avg_tokens = double(tokens) / double(n);
    s.retry_rate = double(retries) / double(n);
  }
  return s;
}

void publish(const std::string& topic, const nlohmann::json& payload) {
  EventBus::global().publish(topic, payload.dump());
}

}  // namespace

const char* depth_label(AnalysisDepth depth) {
  switch (depth) {
    case AnalysisDepth::Metrics: return "metrics";
    case AnalysisDepth::LocalAnalysis: return "local";
    case AnalysisDepth::DeepAnalysis: return "deep";
  }
  return "local";
}

AnalysisDepth parse_depth(const std::string& text) {
  if (text == "metrics") return AnalysisDepth::Metrics;
  if (text == "local") return AnalysisDepth::LocalAnalysis;
  if (text == "deep" || text == "full") return AnalysisDepth::DeepAnalysis;
  throw UsageError("unknown depth '" + text + "' (use metrics, local or deep)", "self-improve analyze");
}

namespace {

// Depth deep: every plan is reviewed by every available reviewer (reviewers
// of one plan run concurrently), consensus per plan (fail closed: without
// enough successful reviews a plan stays Proposed), panel agreement (Fleiss'
// kappa) over the run. Without usable reviewers the run stays local and the
// report says exactly what to configure.
void review_plans(PluginSet& plugins, IntrospectionReport& report, std::vector<ExecutionPlan>& plans) {
  const std::string pipeline = plugins.pipeline ? plugins.pipeline->name : "default";
  const std::string how =
      "add \"reviewers\": [{\"plugin\": \"openai-compatible\", \"config\": {\"base_url\": ..., \"model\": ..., "
      "\"api_key_env\": \"OPENAI_API_KEY\"}}] (or \"anthropic\", \"heuristic\") to pipeline '" + pipeline +
      "' in the config file";
  std::vector<const PluginInstance<Reviewer>*> usable;
  std::vector<std::string> unusable;
  for (const auto& r : plugins.reviewers) {
    try {
      std::string why;
      const bool ok = r.call("available", [&](Reviewer& rv) { return rv.available(why); });
      if (ok) usable.push_back(&r);
      else unusable.push_back(r.id() + ": " + why);
    } catch (const PluginCallError& e) {
      unusable.push_back(r.id() + ": " + e.detail);
    }
  }
  if (usable.empty()) {
    std::string why;
    for (const auto& u : unusable) why += (why.empty() ? "" : "; ") + u;
    report.warnings.push_back(plugins.reviewers.empty()
                                  ? "depth deep needs reviewer plugins: " + how + "; this run did a local analysis"
                                  : "no reviewer is usable (" + why + "); fix that or " + how +
                                        "; this run did a local analysis");
    return;
  }
  ConsensusConfig config;
  if (plugins.pipeline) {
    config.min_reviews = static_cast<size_t>(std::max(1, plugins.pipeline->min_reviews));
    config.threshold = plugins.pipeline->consensus_threshold;
  }
  std::vector<ConsensusResult> results;
  for (auto& plan : plans) {
    ReviewRequest request;
    request.plan = plan;
    request.evidence = plan.citations;
    request.summary = report.execution_summary;
    request.system_context = "dashflow self-improvement: review one improvement plan for an agent workflow";
    std::vector<ReviewJob> jobs;
    for (const auto* r : usable) {
      const std::string label = r->id();
      jobs.push_back({label, [r, &request]() { return r->call("review", [&](Reviewer& rv) { return rv.review(request); }); }});
    }
    std::vector<ModelReview> reviews;
    std::vector<std::string> failures = unusable;
    for (auto& result : run_review_jobs(jobs, jobs.size())) {
      if (result.review) reviews.push_back(std::move(*result.review));
      else failures.push_back(result.error);
    }
    results.push_back(build_consensus(plan.id, std::move(reviews), std::move(failures), config));
  }
  set_panel_kappa(results);
  for (size_t i = 0; i < plans.size(); ++i) {
    const ConsensusResult& c = results[i];
    plans[i].review = c;
    plans[i].validation_score = c.consensus_score;
    if (c.validated) plans[i].status.value = PlanStatus::Validated{};
    else plans[i].status.value = PlanStatus::Proposed{};
  }
  report.plan_reviews = std::move(results);
}

}  // namespace

AnalyzeOutcome run_analysis(PluginSet& plugins, const AnalyzeRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  // Where a slow run spends its time, with --log-level debug.
  auto phase_done = [&](const char* what) {
    spdlog::debug("analysis: {} at {:.3f} s", what,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  };
  AnalyzeOutcome out;
  IntrospectionReport& report = out.report;
  report.id = new_uuid_v4();
  report.timestamp = now_rfc3339();
  report.depth = request.depth;
  report.reason = request.reason;
  report.plugin_failures = plugins.failures;
  publish("analysis.started", {{"report_id", report.id}, {"depth", to_string(request.depth)}, {"reason", request.reason}});

  // 1. Traces through the analyzers (none at depth metrics).
  static const std::vector<PluginInstance<Analyzer>> kNoAnalyzers;
  const auto& analyzers = request.depth == AnalysisDepth::Metrics ? kNoAnalyzers : plugins.analyzers;
  IngestOptions ingest = request.ingest;
  ingest.progress = request.progress;
  IngestResult in = ingest_traces(plugins.sources, analyzers, ingest);
  if (cancel_flag().load())
    throw CommandError("interrupted", "analysis interrupted by a signal after " + std::to_string(in.traces) +
                                          " traces; nothing was stored");
  out.traces = in.traces;
  out.skipped_count = in.skipped_count;
  out.units_read = std::move(in.units_read);
  if (request.skip_when_no_traces && in.traces == 0 && in.skipped_count == 0) return out;
  report.skipped_inputs = in.skipped;
  if (in.skipped_count > in.skipped.size())
    report.warnings.push_back(std::to_string(in.skipped_count) + " inputs were skipped; the first " +
                              std::to_string(in.skipped.size()) + " are listed");
  report.plugin_failures.insert(report.plugin_failures.end(), in.failures.begin(), in.failures.end());

  report.execution_summary = in.summary.summary();
  report.scope.kind = IntrospectionScope::Kind::GraphAggregate;
  report.scope.graph_id = plugins.pipeline ? plugins.pipeline->name : "default";
  report.scope.execution_count = in.traces;

  // 2. Chain to the previous report.
  try {
    auto previous = plugins.storage.call("list_reports", [](StorageBackend& s) { return s.list_reports(); });
    if (!previous.empty()) {
      report.previous_report_id = previous.front().id;
      IntrospectionReport prev = plugins.storage.call(
          "load_report", [&](StorageBackend& s) { return s.load_report(previous.front().id); });
      report.execution_summary.vs_previous = compare(report.execution_summary, prev.execution_summary);
    }
  } catch (const std::exception& e) {
    report.warnings.push_back(std::string("could not read the previous report: ") + e.what());
  }

  AnalysisContext context;
  context.depth = request.depth;
  context.known_nodes = plugins.known_nodes;
  context.known_tools = plugins.known_tools;
  context.traces_total = in.traces;
  context.inputs_skipped = in.skipped_count;
  context.now_unix_ms = parse_rfc3339_ms(report.timestamp).value_or(0);

  if (request.depth != AnalysisDepth::Metrics) {
    // 3. Findings.
    std::vector<CapabilityGap> gaps;
    for (size_t i = 0; i < analyzers.size(); ++i) {
      if (!in.states[i]) continue;
      try {
        AnalysisOutput o = analyzers[i].call("finish", [&](Analyzer& a) { return a.finish(*in.states[i], context); });
        for (auto& g : o.capability_gaps) {
          if (g.source.empty()) g.source = analyzers[i].id();
          gaps.push_back(std::move(g));
        }
        for (auto& d : o.deprecations) {
          if (d.source.empty()) d.source = analyzers[i].id();
          report.deprecations.push_back(std::move(d));
        }
        for (auto& p : o.patterns) {
          if (p.source.empty()) p.source = analyzers[i].id();
          report.patterns.push_back(std::move(p));
        }
        if (o.retrospective) report.retrospective = std::move(*o.retrospective);
        for (auto& w : o.warnings)
          report.warnings.push_back(w.rfind(analyzers[i].id() + ":", 0) == 0 ? w : analyzers[i].id() + ": " + w);
      } catch (const PluginCallError& e) {
        report.plugin_failures.push_back({e.plugin, e.stage, e.detail});
      }
      // Alerts exist since ABI 1.1; an older plugin has no such method to call.
      if (analyzers[i].manifest().abi.minor < 1) continue;
      try {
        auto alerts = analyzers[i].call("alerts", [&](Analyzer& a) { return a.alerts(*in.states[i], context); });
        for (auto& alert : alerts) {
          if (alert.labels.count("alertname") == 0) alert.labels["alertname"] = alert.kind;
          alert.annotations.emplace("source", analyzers[i].id());
          alert.fingerprint = alert_fingerprint(alert);
          out.alerts.push_back(std::move(alert));
        }
      } catch (const PluginCallError& e) {
        report.plugin_failures.push_back({e.plugin, e.stage, e.detail});
      }
    }
    phase_done("findings made");
    report.capability_gaps = merge_gaps(std::move(gaps));
    for (const auto& g : report.capability_gaps)
      report.citations.insert(report.citations.end(), g.evidence.begin(), g.evidence.end());
    for (const auto& d : report.deprecations)
      report.citations.insert(report.citations.end(), d.evidence.begin(), d.evidence.end());

    // 4. Plans and hypotheses.
    PlannerInput planner_input;
    planner_input.report_id = report.id;
    planner_input.gaps = report.capability_gaps;
    planner_input.deprecations = report.deprecations;
    planner_input.retrospective = report.retrospective;
    planner_input.patterns = report.patterns;
    planner_input.summary = report.execution_summary;
    planner_input.context = context;
    std::vector<ExecutionPlan> plans;
    std::vector<Hypothesis> hypotheses;
    for (const auto& planner : plugins.planners) {
      try {
        PlannerOutput po = planner.call("generate", [&](Planner& p) { return p.generate(planner_input); });
        plans.insert(plans.end(), po.plans.begin(), po.plans.end());
        hypotheses.insert(hypotheses.end(), po.hypotheses.begin(), po.hypotheses.end());
      } catch (const PluginCallError& e) {
        report.plugin_failures.push_back({e.plugin, e.stage, e.detail});
      }
    }
    phase_done("plans generated");
    if (request.depth == AnalysisDepth::DeepAnalysis) review_plans(plugins, report, plans);

    // 5. Store plans: an open plan with the same fingerprint is updated, not duplicated.
    for (auto& plan : plans) {
      if (!plan.source_report_id) plan.source_report_id = report.id;
      try {
        if (plugins.redaction) plugins.redaction->apply_to(plan, "plan");
        UpsertResult r = plugins.storage.call("upsert_plan", [&](StorageBackend& s) { return s.upsert_plan(plan); });
        for (auto& c : report.plan_reviews)
          if (c.plan_id == plan.id) c.plan_id = r.id;  // the open plan this finding updated
        publish(r.created ? "plan.created" : "plan.updated",
                {{"plan_id", r.id}, {"title", r.stored.title}, {"fingerprint", r.stored.fingerprint}});
        report.execution_plans.push_back(r.stored);
        out.plans.push_back(std::move(r));
      } catch (const PluginCallError& e) {
        report.warnings.push_back("could not save plan '" + plan.title + "': " + e.detail);
      } catch (const std::exception& e) {
        report.warnings.push_back("could not save plan '" + plan.title + "': " + e.what());
      }
    }

    phase_done("plans stored");
    // 6. Hypotheses: evaluate the active ones on traces newer than them, then add new ones.
    std::vector<Hypothesis> active;
    try {
      active = plugins.storage.call("list_hypotheses", [](StorageBackend& s) { return s.list_hypotheses(true); });
    } catch (const PluginCallError& e) {
      report.warnings.push_back("could not list hypotheses: " + e.detail);
    }
    std::set<std::string> active_fingerprints;
    for (auto& h : active) {
      const int64_t created = parse_rfc3339_ms(h.created_at).value_or(0);
      ReportExecutionSummary since = summarize(in.facts, created);
      std::optional<HypothesisOutcome> outcome;
      for (const auto& planner : plugins.planners) {
        try {
          outcome = planner.call("evaluate", [&](Planner& p) { return p.evaluate(h, since, since.total_executions); });
        } catch (const PluginCallError& e) {
          report.plugin_failures.push_back({e.plugin, e.stage, e.detail});
        }
        if (outcome) break;
      }
      if (!outcome) {
        if (!h.fingerprint.empty()) active_fingerprints.insert(h.fingerprint);
        continue;
      }
      h.outcome = std::move(outcome);
      h.status.kind = HypothesisStatus::Kind::Evaluated;
      try {
        if (plugins.redaction) plugins.redaction->apply_to(h, "hypothesis");
        plugins.storage.call("save_hypothesis", [&](StorageBackend& s) { s.save_hypothesis(h); });
        publish("hypothesis.evaluated", {{"hypothesis_id", h.id}, {"correct", h.outcome->correct}});
        out.evaluated_hypotheses.push_back(h);
      } catch (const PluginCallError& e) {
        report.warnings.push_back("could not save hypothesis " + h.id + ": " + e.detail);
      } catch (const std::exception& e) {
        report.warnings.push_back("could not save hypothesis " + h.id + ": " + e.what());
      }
    }
    for (auto& h : hypotheses) {
      if (!h.fingerprint.empty() && !active_fingerprints.insert(h.fingerprint).second) continue;  // already tracked
      try {
        if (plugins.redaction) plugins.redaction->apply_to(h, "hypothesis");
        plugins.storage.call("save_hypothesis", [&](StorageBackend& s) { s.save_hypothesis(h); });
        report.hypotheses.push_back(h);
        out.new_hypotheses.push_back(h);
      } catch (const PluginCallError& e) {
        report.warnings.push_back("could not save hypothesis " + h.id + ": " + e.detail);
      } catch (const std::exception& e) {
        report.warnings.push_back("could not save hypothesis " + h.id + ": " + e.what());
      }
    }
  }

  if (request.depth != AnalysisDepth::Metrics) phase_done("hypotheses stored");
  // 7. Save the report, then meta-analysis over the stored history (it includes this report).
  try {
    if (plugins.redaction) plugins.redaction->apply_to(report, "report");
    out.report_location = plugins.storage.call("save_report", [&](StorageBackend& s) { return s.save_report(report); });
    MetricsRegistry::global().observe("dashflow_self_improve_analysis_duration_seconds",
                                      {{"analysis_type", depth_label(request.depth)}},
                                      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    out.saved_files.push_back(out.report_location);
  } catch (const PluginCallError& e) {
    throw CommandError("storage", "could not save the report: " + e.detail);
  }
  if (request.depth != AnalysisDepth::Metrics && !plugins.planners.empty()) {
    try {
      MetaInput meta;
      auto infos = plugins.storage.call("list_reports", [](StorageBackend& s) { return s.list_reports(); });
      for (size_t i = 0; i < infos.size() && i < 10; ++i)
        meta.reports.push_back(plugins.storage.call("load_report", [&](StorageBackend& s) { return s.load_report(infos[i].id); }));
      meta.plans = plugins.storage.call("list_plans", [](StorageBackend& s) { return s.list_plans(std::nullopt); });
      meta.hypotheses = plugins.storage.call("list_hypotheses", [](StorageBackend& s) { return s.list_hypotheses(false); });
      for (const auto& planner : plugins.planners) {
        auto result = planner.call("meta_analyze", [&](Planner& p) { return p.meta_analyze(meta); });
        if (!result) continue;
        plugins.storage.call("put_document", [&](StorageBackend& s) {
          s.put_document("meta/patterns.json", to_json_text(*result));
          s.put_document("meta/momentum.json", to_json_text(result->improvement_momentum));
        });
        break;
      }
    } catch (const std::exception& e) {
      spdlog::warn("meta-analysis failed: {}", e.what());
    }
  }

  phase_done("report and meta-analysis stored");
  auto& m = MetricsRegistry::global();
  m.counter_add("dashflow_analysis_runs_total", {{"depth", to_string(request.depth)}});
  size_t created = 0;
  for (const auto& p : out.plans) created += p.created ? 1 : 0;
  m.counter_add("dashflow_self_improve_plans_generated_total", {}, static_cast<double>(created));
  publish("analysis.completed", {{"report_id", report.id},
                                 {"traces", out.traces},
                                 {"gaps", report.capability_gaps.size()},
                                 {"plans", out.plans.size()}});
  return out;
}

}  // namespace dashflow::host
