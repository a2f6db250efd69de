// Helpers for the fs storage tests: a host that records warnings and has a
// settable clock, and sample entities.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dashflow/sdk.hpp"
#include "fs_storage.hpp"
#include "temp_dir.hpp"

namespace fstest {

namespace fs = std::filesystem;
using namespace dashflow;

// 2025-12-15T10:30:00Z
inline constexpr int64_t kNow = 1765794600000;

using dashflow::test::TempDir;

struct TestHost {
  std::vector<std::string> warnings;
  int64_t now_ms = kNow;
  dashflow_host_api api{};

  TestHost() {
    api.struct_size = sizeof api;
    api.abi_major = DASHFLOW_ABI_MAJOR;
    api.abi_minor = DASHFLOW_ABI_MINOR;
    api.ctx = this;
    api.log = [](void* ctx, int level, const char* message, size_t length) {
      if (level >= DASHFLOW_LOG_WARN) static_cast<TestHost*>(ctx)->warnings.emplace_back(message, length);
    };
    api.now_unix_ms = [](void* ctx) { return static_cast<TestHost*>(ctx)->now_ms; };
  }
  bool warned_about(const std::string& text) const {
    for (const std::string& w : warnings)
      if (w.find(text) != std::string::npos) return true;
    return false;
  }
};

inline std::unique_ptr<fsstore::FsStorage> make_storage(const fs::path& root, TestHost& host,
                                                        json extra = json::object()) {
  extra["path"] = root.string();
  return std::make_unique<fsstore::FsStorage>(PluginContext(&host.api, extra.dump()));
}

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p);
  out << text;
}

inline std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

inline Citation trace_citation(const std::string& id) {
  Citation c;
  c.id = id;
  c.source_type.value = CitationSource::ExecutionTrace{"thread-1", "2025-12-15T10:00:00Z"};
  c.description = "ExecutionTrace thread_id=thread-1";
  c.retrieval = {CitationRetrieval::Kind::TraceStorage, "thread_id = 'thread-1'"};
  return c;
}

inline ExecutionPlan sample_plan(const std::string& id, const std::string& fingerprint = "",
                                 PlanStatus status = {PlanStatus::Proposed{}}) {
  ExecutionPlan p;
  p.id = id;
  p.title = "Add tool geocode";
  p.description = "Implement the missing geocode tool";
  p.category = PlanCategory::ApplicationImprovement;
  p.priority = 2;
  p.estimated_commits = 2;
  p.steps = {{1, "Create tool geocode", {"src/tools/geocode.rs"}, "cargo check"}};
  p.success_criteria = {"No 'geocode not found' errors"};
  p.rollback_plan = "Revert the commit";
  p.citations = {trace_citation("trace-1")};
  p.validation_score = 0.8;
  p.status = std::move(status);
  p.fingerprint = fingerprint;
  p.created_at = "2025-12-15T10:00:00Z";
  return p;
}

inline Hypothesis sample_hypothesis(const std::string& id, HypothesisStatus::Kind kind = HypothesisStatus::Kind::Active,
                                    const std::string& created_at = "2025-12-15T10:31:07Z") {
  Hypothesis h;
  h.id = id;
  h.statement = "Addressing 'Missing tool: geocode' will improve system performance";
  h.reasoning = "Errors (4 occurrences)";
  h.expected_evidence = {{"error_rate", "reduced by 64%", "Compare error rate before/after"}};
  h.evaluation_trigger.kind = EvaluationTrigger::Kind::AfterExecutions;
  h.evaluation_trigger.executions = 50;
  h.status.kind = kind;
  h.source = HypothesisSource::CapabilityGap;
  h.created_at = created_at;
  return h;
}

inline IntrospectionReport sample_report(const std::string& id, const std::string& timestamp) {
  IntrospectionReport r;
  r.id = id;
  r.timestamp = timestamp;
  r.scope.kind = IntrospectionScope::Kind::GraphAggregate;
  r.scope.graph_id = "default";
  r.scope.execution_count = 4;
  r.execution_summary.total_executions = 4;
  r.execution_summary.successful_executions = 3;
  r.execution_summary.failed_executions = 1;
  r.execution_summary.success_rate = 0.75;
  r.execution_summary.avg_duration_ms = 2310;
  CapabilityGap gap;
  gap.description = "Missing tool: geocode";
  gap.manifestation.value = GapManifestation::Errors{4, {"Tool 'geocode' not found or undefined"}};
  gap.proposed_solution = "Implement tool 'geocode'";
  gap.expected_impact = {0.8, 400, 0.8, "Enable functionality currently failing due to missing 'geocode'"};
  gap.confidence = 0.8;
  gap.category.value = GapCategory::MissingTool{"Tool 'geocode' referenced but not available (4 errors)"};
  r.capability_gaps.push_back(gap);
  r.citations.push_back(trace_citation("trace-1"));
  return r;
}

inline PlanStatus in_progress(const std::string& assignee = "ai-worker") {
  return {PlanStatus::InProgress{"2025-12-15T11:00:00Z", assignee}};
}

}  // namespace fstest
