// Export -> import reproduces the storage; conflict modes; dry run; DashFlow
// (version 1) archives; export options.
#include <filesystem>

#include "archive/archive_format.hpp"
#include "archive_test_support.hpp"

namespace fs = std::filesystem;
using archive_test::ArchiveTest;
using archive_test::snapshot;
using archive_test::snapshot_diff;
using archive_test::source;
using nlohmann::json;

namespace {

// The entity files of a storage (what an import must reproduce).
std::map<std::string, std::string> entities(const std::string& store) {
  std::map<std::string, std::string> out;
  for (const auto& [path, content] : snapshot(store)) {
    if (path.back() == '/') continue;
    for (const char* prefix : {"reports/", "plans/", "hypotheses/", "meta/"})
      if (path.rfind(prefix, 0) == 0) out[path] = content;
  }
  return out;
}

const json& counts_of(const json& import_out, const std::string& kind) { return import_out["counts"][kind]; }

}  // namespace

TEST_F(ArchiveTest, ArchiveIsVersionedWithManifestAndChecksum) {
  const json& a = source().archive;
  EXPECT_EQ(a["format"], "dashflow-archive");
  EXPECT_EQ(a["version"], 2);
  EXPECT_EQ(a["manifest"]["includes"], json({"reports", "plans", "hypotheses", "meta", "audit"}));
  EXPECT_EQ(a["manifest"]["counts"]["reports"], 2);
  EXPECT_EQ(a["manifest"]["counts"]["plans"], a["content"]["plans"].size());
  EXPECT_GE(a["content"]["plans"].size(), 2u);
  EXPECT_GE(a["content"]["hypotheses"].size(), 1u);
  EXPECT_TRUE(a["content"]["meta"].contains("meta/patterns.json"));
  EXPECT_GE(a["content"]["audit"].size(), 1u) << "the warm-up export was audited";
  EXPECT_EQ(a["manifest"]["checksum"]["algorithm"], "sha256");
  EXPECT_EQ(a["manifest"]["checksum"]["value"], dashflow::host::content_checksum(a["content"]));
  // The .gz file is really gzip.
  const std::string gz = dashflow::test::read_file(source().archive_gz);
  ASSERT_GT(gz.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_LT(gz.size(), dashflow::test::read_file(source().archive_json).size());
}

TEST_F(ArchiveTest, ImportIntoEmptyStorageReproducesReportsPlansHypothesesAndMeta) {
  json out = dashflow_json({"self-improve", "import", source().archive_gz, "--storage", target()});
  EXPECT_EQ(out["dry_run"], false);
  EXPECT_EQ(out["archive"]["version"], 2);
  EXPECT_EQ(out["archive"]["compressed"], true);
  const json& a = source().archive;
  EXPECT_EQ(counts_of(out, "plans")["created"], a["content"]["plans"].size());
  EXPECT_EQ(counts_of(out, "reports")["created"], 2);
  EXPECT_EQ(counts_of(out, "hypotheses")["created"], a["content"]["hypotheses"].size());
  EXPECT_EQ(counts_of(out, "meta")["created"], a["content"]["meta"].size());
  EXPECT_EQ(counts_of(out, "audit")["created"], 1) << "one verbatim copy of the source's audit records";

  // Byte for byte the same files: reports (+ .md), plans in their status
  // folders (the approved one in approved/), hypotheses, meta.
  const auto want = entities(source().store), got = entities(target());
  EXPECT_EQ(want, got) << snapshot_diff(want, got);
  EXPECT_EQ(plan_files(target(), source().approved_plan_id), std::vector<std::string>{"approved"});

  // And the CLI reads them the same way.
  json plans_src = dashflow_json({"self-improve", "plans", "--status", "all", "--storage", source().store});
  json plans_dst = dashflow_json({"self-improve", "plans", "--status", "all", "--storage", target()});
  EXPECT_EQ(plans_src, plans_dst);
  for (const json& r : dashflow_json({"self-improve", "reports", "--storage", source().store})) {
    const std::string id = r["id"];
    EXPECT_EQ(dashflow_json({"self-improve", "reports", "show", id, "--storage", source().store}),
              dashflow_json({"self-improve", "reports", "show", id, "--storage", target()}));
  }

  // The import is audited, and the chain verifies.
  json records = dashflow_json({"self-improve", "audit", "--kind", "import", "--storage", target()});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["details"]["counts"]["plans"]["created"], a["content"]["plans"].size());
  EXPECT_EQ(records[0]["details"]["checksum"], a["manifest"]["checksum"]["value"]);
  EXPECT_EQ(records[0]["actor"].get<std::string>().find('@') != std::string::npos, true);
  EXPECT_EQ(out["audit_record"]["seq"], records[0]["seq"]);
  json verify = dashflow_json({"self-improve", "audit", "verify", "--storage", target()});
  EXPECT_EQ(verify["ok"], true);
}

