// A corrupt archive, or a write failing in the middle of an import, leaves
// the storage exactly as it was, and the error says why.
#include <filesystem>

#include "archive/archive_format.hpp"
#include "archive/gzip.hpp"
#include "archive_test_support.hpp"

namespace fs = std::filesystem;
using archive_test::ArchiveTest;
using archive_test::snapshot;
using archive_test::snapshot_diff;
using archive_test::source;
using nlohmann::json;

namespace {

class CorruptArchiveTest : public ArchiveTest {
 protected:
  void SetUp() override { import_source_into_target(); }

  // Imports `bytes` (with overwrite, the mode most willing to write) and
  // checks it fails with kind "archive", storage untouched; returns the error.
  json expect_refused(const std::string& bytes, const std::string& name = "bad.json") {
    const std::string file = tmp / name;
    dashflow::test::write_file(file, bytes);
    const auto before = snapshot(target());
    json out = dashflow_json({"self-improve", "import", file, "--on-conflict", "overwrite", "--storage", target()}, 1);
    const auto after = snapshot(target());
    EXPECT_EQ(before, after) << snapshot_diff(before, after);
    EXPECT_EQ(out["error"]["kind"], "archive") << out.dump(1);
    return out["error"];
  }

  static std::string message(const json& error) {
    std::string text = error.value("message", "");
    for (const json& d : error.value("details", json::array())) text += "\n" + d.get<std::string>();
    return text;
  }
};

// A plan changed in the archive while the checksum is re-sealed (a
// well-formed archive whose item is invalid).
json with_resealed_plan_change(const std::function<void(json&)>& change) {
  json a = source().archive;
  change(a["content"]["plans"][1]);
  a["manifest"]["checksum"]["value"] = dashflow::host::content_checksum(a["content"]);
  return a;
}

}  // namespace

TEST_F(CorruptArchiveTest, ChangedContentFailsTheChecksum) {
  json a = source().archive;
  a["content"]["plans"][0]["title"] = "Edited after export";
  json e = expect_refused(a.dump(1));
  EXPECT_NE(e["message"].get<std::string>().find("failed its checksum"), std::string::npos) << e.dump(1);
}

TEST_F(CorruptArchiveTest, TruncatedGzipIsRefused) {
  const std::string gz = dashflow::test::read_file(source().archive_gz);
  json e = expect_refused(gz.substr(0, gz.size() / 2), "cut.json.gz");
  EXPECT_NE(e["message"].get<std::string>().find("truncated gzip data"), std::string::npos) << e.dump(1);
}

TEST_F(CorruptArchiveTest, DamagedGzipIsRefused) {
  std::string gz = dashflow::test::read_file(source().archive_gz);
  for (size_t i = gz.size() / 3; i < gz.size() / 3 + 64; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x5a);
  json e = expect_refused(gz, "damaged.json.gz");
  EXPECT_NE(e["message"].get<std::string>().find("cannot be decompressed"), std::string::npos) << e.dump(1);
}

TEST_F(CorruptArchiveTest, TruncatedJsonIsRefused) {
  const std::string text = dashflow::test::read_file(source().archive_json);
  json e = expect_refused(text.substr(0, text.size() * 2 / 3));
  EXPECT_NE(e["message"].get<std::string>().find("truncated"), std::string::npos) << e.dump(1);
}

TEST_F(CorruptArchiveTest, NewerVersionIsRefused) {
  json a = source().archive;
  a["version"] = 99;
  json e = expect_refused(a.dump());
  EXPECT_NE(e["message"].get<std::string>().find("version 99, newer than this dashflow supports (2)"), std::string::npos)
      << e.dump(1);
}

TEST_F(CorruptArchiveTest, OtherFormatsAreRefused) {
  json a = source().archive;
  a["format"] = "tarball";
  EXPECT_NE(expect_refused(a.dump())["message"].get<std::string>().find("not a dashflow archive"), std::string::npos);
  EXPECT_NE(expect_refused("[1, 2, 3]")["message"].get<std::string>().find("not a dashflow archive"), std::string::npos);
  EXPECT_NE(expect_refused("{\"hello\": 1}")["message"].get<std::string>().find("no \"version\""), std::string::npos);
  EXPECT_NE(expect_refused("")["message"].get<std::string>().find("empty"), std::string::npos);
}

TEST_F(CorruptArchiveTest, CountsThatDisagreeWithTheContentAreRefused) {
  json a = source().archive;
  a["manifest"]["counts"]["plans"] = 1000;
  json e = expect_refused(a.dump());
  EXPECT_NE(message(e).find("manifest.counts.plans is 1000"), std::string::npos) << e.dump(1);
}

TEST_F(CorruptArchiveTest, AnInvalidItemAnywhereRefusesTheWholeArchive) {
  // The bad plan is not the first item: nothing before it may be written either.
  json a = with_resealed_plan_change([](json& plan) { plan["status"] = "Bogus"; });
  json e = expect_refused(a.dump());
  const std::string text = message(e);
  EXPECT_NE(text.find("plans[1]"), std::string::npos) << text;
  EXPECT_NE(text.find("status"), std::string::npos) << text;
  EXPECT_NE(text.find("nothing was imported"), std::string::npos) << text;
}

