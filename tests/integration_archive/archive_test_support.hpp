// Shared fixture of the archive and audit CLI tests: one source storage made
// by `analyze` (twice, one plan approved) over a planted corpus, exported
// once as archive.json.gz and archive.json; helpers to run the binary and to
// snapshot a storage directory byte for byte.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dashflow_cli.hpp"

namespace archive_test {

using nlohmann::json;

// Every regular file (relative path -> content) and directory ("dir/" -> "")
// under root, except lock files, whose content is only a pid hint.
std::map<std::string, std::string> snapshot(const std::string& root);

// Names of entries that differ between two snapshots (for failure messages).
std::string snapshot_diff(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b);

// The storage and archives built once for the whole test program.
struct Source {
  std::string dir;          // temp dir holding everything below
  std::string store;        // analyzed storage
  std::string archive_gz;   // export of store (all kinds)
  std::string archive_json; // the same, uncompressed
  json archive;             // parsed archive_json
  std::string approved_plan_id;
};
const Source& source();

class ArchiveTest : public ::testing::Test {
 protected:
  dashflow::test::TempDir tmp;
  std::string target() const { return tmp / "target"; }

  // The binary under test, run in tmp (dashflow_json adds --format json).
  dashflow::test::ProcessResult dashflow(std::vector<std::string> args) {
    return dashflow::test::run_dashflow(std::move(args), tmp.path());
  }
  json dashflow_json(std::vector<std::string> args, int expected_exit = 0) {
    return dashflow::test::dashflow_json(std::move(args), tmp.path(), expected_exit);
  }
  // An initialized, empty storage at target().
  void init_target();
  // target() = import of the source archive.
  void import_source_into_target();
  std::vector<std::string> plan_files(const std::string& store, const std::string& id);
};

}  // namespace archive_test