TEST_F(ArchiveTest, PlainJsonArchiveImportsToo) {
  json out = dashflow_json({"self-improve", "import", source().archive_json, "--storage", target()});
  EXPECT_EQ(out["archive"]["compressed"], false);
  EXPECT_EQ(entities(source().store), entities(target()));
}

TEST_F(ArchiveTest, ReimportingTheSameArchiveChangesNothingEvenInFailMode) {
  import_source_into_target();
  const auto before = snapshot(target() + "/plans");
  json out = dashflow_json({"self-improve", "import", source().archive_gz, "--on-conflict", "fail", "--storage", target()});
  for (const char* kind : {"reports", "plans", "hypotheses", "meta", "audit"}) {
    EXPECT_EQ(counts_of(out, kind)["created"], 0) << kind;
    EXPECT_EQ(counts_of(out, kind)["overwritten"], 0) << kind;
    EXPECT_EQ(counts_of(out, kind)["skipped"], 0) << kind;
  }
  EXPECT_EQ(counts_of(out, "plans")["unchanged"], source().archive["content"]["plans"].size());
  EXPECT_EQ(before, snapshot(target() + "/plans"));
}

// ---------------------------------------------------------------- conflicts

class ConflictTest : public ArchiveTest {
 protected:
  std::string plan_id;        // approved in the archive; moved on in the target
  std::string hypothesis_id;  // deleted from the target
  void SetUp() override {
    import_source_into_target();
    plan_id = source().approved_plan_id;
    auto r = dashflow({"self-improve", "complete", plan_id, "--commit", "abc123", "--storage", target()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(plan_files(target(), plan_id), std::vector<std::string>{"implemented"});
    hypothesis_id = source().archive["content"]["hypotheses"][0]["id"];
    for (const char* folder : {"active", "evaluated"})
      fs::remove(target() + "/hypotheses/" + folder + "/" + hypothesis_id + ".json");
  }
};

TEST_F(ConflictTest, SkipKeepsTheStoredPlanAndCreatesWhatIsMissing) {
  json out = dashflow_json({"self-improve", "import", source().archive_gz, "--on-conflict", "skip", "--storage", target()});
  EXPECT_EQ(counts_of(out, "plans")["skipped"], 1);
  EXPECT_EQ(counts_of(out, "plans")["overwritten"], 0);
  EXPECT_EQ(counts_of(out, "hypotheses")["created"], 1);
  EXPECT_EQ(plan_files(target(), plan_id), std::vector<std::string>{"implemented"});
  bool listed = false;
  for (const json& item : out["items"])
    if (item["id"] == plan_id) listed = item["action"] == "skip";
  EXPECT_TRUE(listed) << out["items"].dump();
}

TEST_F(ConflictTest, OverwriteReplacesThePlanAndItNeverSitsInTwoFolders) {
  json out = dashflow_json({"self-improve", "import", source().archive_gz, "--on-conflict", "overwrite", "--storage", target()});
  EXPECT_EQ(counts_of(out, "plans")["overwritten"], 1);
  EXPECT_EQ(counts_of(out, "hypotheses")["created"], 1);
  EXPECT_EQ(plan_files(target(), plan_id), std::vector<std::string>{"approved"}) << "back to the archived status";
  EXPECT_EQ(entities(source().store), entities(target()));
}

TEST_F(ConflictTest, FailRefusesNamesTheConflictAndWritesNothing) {
  const auto before = snapshot(target());
  json out = dashflow_json({"self-improve", "import", source().archive_gz, "--on-conflict", "fail", "--storage", target()}, 1);
  EXPECT_EQ(out["error"]["kind"], "conflict");
  EXPECT_NE(out["error"]["message"].get<std::string>().find("nothing was imported"), std::string::npos);
  ASSERT_EQ(out["error"]["details"].size(), 1u) << out.dump(1);
  EXPECT_NE(out["error"]["details"][0].get<std::string>().find(plan_id), std::string::npos);
  const auto after = snapshot(target());
  EXPECT_EQ(before, after) << snapshot_diff(before, after);
}

TEST_F(ConflictTest, UnknownModeIsAUsageError) {
  auto r = dashflow({"self-improve", "import", source().archive_gz, "--on-conflict", "merge", "--storage", target()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("skip, overwrite or fail"), std::string::npos) << r.err;
}

// ---------------------------------------------------------------- dry run

TEST_F(ArchiveTest, DryRunReportsWhatWouldHappenAndWritesNothing) {
  init_target();
  const auto before = snapshot(target());
  json out = dashflow_json({"self-improve", "import", source().archive_gz, "--dry-run", "--storage", target()});
  EXPECT_EQ(out["dry_run"], true);
  EXPECT_EQ(counts_of(out, "plans")["created"], source().archive["content"]["plans"].size());
  EXPECT_EQ(counts_of(out, "reports")["created"], 2);
  EXPECT_EQ(out["audit_record"], nullptr);
  for (const json& item : out["items"]) EXPECT_EQ(item["action"], "create");
  const auto after = snapshot(target());
  EXPECT_EQ(before, after) << snapshot_diff(before, after);

  auto table = dashflow({"self-improve", "import", source().archive_gz, "--dry-run", "--storage", target()});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("Nothing was written"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("WOULD CREATE"), std::string::npos) << table.out;
}

TEST_F(ConflictTest, DryRunShowsOverwritesWithoutDoingThem) {
  const auto before = snapshot(target());
  json out = dashflow_json({"self-improve", "import", source().archive_gz, "--dry-run", "--on-conflict", "overwrite",
                            "--storage", target()});
  EXPECT_EQ(counts_of(out, "plans")["overwritten"], 1);
  EXPECT_EQ(counts_of(out, "hypotheses")["created"], 1);
  EXPECT_EQ(before, snapshot(target()));
}

// ---------------------------------------------------------------- version 1

namespace {

// DashFlow's export shape (dashflow-runtime.md §11): no format, no checksum,
// empty arrays omitted, metadata counts.
json dashflow_v1_archive(const json& v2) {
  json v1 = {{"version", 1}, {"created_at", "2025-12-20T08:00:00.000000000Z"}, {"description", "from DashFlow"}};
  size_t size = 0;
  for (const char* kind : {"reports", "plans", "hypotheses"}) {
    json items = v2["content"][kind];
    for (json& item : items) {
      size += item.dump().size();
    }
    if (!items.empty()) v1[kind] = items;
  }
  v1["metadata"] = {{"report_count", v2["content"]["reports"].size()},
                    {"plan_count", v2["content"]["plans"].size()},
                    {"hypothesis_count", v2["content"]["hypotheses"].size()},
                    {"original_size_bytes", size}};
  return v1;
}

}  // namespace

TEST_F(ArchiveTest, DashFlowVersion1ArchiveIsMigrated) {
  json v1 = dashflow_v1_archive(source().archive);
  v1["plans"][0]["_schema_version"] = 1;  // versioned files are accepted too
  const std::string file = tmp / "dashflow-v1.json";
  dashflow::test::write_file(file, v1.dump(2));
  json out = dashflow_json({"self-improve", "import", file, "--storage", target()});
  EXPECT_EQ(out["archive"]["version"], 1);
  EXPECT_EQ(out["archive"]["migrated"], true);
  EXPECT_EQ(counts_of(out, "plans")["created"], source().archive["content"]["plans"].size());
  EXPECT_EQ(counts_of(out, "reports")["created"], 2);
  EXPECT_FALSE(out["counts"].contains("meta"));
  bool warned = false;
  for (const json& w : out["warnings"]) warned = warned || w.get<std::string>().find("version-1") != std::string::npos;
  EXPECT_TRUE(warned) << out["warnings"].dump();
  // Same plans, reports and hypotheses as the source.
  auto want = entities(source().store), got = entities(target());
  std::erase_if(want, [](const auto& kv) { return kv.first.rfind("meta/", 0) == 0; });
  EXPECT_EQ(want, got) << snapshot_diff(want, got);
}

TEST_F(ArchiveTest, Version1ArchiveWhoseCountsDisagreeIsRefused) {
  json v1 = dashflow_v1_archive(source().archive);
  v1["plans"].erase(v1["plans"].size() - 1);  // cut, metadata not updated
  const std::string file = tmp / "cut-v1.json";
  dashflow::test::write_file(file, v1.dump(2));
  json out = dashflow_json({"self-improve", "import", file, "--storage", target()}, 1);
  EXPECT_EQ(out["error"]["kind"], "archive");
  EXPECT_NE(out["error"]["details"][0].get<std::string>().find("metadata.plan_count"), std::string::npos) << out.dump(1);
  EXPECT_FALSE(fs::exists(target())) << "a bad archive does not even create the storage";
}

// ---------------------------------------------------------------- export options

TEST_F(ArchiveTest, ExportIncludeAndSince) {
  const std::string file = tmp / "plans-only.json";
  json out = dashflow_json({"self-improve", "export", "--output", file, "--include", "plans,meta", "--storage", source().store});
  EXPECT_EQ(out["counts"].size(), 2u);
  json a = json::parse(dashflow::test::read_file(file));
  EXPECT_EQ(a["manifest"]["includes"], json({"plans", "meta"}));
  EXPECT_FALSE(a["content"].contains("reports"));
  EXPECT_EQ(a["content"]["plans"].size(), source().archive["content"]["plans"].size());

  const std::string future = tmp / "future.json";
  dashflow_json({"self-improve", "export", "--output", future, "--since", "2999-01-01", "--storage", source().store});
  json f = json::parse(dashflow::test::read_file(future));
  EXPECT_EQ(f["since"], "2999-01-01T00:00:00Z");
  EXPECT_TRUE(f["content"]["plans"].empty());
  EXPECT_TRUE(f["content"]["reports"].empty());
  EXPECT_TRUE(f["content"]["audit"].empty());
  EXPECT_FALSE(f["content"]["meta"].empty()) << "meta is a current snapshot, not filtered by time";

  const std::string recent = tmp / "recent.json";
  dashflow_json({"self-improve", "export", "--output", recent, "--since", "1h", "--storage", source().store});
  EXPECT_EQ(json::parse(dashflow::test::read_file(recent))["content"]["plans"].size(),
            source().archive["content"]["plans"].size());

  auto bad = dashflow({"self-improve", "export", "--output", file, "--include", "plans,traces", "--storage", source().store});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown kind 'traces'"), std::string::npos) << bad.err;
  auto bad_since = dashflow({"self-improve", "export", "--output", file, "--since", "yesterday", "--storage", source().store});
  EXPECT_EQ(bad_since.exit_code, 2);
  auto unwritable = dashflow({"self-improve", "export", "--output", tmp / "no/such/dir/a.json", "--storage", source().store});
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_NE(unwritable.err.find("cannot write the archive"), std::string::npos) << unwritable.err;
}
