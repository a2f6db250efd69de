// `self-improve audit` and `audit verify` through the real binary.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "archive_test_support.hpp"
#include "corpus.hpp"

namespace fs = std::filesystem;
using archive_test::ArchiveTest;
using archive_test::source;
using nlohmann::json;

namespace {

std::vector<std::string> day_files(const std::string& audit_dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(audit_dir))
    if (e.path().extension() == ".jsonl") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> lines_of(const std::string& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void write_lines(const std::string& file, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  dashflow::test::write_file(file, text);
}

class AuditCli : public ArchiveTest {
 protected:
  // Three audited operations: two imports and an export.
  void SetUp() override {
    import_source_into_target();
    auto r = dashflow({"self-improve", "export", "--output", tmp / "out.json", "--storage", target()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = dashflow({"self-improve", "import", source().archive_json, "--storage", target()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string audit_dir() const { return target() + "/audit"; }
};

}  // namespace

TEST_F(AuditCli, ListsRecordsAsTableAndJson) {
  json all = dashflow_json({"self-improve", "audit", "--storage", target()});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["kind"], "import");
  EXPECT_EQ(all[1]["kind"], "export");
  EXPECT_EQ(all[2]["kind"], "import");
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i]["seq"], i + 1);
    EXPECT_EQ(all[i]["hash"].get<std::string>().size(), 64u);
  }
  EXPECT_EQ(all[1]["prev_hash"], all[0]["hash"]);

  EXPECT_EQ(dashflow_json({"self-improve", "audit", "--kind", "import", "--storage", target()}).size(), 2u);
  EXPECT_EQ(dashflow_json({"self-improve", "audit", "--kind", "export", "--since", "1h", "--storage", target()}).size(), 1u);
  EXPECT_EQ(dashflow_json({"self-improve", "audit", "--since", "2999-01-01", "--storage", target()}).size(), 0u);
  json newest = dashflow_json({"self-improve", "audit", "--limit", "1", "--storage", target()});
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0]["seq"], 3);

  auto table = dashflow({"self-improve", "audit", "--storage", target()});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("SEQ"), std::string::npos);
  EXPECT_NE(table.out.find("export"), std::string::npos);

  auto bad = dashflow({"self-improve", "audit", "--since", "last tuesday", "--storage", target()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("duration"), std::string::npos) << bad.err;
}

TEST_F(AuditCli, VerifyPassesOnAnUntouchedLog) {
  json v = dashflow_json({"self-improve", "audit", "verify", "--storage", target()});
  EXPECT_EQ(v["ok"], true);
  EXPECT_EQ(v["records"], 3);
  EXPECT_EQ(v["last_seq"], 3);
  EXPECT_EQ(v["problem"], nullptr);
  auto table = dashflow({"self-improve", "audit", "verify", "--storage", target()});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("Audit trail intact: 3 record(s)"), std::string::npos) << table.out;
}

TEST_F(AuditCli, VerifyFailsOnAnEditedRecordAndNamesTheLine) {
  const std::string file = day_files(audit_dir()).back();
  auto lines = lines_of(file);
  ASSERT_GE(lines.size(), 2u);
  json r = json::parse(lines[1]);
  r["actor"] = "someone-else@elsewhere";
  lines[1] = r.dump();
  write_lines(file, lines);

  json v = dashflow_json({"self-improve", "audit", "verify", "--storage", target()}, 1);
  EXPECT_EQ(v["ok"], false);
  EXPECT_EQ(v["problem"]["file"], fs::path(file).filename().string());
  EXPECT_EQ(v["problem"]["line"], 2);
  EXPECT_NE(v["problem"]["reason"].get<std::string>().find("hash mismatch"), std::string::npos) << v.dump(1);

  auto table = dashflow({"self-improve", "audit", "verify", "--storage", target()});
  EXPECT_EQ(table.exit_code, 1);
  EXPECT_NE(table.out.find(fs::path(file).filename().string() + ":2: hash mismatch"), std::string::npos) << table.out;
}

TEST_F(AuditCli, VerifyFailsOnADeletedRecord) {
  const std::string file = day_files(audit_dir()).back();
  auto lines = lines_of(file);
  lines.erase(lines.begin() + 1);
  write_lines(file, lines);
  json v = dashflow_json({"self-improve", "audit", "verify", "--storage", target()}, 1);
  EXPECT_NE(v["problem"]["reason"].get<std::string>().find("seq gap"), std::string::npos) << v.dump(1);
}

TEST_F(AuditCli, AStorageWithoutAuditRecordsHasAnEmptyValidLog) {
  fs::remove_all(audit_dir());
  auto list = dashflow({"self-improve", "audit", "--storage", target()});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("No audit records"), std::string::npos) << list.out;
  json v = dashflow_json({"self-improve", "audit", "verify", "--storage", target()});
  EXPECT_EQ(v["ok"], true);
  EXPECT_EQ(v["records"], 0);
}

// A config file is edited by hand; analyze notices the change where it takes effect.
TEST_F(AuditCli, AnalyzeRecordsAConfigChangeOnlyWhenTheConfigChanged) {
  dashflow::test::write_file(tmp / "traces/t.json", dashflow::test::healthy_trace_json(0, 0));
  dashflow::test::write_file(tmp / "cfg.json", R"({"cache": {"enabled": false}})");
  auto analyze = [&] {
    auto r = dashflow({"--config", tmp / "cfg.json", "self-improve", "analyze", "--traces", tmp / "traces", "--storage",
                       target(), "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  };
  analyze();
  analyze();
  json changes = dashflow_json({"self-improve", "audit", "--kind", "config.change", "--storage", target()});
  ASSERT_EQ(changes.size(), 1u) << changes.dump(2) << "\nthe first use records the config, an unchanged one is not repeated";
  EXPECT_EQ(changes[0]["details"]["source"], (tmp / "cfg.json").string());
  EXPECT_EQ(changes[0]["details"]["sha256"].get<std::string>().size(), 64u);

  dashflow::test::write_file(tmp / "cfg.json", R"({"cache": {"enabled": false, "max_mb": 10}})");
  analyze();
  changes = dashflow_json({"self-improve", "audit", "--kind", "config.change", "--storage", target()});
  ASSERT_EQ(changes.size(), 2u) << changes.dump(2);
  EXPECT_EQ(changes[1]["details"]["previous_sha256"], changes[0]["details"]["sha256"]);
  EXPECT_NE(changes[1]["details"]["sha256"], changes[0]["details"]["sha256"]);
  EXPECT_EQ(dashflow_json({"self-improve", "audit", "--kind", "analysis.run", "--storage", target()}).size(), 3u);
}
