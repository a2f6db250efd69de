// The built-in "fs" storage backend: DashFlow's introspection layout on a
// local file system, with atomic writes, an advisory lock for every
// read-modify-write, checked plan transitions and crash repair.
//
// Layout under config.path:
//   reports/<YYYY-MM-DDTHH-MM-SS>_<uuid>.json + .md   (DashFlow's <stamp>_<id8>.json is read too)
//   plans/{pending,approved,implemented,failed}/<uuid>.json
//   hypotheses/{active,evaluated}/<uuid>.json
//   meta/, state/   named documents
//   .lock           advisory lock (flock)
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dashflow/plugin.hpp"
#include "dir_lock.hpp"
#include "fs_config.hpp"
#include "report_file.hpp"

namespace dashflow::fsstore {

namespace fs = std::filesystem;


class FsStorage final : public StorageBackend {
 public:
  explicit FsStorage(const PluginContext& context);
  FsStorage(FsConfig config, HostServices host);

  std::string location() const override;
  void initialize() override;

  std::string save_report(const IntrospectionReport& report) override;
  IntrospectionReport load_report(std::string_view id_or_prefix) override;
  std::vector<ReportInfo> list_reports() override;

  void save_plan(const ExecutionPlan& plan) override;
  UpsertResult upsert_plan(const ExecutionPlan& plan) override;
  ExecutionPlan load_plan(std::string_view id_or_prefix) override;
  std::vector<ExecutionPlan> list_plans(std::optional<PlanFolder> folder) override;
  ExecutionPlan transition_plan(std::string_view id_or_prefix, const PlanStatus& to) override;

  void save_hypothesis(const Hypothesis& hypothesis) override;
  Hypothesis load_hypothesis(std::string_view id_or_prefix) override;
  std::vector<Hypothesis> list_hypotheses(bool active_only) override;

  void put_document(std::string_view name, std::string_view json_text) override;
  std::optional<std::string> get_document(std::string_view name) override;

  StorageStatistics stats() override;
  StorageHealth health() override;
  CleanupResult cleanup(const RetentionPolicy& policy) override;

 private:
  // ---- layout and locking (fs_storage.cpp)
  fs::path reports_dir() const { return root_ / "reports"; }
  fs::path plans_dir() const { return root_ / "plans"; }
  fs::path plan_dir(PlanFolder folder) const;
  std::vector<fs::path> plan_dirs() const;  // pending, approved, implemented, failed
  fs::path hypothesis_dir(const char* folder) const { return root_ / "hypotheses" / folder; }
  std::vector<fs::path> hypothesis_dirs() const;  // active, evaluated
  void ensure_layout();
  // Exclusive lock for a write; creates the layout first.
  std::unique_ptr<DirLock> write_lock();
  // Shared lock for a read, or null when the storage does not exist yet.
  std::unique_ptr<DirLock> read_lock();
  // Shared lock, upgraded to exclusive when a plan or hypothesis sits in two
  // folders (a crash mid-move) so that the copy can be repaired first.
  std::unique_ptr<DirLock> read_lock_repaired();
  std::string now() const;
  void warn_skipped(const fs::path& file, const std::string& why) const;
  fs::path document_path(std::string_view name) const;

  // ---- reports (fs_reports.cpp)
  std::vector<ReportFile> scan_reports() const;
  std::vector<ReportFile> reports_newest_first(std::vector<ReportFile> files) const;

  // ---- plans (fs_plans.cpp)
  void repair_plans_locked();
  std::string resolve_plan_id(std::string_view id_or_prefix) const;
  fs::path plan_file(const std::string& id) const;
  void write_plan_locked(const ExecutionPlan& plan);

  // ---- hypotheses (fs_hypotheses.cpp)
  void repair_hypotheses_locked();
  fs::path hypothesis_file(std::string_view id_or_prefix) const;

  // ---- maintenance (fs_maintenance.cpp)
  StorageStatistics stats_unlocked() const;

  FsConfig config_;
  HostServices host_;
  fs::path root_;
};

}  // namespace dashflow::fsstore
