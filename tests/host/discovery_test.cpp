// Discovery: which files in the plugin directories become candidates, which
// are ignored or refused and why; the permission policy; duplicate ids; the
// search path.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_test_support.hpp"
#include "plugin/discovery.hpp"
#include "plugin/permissions.hpp"

using dashflow::host::check_plugin_path_permissions;
using dashflow::host::discover_plugins;
using dashflow::host::DiscoveryResult;
using dashflow::host::host_abi_string;
using dashflow::host::inspect_plugin_file;
using dashflow::host::plugin_search_path;
using dashflow::host::PluginCandidate;
using dashflow::test::TempDir;
using hosttest::write_file;
namespace fs = std::filesystem;
using St = PluginCandidate::Status;

namespace {

constexpr uid_t kNobody = 65534;

const PluginCandidate* by_file(const DiscoveryResult& r, const std::string& filename) {
  for (const auto& c : r.candidates)
    if (fs::path(c.path).filename() == filename) return &c;
  return nullptr;
}

std::string dump(const DiscoveryResult& r) {
  std::string s;
  for (const auto& c : r.candidates) s += std::string(status_name(c.status)) + " " + c.path + ": " + c.reason + "\n";
  for (const auto& p : r.problems) s += "problem: " + p + "\n";
  return s;
}

DiscoveryResult discover_case(const std::string& name) { return discover_plugins({hosttest::case_dir(name).string()}); }

TEST(Discovery, GoodPluginIsOk) {
  auto r = discover_plugins({hosttest::good_dir().string()});
  ASSERT_EQ(r.candidates.size(), 1u) << dump(r);
  const auto& c = r.candidates[0];
  EXPECT_EQ(c.status, St::Ok) << c.reason;
  EXPECT_TRUE(c.reason.empty());
  ASSERT_TRUE(c.manifest);
  EXPECT_EQ(c.manifest->id, "good-analyzer");
  EXPECT_EQ(c.path, fs::canonical(hosttest::good_so()).string());
  EXPECT_TRUE(r.problems.empty()) << dump(r);
}

TEST(Discovery, BuiltinDirectoryHasTheConsolePlugin) {
  auto r = discover_plugins({hosttest::builtin_dir().string()});
  const PluginCandidate* c = by_file(r, hosttest::console_so().filename().string());
  ASSERT_NE(c, nullptr) << dump(r);
  EXPECT_EQ(c->status, St::Ok) << c->reason;
  EXPECT_EQ(c->manifest->id, "console");
}

TEST(Discovery, AbiMajorMismatchIsRefusedNamingBothVersions) {
  auto r = discover_case("abi-major");
  ASSERT_EQ(r.candidates.size(), 1u) << dump(r);
  const auto& c = r.candidates[0];
  EXPECT_EQ(c.status, St::Refused);
  EXPECT_NE(c.reason.find("99.0"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find(host_abi_string()), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("major"), std::string::npos) << c.reason;
  ASSERT_TRUE(c.manifest) << "the manifest was read, so `plugins list` can show what it is";
  EXPECT_EQ(c.manifest->id, "abi-major");
}

TEST(Discovery, NewerMinorIsRefused) {
  auto r = discover_case("abi-minor");
  ASSERT_EQ(r.candidates.size(), 1u) << dump(r);
  EXPECT_EQ(r.candidates[0].status, St::Refused);
  EXPECT_NE(r.candidates[0].reason.find("1.7"), std::string::npos) << r.candidates[0].reason;
  EXPECT_NE(r.candidates[0].reason.find("newer"), std::string::npos) << r.candidates[0].reason;
}

TEST(Discovery, InvalidManifestJsonIsRefused) {
  auto r = discover_case("invalid-json");
  ASSERT_EQ(r.candidates.size(), 1u) << dump(r);
  EXPECT_EQ(r.candidates[0].status, St::Refused);
  EXPECT_NE(r.candidates[0].reason.find("not valid JSON"), std::string::npos) << r.candidates[0].reason;
}

TEST(Discovery, NoManifestIsIgnoredNotFatal) {
  auto r = discover_case("no-manifest");
  ASSERT_EQ(r.candidates.size(), 1u) << dump(r);
  EXPECT_EQ(r.candidates[0].status, St::Ignored);
  EXPECT_NE(r.candidates[0].reason.find("not a dashflow plugin"), std::string::npos) << r.candidates[0].reason;
  EXPECT_TRUE(r.problems.empty());
}

TEST(Discovery, FailuresThatNeedLoadingAreOkAtDiscovery) {
  // Discovery reads files only: these fail later, when loaded or called.
  for (const char* name : {"missing-symbol", "throwing-factory", "segv-consume", "finish-throws", "kind-mismatch"}) {
    auto r = discover_case(name);
    ASSERT_EQ(r.candidates.size(), 1u) << name << "\n" << dump(r);
    EXPECT_EQ(r.candidates[0].status, St::Ok) << name << ": " << r.candidates[0].reason;
  }
}

TEST(Discovery, DuplicateIdsAreRefusedNamingBothPaths) {
  auto r = discover_case("duplicate");
  ASSERT_EQ(r.candidates.size(), 2u) << dump(r);
  const std::string a = fs::canonical(hosttest::case_dir("duplicate") / "duplicate-a.so").string();
  const std::string b = fs::canonical(hosttest::case_dir("duplicate") / "duplicate-b.so").string();
  for (const auto& c : r.candidates) {
    EXPECT_EQ(c.status, St::Refused) << c.path;
    EXPECT_NE(c.reason.find("duplicate plugin id 'duplicate-analyzer'"), std::string::npos) << c.reason;
    EXPECT_NE(c.reason.find(c.path == a ? b : a), std::string::npos) << "names the other file: " << c.reason;
  }
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_NE(r.problems[0].find(a), std::string::npos) << r.problems[0];
  EXPECT_NE(r.problems[0].find(b), std::string::npos) << r.problems[0];
}

TEST(Discovery, DuplicateIdsAcrossDirectories) {
  TempDir one, two;
  hosttest::copy_into(hosttest::good_so(), one.path());
  hosttest::copy_into(hosttest::good_so(), two.path(), "renamed.so");
  auto r = discover_plugins({one.str(), two.str()});
  ASSERT_EQ(r.candidates.size(), 2u) << dump(r);
  for (const auto& c : r.candidates) EXPECT_EQ(c.status, St::Refused) << c.path;
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_NE(r.problems[0].find((one / "good-analyzer.so").string()), std::string::npos) << r.problems[0];
  EXPECT_NE(r.problems[0].find((two / "renamed.so").string()), std::string::npos) << r.problems[0];
}

TEST(Discovery, SameFileTwiceIsNotADuplicate) {
  TempDir one, two;
  const fs::path original = hosttest::copy_into(hosttest::good_so(), one.path());
  fs::create_hard_link(original, two / "hardlink.so");
  auto r = discover_plugins({one.str(), one.str(), two.str()});
  ASSERT_EQ(r.candidates.size(), 1u) << dump(r);
  EXPECT_EQ(r.candidates[0].status, St::Ok);
  EXPECT_TRUE(r.problems.empty()) << dump(r);
}

TEST(Discovery, GarbageFilesAreIgnoredOrRefusedNeverFatal) {
  TempDir dir;
  write_file(dir / "text.so", "hello, I am text\n");
  write_file(dir / "empty.so", "");
  const std::string full = hosttest::read_file(hosttest::good_so());
  write_file(dir / "truncated.so", full.substr(0, full.size() / 2));
  write_file(dir / "README.txt", "not even a .so");
  fs::create_directories(dir / "subdir.so");
  for (const auto& f : fs::directory_iterator(dir.path())) ::chmod(f.path().c_str(), 0755);
  hosttest::copy_into(hosttest::good_so(), dir.path());

  auto r = discover_plugins({dir.str()});
  EXPECT_EQ(by_file(r, "README.txt"), nullptr) << "only *.so files are considered";
  const auto* text = by_file(r, "text.so");
  ASSERT_NE(text, nullptr) << dump(r);
  EXPECT_EQ(text->status, St::Ignored);
  EXPECT_NE(text->reason.find("not an ELF file"), std::string::npos) << text->reason;
  const auto* empty = by_file(r, "empty.so");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->status, St::Ignored);
  const auto* truncated = by_file(r, "truncated.so");
  ASSERT_NE(truncated, nullptr);
  EXPECT_EQ(truncated->status, St::Refused);
  EXPECT_NE(truncated->reason.find("unreadable manifest"), std::string::npos) << truncated->reason;
  const auto* sub = by_file(r, "subdir.so");
  ASSERT_NE(sub, nullptr) << dump(r);
  EXPECT_NE(sub->status, St::Ok);
  EXPECT_NE(sub->reason.find("not a regular file"), std::string::npos) << sub->reason;
  const auto* good = by_file(r, "good-analyzer.so");
  ASSERT_NE(good, nullptr);
  EXPECT_EQ(good->status, St::Ok) << "garbage next to a good plugin does not hurt it";
  EXPECT_TRUE(r.problems.empty()) << dump(r);
}

TEST(Discovery, MissingDirectoryIsSimplyEmpty) {
  auto r = discover_plugins({"/nonexistent/dashflow/plugins"});
  EXPECT_TRUE(r.candidates.empty());
  EXPECT_TRUE(r.problems.empty());
}

TEST(Discovery, CandidatesAreSortedByFileName) {
  TempDir dir;
  hosttest::copy_into(hosttest::case_so("no-manifest"), dir.path(), "c.so");
  hosttest::copy_into(hosttest::good_so(), dir.path(), "b.so");
  hosttest::copy_into(hosttest::case_so("abi-major"), dir.path(), "a.so");
  auto r = discover_plugins({dir.str()});
  ASSERT_EQ(r.candidates.size(), 3u);
  EXPECT_EQ(fs::path(r.candidates[0].path).filename(), "a.so");
  EXPECT_EQ(fs::path(r.candidates[1].path).filename(), "b.so");
  EXPECT_EQ(fs::path(r.candidates[2].path).filename(), "c.so");
}

// ------------------------------------------------------------ permissions

TEST(Permissions, WorldWritableFileIsRefusedWithChmodHint) {
  TempDir dir;
  const fs::path so = hosttest::copy_into(hosttest::good_so(), dir.path());
  ASSERT_EQ(::chmod(so.c_str(), 0757), 0);
  auto r = discover_plugins({dir.str()});
  ASSERT_EQ(r.candidates.size(), 1u) << dump(r);
  EXPECT_EQ(r.candidates[0].status, St::Refused);
  const std::string& why = r.candidates[0].reason;
  EXPECT_NE(why.find("world-writable"), std::string::npos) << why;
  EXPECT_NE(why.find("0757"), std::string::npos) << why;
  EXPECT_NE(why.find("chmod o-w " + so.string()), std::string::npos) << why;
  EXPECT_FALSE(r.candidates[0].manifest) << "the manifest of a refused file is not even read";
}

TEST(Permissions, WorldWritableDirectoryContributesNothing) {
  TempDir dir;
  hosttest::copy_into(hosttest::good_so(), dir.path());
  ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);
  auto r = discover_plugins({dir.str()});
  EXPECT_TRUE(r.candidates.empty()) << dump(r);
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_NE(r.problems[0].find("world-writable"), std::string::npos) << r.problems[0];
  EXPECT_NE(r.problems[0].find("chmod o-w " + dir.str()), std::string::npos) << r.problems[0];
}

