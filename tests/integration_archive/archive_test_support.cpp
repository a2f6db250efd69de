#include "archive_test_support.hpp"

#include <unistd.h>

#include <filesystem>
#include <memory>

#include "archive/gzip.hpp"
#include "corpus.hpp"

namespace fs = std::filesystem;

namespace archive_test {

std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string rel = fs::relative(e.path(), root).string();
    if (e.path().filename() == ".lock") continue;
    if (e.is_directory()) out[rel + "/"] = "";
    else out[rel] = dashflow::test::read_file(e.path().string());
  }
  return out;
}

std::string snapshot_diff(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b) {
  std::string out;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end()) out += "  only before: " + k + "\n";
    else if (it->second != v) out += "  changed: " + k + "\n";
  }
  for (const auto& [k, v] : b)
    if (!a.count(k)) out += "  only after: " + k + "\n";
  return out;
}

namespace {

Source build_source() {
  Source s;
  s.dir = (fs::temp_directory_path() / ("dashflow-archive-src-" + std::to_string(::getpid()))).string();
  fs::remove_all(s.dir);
  fs::create_directories(s.dir);
  s.store = s.dir + "/store";
  const std::string traces = s.dir + "/traces";
  dashflow::test::write_planted_corpus(traces);
  auto must = [&](std::vector<std::string> args) {
    auto r = dashflow::test::run_dashflow(args, s.dir);
    if (r.exit_code != 0) throw std::runtime_error("fixture command failed: " + r.out + r.err);
    return r;
  };
  must({"self-improve", "analyze", "--traces", traces, "--storage", s.store});
  must({"self-improve", "analyze", "--traces", traces, "--storage", s.store});
  json plans = json::parse(must({"self-improve", "plans", "--storage", s.store, "--format", "json"}).out);
  if (plans.size() < 2) throw std::runtime_error("fixture: analyze made fewer than 2 plans");
  s.approved_plan_id = plans[0]["id"];
  must({"self-improve", "approve", s.approved_plan_id, "--storage", s.store});
  // A first export puts an "export" record into the audit log, so the real
  // archives carry audit records too.
  must({"self-improve", "export", "--output", s.dir + "/warmup.json", "--storage", s.store});
  s.archive_gz = s.dir + "/archive.json.gz";
  s.archive_json = s.dir + "/archive.json";
  must({"self-improve", "export", "--output", s.archive_gz, "--storage", s.store});
  // The same archive uncompressed (a second export would differ: it would
  // carry the audit record of the first).
  const std::string text = dashflow::host::gzip_decompress(dashflow::test::read_file(s.archive_gz), 1ull << 32);
  dashflow::test::write_file(s.archive_json, text);
  s.archive = json::parse(text);
  return s;
}

struct SourceHolder {
  Source source = build_source();
  ~SourceHolder() {
    std::error_code ec;
    fs::remove_all(source.dir, ec);
  }
};

}  // namespace

const Source& source() {
  static SourceHolder holder;
  return holder.source;
}

void ArchiveTest::init_target() {
  auto r = dashflow({"self-improve", "plans", "--storage", target()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

void ArchiveTest::import_source_into_target() {
  auto r = dashflow({"self-improve", "import", source().archive_gz, "--storage", target()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

std::vector<std::string> ArchiveTest::plan_files(const std::string& store, const std::string& id) {
  std::vector<std::string> out;
  for (const char* folder : {"pending", "approved", "implemented", "failed"})
    if (fs::exists(store + "/plans/" + folder + "/" + id + ".json")) out.push_back(folder);
  return out;
}

}  // namespace archive_test