TEST_F(CorruptArchiveTest, EveryProblemIsListed) {
  json a = source().archive;
  a["content"]["plans"][0]["id"] = "../../etc/passwd";
  a["content"]["plans"][1]["title"] = "";
  a["content"]["hypotheses"][0]["_schema_version"] = 7;
  a["content"]["meta"]["state/daemon.json"] = json::object();
  a["manifest"]["counts"]["meta"] = a["content"]["meta"].size();
  a["manifest"]["checksum"]["value"] = dashflow::host::content_checksum(a["content"]);
  const std::string text = message(expect_refused(a.dump()));
  EXPECT_NE(text.find("not usable as a file name"), std::string::npos) << text;
  EXPECT_NE(text.find("the title is empty"), std::string::npos) << text;
  EXPECT_NE(text.find("_schema_version 7 is newer"), std::string::npos) << text;
  EXPECT_NE(text.find("state/daemon.json"), std::string::npos) << text;
}

TEST_F(CorruptArchiveTest, MissingFileIsReported) {
  json out = dashflow_json({"self-improve", "import", tmp / "nope.json", "--storage", target()}, 1);
  EXPECT_EQ(out["error"]["kind"], "archive");
  EXPECT_NE(out["error"]["message"].get<std::string>().find("does not exist"), std::string::npos);
}

// ---------------------------------------------------------------- failure midway

namespace {

// Path of a report's file in a storage, by id.
std::string report_stem(const std::string& store, const std::string& id) {
  for (const auto& e : fs::directory_iterator(store + "/reports")) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".json" && name.find("_" + id) != std::string::npos) return e.path().stem().string();
  }
  return {};
}

// The report an import writes last (archive order: oldest first).
std::string last_report_id() { return source().archive["content"]["reports"].back()["id"]; }

}  // namespace

TEST_F(ArchiveTest, WriteFailingMidwayRollsBackEverythingCreated) {
  init_target();
  // The last report's .md cannot be written: a directory is in its place.
  // Checks read only .json report files, so this shows up only when the
  // import is writing: after the plans, the hypotheses and the first report.
  const std::string stem = report_stem(source().store, last_report_id());
  ASSERT_FALSE(stem.empty());
  fs::create_directories(target() + "/reports/" + stem + ".md");
  const auto before = snapshot(target());

  json out = dashflow_json({"self-improve", "import", source().archive_gz, "--storage", target()}, 1);
  EXPECT_EQ(out["error"]["kind"], "import");
  const std::string msg = out["error"]["message"];
  EXPECT_NE(msg.find("import failed while writing reports " + last_report_id()), std::string::npos) << msg;
  EXPECT_NE(msg.find("rolled back"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the storage is as it was"), std::string::npos) << msg;
  const size_t written_before = source().archive["content"]["plans"].size() +
                                source().archive["content"]["hypotheses"].size() + 1;
  EXPECT_NE(msg.find("the " + std::to_string(written_before) + " change(s)"), std::string::npos) << msg;

  const auto after = snapshot(target());
  EXPECT_EQ(before, after) << snapshot_diff(before, after);
  EXPECT_FALSE(fs::exists(target() + "/audit")) << "a failed import is not recorded as done";
}

TEST_F(ArchiveTest, WriteFailingMidwayRestoresOverwrittenPlansAndReports) {
  import_source_into_target();
  const std::string plan_id = source().approved_plan_id;
  auto r = dashflow({"self-improve", "fail", plan_id, "--reason", "did not work", "--storage", target()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(plan_files(target(), plan_id), std::vector<std::string>{"failed"});
  // The first report differs from the archive too (written by dashflow
  // itself, through an import of an edited reports-only archive).
  json edited = source().archive;
  edited["content"] = {{"reports", json::array({source().archive["content"]["reports"][0]})}};
  edited["content"]["reports"][0]["reason"] = "edited elsewhere";
  dashflow::host::seal_archive(edited, {"reports"});
  dashflow::test::write_file(tmp / "edited.json", edited.dump());
  json pre = dashflow_json({"self-improve", "import", tmp / "edited.json", "--on-conflict", "overwrite", "--storage", target()});
  ASSERT_EQ(pre["counts"]["reports"]["overwritten"], 1);
  // Make the last report absent and unwritable, so the import overwrites the
  // plan (moving it back to approved/) and then fails.
  const std::string stem = report_stem(target(), last_report_id());
  ASSERT_FALSE(stem.empty());
  fs::remove(target() + "/reports/" + stem + ".json");
  fs::remove(target() + "/reports/" + stem + ".md");
  fs::create_directories(target() + "/reports/" + stem + ".md");
  const auto before = snapshot(target());

  json out = dashflow_json({"self-improve", "import", source().archive_gz, "--on-conflict", "overwrite", "--storage", target()}, 1);
  EXPECT_EQ(out["error"]["kind"], "import");
  EXPECT_NE(out["error"]["message"].get<std::string>().find("rolled back"), std::string::npos) << out.dump(1);
  EXPECT_NE(before.at("reports/" + report_stem(target(), source().archive["content"]["reports"][0]["id"]) + ".md")
                .find("edited elsewhere"),
            std::string::npos)
      << "the restored report is the edited one, .md included";
  const auto after = snapshot(target());
  EXPECT_EQ(before, after) << snapshot_diff(before, after);
  EXPECT_EQ(plan_files(target(), plan_id), std::vector<std::string>{"failed"});

  // Once the obstacle is gone the same import goes through.
  fs::remove(target() + "/reports/" + stem + ".md");
  json ok = dashflow_json({"self-improve", "import", source().archive_gz, "--on-conflict", "overwrite", "--storage", target()});
  EXPECT_EQ(ok["counts"]["plans"]["overwritten"], 1);
  EXPECT_EQ(ok["counts"]["reports"]["overwritten"], 1);
  EXPECT_EQ(ok["counts"]["reports"]["created"], 1);
  EXPECT_EQ(plan_files(target(), plan_id), std::vector<std::string>{"approved"});
}