TEST(Permissions, StickyWorldWritableDirectoryIsStillRefused) {
  TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 01777), 0);
  EXPECT_NE(check_plugin_path_permissions(dir.str(), true).find("world-writable"), std::string::npos);
}

TEST(Permissions, OwnedByAnotherNonRootUserIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to chown to uid " << kNobody;
  TempDir dir;
  const fs::path so = hosttest::copy_into(hosttest::good_so(), dir.path());
  ASSERT_EQ(::chown(so.c_str(), kNobody, kNobody), 0);
  auto r = discover_plugins({dir.str()});
  ASSERT_EQ(r.candidates.size(), 1u) << dump(r);
  EXPECT_EQ(r.candidates[0].status, St::Refused);
  const std::string& why = r.candidates[0].reason;
  EXPECT_NE(why.find("owned by"), std::string::npos) << why;
  EXPECT_NE(why.find(std::to_string(kNobody)), std::string::npos) << why;
  EXPECT_NE(why.find("chown"), std::string::npos) << why;
}

TEST(Permissions, DirectoryOwnedByAnotherNonRootUserIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to chown to uid " << kNobody;
  TempDir dir;
  hosttest::copy_into(hosttest::good_so(), dir.path());
  ASSERT_EQ(::chown(dir.path().c_str(), kNobody, kNobody), 0);
  auto r = discover_plugins({dir.str()});
  EXPECT_TRUE(r.candidates.empty()) << dump(r);
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_NE(r.problems[0].find("owned by"), std::string::npos) << r.problems[0];
}

TEST(Permissions, OwnFilesAndRootFilesAreAccepted) {
  TempDir dir;
  const fs::path so = hosttest::copy_into(hosttest::good_so(), dir.path());
  EXPECT_EQ(check_plugin_path_permissions(so.string(), false), "");
  EXPECT_EQ(check_plugin_path_permissions(dir.str(), true), "");
  EXPECT_EQ(check_plugin_path_permissions("/usr/lib", true), "") << "root-owned, not world-writable";
  EXPECT_NE(check_plugin_path_permissions("/nonexistent/x.so", false).find("cannot stat"), std::string::npos);
}

TEST(Permissions, InspectRefusesWorldWritableFile) {
  TempDir dir;
  const fs::path so = hosttest::copy_into(hosttest::good_so(), dir.path());
  ASSERT_EQ(::chmod(so.c_str(), 0666), 0);
  auto c = inspect_plugin_file(so.string());
  EXPECT_EQ(c.status, St::Refused);
  EXPECT_NE(c.reason.find("chmod o-w"), std::string::npos) << c.reason;
}

// ------------------------------------------------------------ search path

TEST(SearchPath, OrderIsCliThenEnvThenConfigThenBuiltin) {
  hosttest::ScopedEnv env("DASHFLOW_PLUGIN_PATH", std::string("/env/one::/env/two:"));
  auto dirs = plugin_search_path({"/cli/a", "/cli/b"}, {"/config/c"}, true);
  ASSERT_EQ(dirs.size(), 6u);
  EXPECT_EQ(dirs[0], "/cli/a");
  EXPECT_EQ(dirs[1], "/cli/b");
  EXPECT_EQ(dirs[2], "/env/one");
  EXPECT_EQ(dirs[3], "/env/two");
  EXPECT_EQ(dirs[4], "/config/c");
  EXPECT_EQ(dirs[5], dashflow::host::builtin_plugin_dir());
}

TEST(SearchPath, WithoutEnvOrBuiltin) {
  hosttest::ScopedEnv env("DASHFLOW_PLUGIN_PATH", std::nullopt);
  auto dirs = plugin_search_path({}, {"/config/c"}, false);
  ASSERT_EQ(dirs.size(), 1u);
  EXPECT_EQ(dirs[0], "/config/c");
}

TEST(SearchPath, BuiltinDirIsNextToTheExecutable) {
  // For this test binary: <build>/bin/host_discovery -> <build>/lib/dashflow/plugins.
  EXPECT_EQ(fs::path(dashflow::host::builtin_plugin_dir()), fs::path(DASHFLOW_PLUGIN_DIR));
}

}  // namespace
