// Reading the manifest section from ELF files without loading them: the real
// console plugin, the test plugins, and every kind of garbage.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dashflow/abi.h"
#include "host_test_support.hpp"
#include "plugin/elf_manifest.hpp"
#include "plugin/manifest.hpp"

using dashflow::host::check_abi;
using dashflow::host::host_abi_string;
using dashflow::host::ManifestReadResult;
using dashflow::host::parse_manifest;
using dashflow::host::read_embedded_manifest;
using dashflow::host::read_needed_libraries;
using dashflow::test::TempDir;
using hosttest::write_file;
namespace fs = std::filesystem;
using Status = ManifestReadResult::Status;

namespace {

std::string abi_line() {
  return "abi=" + std::to_string(DASHFLOW_ABI_MAJOR) + "." + std::to_string(DASHFLOW_ABI_MINOR);
}

TEST(ElfManifest, ReadsTheRealConsolePlugin) {
  auto r = read_embedded_manifest(hosttest::console_so().string());
  ASSERT_EQ(r.status, Status::Ok) << r.message;
  EXPECT_EQ(r.manifest.abi_line.rfind(abi_line() + " ", 0), 0u) << r.manifest.abi_line;
  EXPECT_NE(r.manifest.abi_line.find("cxx11abi=1"), std::string::npos) << r.manifest.abi_line;
  auto j = nlohmann::json::parse(r.manifest.json_text);
  EXPECT_EQ(j["id"], "console");
  EXPECT_EQ(j["kind"], "alert-sink");
  std::string error;
  auto m = parse_manifest(r.manifest, error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->abi.major, DASHFLOW_ABI_MAJOR);
  EXPECT_EQ(m->abi.minor, DASHFLOW_ABI_MINOR);
  EXPECT_EQ(check_abi(m->abi), "");
  EXPECT_TRUE(m->config_schema["properties"].contains("color"));
}

TEST(ElfManifest, ReadsTheGoodTestPlugin) {
  auto r = read_embedded_manifest(hosttest::good_so().string());
  ASSERT_EQ(r.status, Status::Ok) << r.message;
  std::string error;
  auto m = parse_manifest(r.manifest, error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->id, "good-analyzer");
  EXPECT_EQ(m->version, "1.2.3");
  EXPECT_EQ(m->kind, dashflow::PluginKind::Analyzer);
  EXPECT_EQ(m->config_schema["properties"]["threshold"]["minimum"], 1);
}

TEST(ElfManifest, HandWrittenForeignManifestsAreRead) {
  for (const auto& [name, version] : std::vector<std::pair<std::string, std::string>>{{"abi-major", "99.0"},
                                                                                     {"abi-minor", "1.7"}}) {
    auto r = read_embedded_manifest(hosttest::case_so(name).string());
    ASSERT_EQ(r.status, Status::Ok) << name << ": " << r.message;
    EXPECT_EQ(r.manifest.abi_line.rfind("abi=" + version, 0), 0u) << r.manifest.abi_line;
    std::string error;
    auto m = parse_manifest(r.manifest, error);
    ASSERT_TRUE(m) << error;
    EXPECT_EQ(m->id, name);
    const std::string why = check_abi(m->abi);
    EXPECT_NE(why.find(version), std::string::npos) << why;
    EXPECT_NE(why.find(host_abi_string()), std::string::npos) << why;
  }
}

TEST(ElfManifest, InvalidJsonManifestIsReadButDoesNotParse) {
  auto r = read_embedded_manifest(hosttest::case_so("invalid-json").string());
  ASSERT_EQ(r.status, Status::Ok) << r.message;
  std::string error;
  EXPECT_FALSE(parse_manifest(r.manifest, error));
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
}

TEST(ElfManifest, PlainSharedObjectHasNoManifest) {
  auto r = read_embedded_manifest(hosttest::case_so("no-manifest").string());
  EXPECT_EQ(r.status, Status::NoManifest);
  EXPECT_NE(r.message.find(".dashflow_manifest"), std::string::npos) << r.message;
}

TEST(ElfManifest, ExecutableIsNotASharedObject) {
  auto r = read_embedded_manifest(hosttest::dashflow_exe().string());
  // PIE executables are ET_DYN too; either way it has no manifest and is no plugin.
  EXPECT_NE(r.status, Status::Ok);
}

TEST(ElfManifest, NotAnElfFile) {
  TempDir dir;
  write_file(dir / "text.so", "this is just text, named like a plugin\n");
  auto r = read_embedded_manifest((dir / "text.so").string());
  EXPECT_EQ(r.status, Status::NotElf);
  EXPECT_EQ(r.message, "not an ELF file");
}

TEST(ElfManifest, EmptyFile) {
  TempDir dir;
  write_file(dir / "empty.so", "");
  auto r = read_embedded_manifest((dir / "empty.so").string());
  EXPECT_EQ(r.status, Status::NotElf);
}

TEST(ElfManifest, MagicOnly) {
  TempDir dir;
  write_file(dir / "magic.so", "\x7f" "ELF");
  EXPECT_EQ(read_embedded_manifest((dir / "magic.so").string()).status, Status::NotElf);
}

TEST(ElfManifest, MissingFile) {
  auto r = read_embedded_manifest("/nonexistent/dir/x.so");
  EXPECT_EQ(r.status, Status::Invalid);
  EXPECT_NE(r.message.find("cannot open"), std::string::npos) << r.message;
}

// Every prefix length of a real plugin: never a crash, never a manifest
// from a file whose section table is cut off.
TEST(ElfManifest, TruncatedElfAtManyLengthsIsRefusedNeverCrashes) {
  TempDir dir;
  const std::string full = hosttest::read_file(hosttest::good_so());
  ASSERT_GT(full.size(), 4096u);
  std::vector<size_t> lengths = {5, 16, 63, 64, 65, 200, 1024, 4096, full.size() / 2, full.size() - 64, full.size() - 1};
  for (size_t len : lengths) {
    const fs::path p = dir / ("cut-" + std::to_string(len) + ".so");
    write_file(p, full.substr(0, len));
    auto r = read_embedded_manifest(p.string());
    EXPECT_NE(r.status, Status::Ok) << "length " << len;
    EXPECT_FALSE(r.message.empty()) << "length " << len;
  }
}

TEST(ElfManifest, CorruptedHeadersAreRefused) {
  TempDir dir;
  const std::string full = hosttest::read_file(hosttest::good_so());
  auto corrupt = [&](const std::string& name, size_t offset, const std::string& bytes) {
    std::string copy = full;
    copy.replace(offset, bytes.size(), bytes);
    const fs::path p = dir / name;
    write_file(p, copy);
    return read_embedded_manifest(p.string());
  };
  // EI_CLASS = 32-bit
  auto r = corrupt("class.so", 4, std::string(1, '\x01'));
  EXPECT_EQ(r.status, Status::Invalid);
  EXPECT_NE(r.message.find("64-bit"), std::string::npos) << r.message;
  // EI_DATA = big endian
  r = corrupt("endian.so", 5, std::string(1, '\x02'));
  EXPECT_EQ(r.status, Status::Invalid);
  EXPECT_NE(r.message.find("little-endian"), std::string::npos) << r.message;
  // e_type = ET_REL (offset 16)
  r = corrupt("type.so", 16, std::string("\x01\x00", 2));
  EXPECT_EQ(r.status, Status::Invalid);
  EXPECT_NE(r.message.find("not a shared object"), std::string::npos) << r.message;
  // e_machine = something else (offset 18)
  r = corrupt("machine.so", 18, std::string("\x28\x00", 2));
  EXPECT_EQ(r.status, Status::Invalid);
  // e_shoff (offset 40) far beyond the end of the file
  r = corrupt("shoff.so", 40, std::string("\x00\x00\x00\x00\x00\x00\x00\x70", 8));
  EXPECT_EQ(r.status, Status::Invalid);
  EXPECT_NE(r.message.find("outside the file"), std::string::npos) << r.message;
  // e_shoff so large that offset + size overflows
  r = corrupt("overflow.so", 40, std::string("\xf0\xff\xff\xff\xff\xff\xff\xff", 8));
  EXPECT_EQ(r.status, Status::Invalid);
  // e_shstrndx (offset 62) out of range
  r = corrupt("shstrndx.so", 62, std::string("\xff\xff", 2));
  EXPECT_EQ(r.status, Status::Invalid);
}

TEST(ElfManifest, SurvivesStripping) {
  if (std::system("command -v strip >/dev/null 2>&1") != 0) GTEST_SKIP() << "strip not installed";
  TempDir dir;
  const fs::path copy = hosttest::copy_into(hosttest::good_so(), dir.path());
  const std::string cmd = "strip --strip-all '" + copy.string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_LT(fs::file_size(copy), fs::file_size(hosttest::good_so()));
  auto r = read_embedded_manifest(copy.string());
  ASSERT_EQ(r.status, Status::Ok) << r.message;
  EXPECT_NE(r.manifest.json_text.find("good-analyzer"), std::string::npos);
}

TEST(ElfManifest, NeededLibrariesOfARealPlugin) {
  auto needed = read_needed_libraries(hosttest::console_so().string());
  bool libc = false;
  for (const auto& n : needed) libc = libc || n.rfind("libc.so", 0) == 0;
  EXPECT_TRUE(libc) << "the console plugin needs libc";
  TempDir dir;
  write_file(dir / "x.so", "garbage");
  EXPECT_TRUE(read_needed_libraries((dir / "x.so").string()).empty());
  EXPECT_TRUE(read_needed_libraries("/nonexistent.so").empty());
}

// parse_manifest field checks, on hand-made embedded manifests.
dashflow::host::EmbeddedManifest embedded(const std::string& json_text, const std::string& abi = "") {
  return {abi.empty() ? abi_line() + " cxx11abi=1 gxxabi=1017" : abi, json_text};
}

std::string parse_error(const std::string& json_text) {
  std::string error;
  auto m = parse_manifest(embedded(json_text), error);
  return m ? "" : error;
}

TEST(ManifestFields, RequiredFieldsAndFormats) {
  const std::string base = R"("kind": "analyzer", "version": "1.0.0", "description": "d")";
  EXPECT_EQ(parse_error(R"({"id": "ok-id", )" + base + "}"), "");
  EXPECT_NE(parse_error(R"({)" + base + "}").find("'id'"), std::string::npos);
  EXPECT_NE(parse_error(R"({"id": "Bad Id", )" + base + "}").find("Bad Id"), std::string::npos);
  EXPECT_NE(parse_error(R"({"id": "x", "kind": "frobnicator", "version": "1.0.0", "description": "d"})")
                .find("frobnicator"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"id": "x", "kind": "analyzer", "version": "one", "description": "d"})")
                .find("semantic version"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"id": "x", "kind": "analyzer", "version": "1.0.0"})").find("'description'"),
            std::string::npos);
  EXPECT_NE(parse_error("[1, 2]").find("JSON object"), std::string::npos);
  EXPECT_NE(parse_error(R"({"id": "x", )" + base + R"(, "config_schema": 5})").find("config_schema"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"id": "x", )" + base + R"(, "config_schema": {"type": "object", "oneOf": []}})")
                .find("oneOf"),
            std::string::npos);
}

TEST(ManifestFields, NoSchemaMeansNoConfig) {
  std::string error;
  auto m = parse_manifest(embedded(R"({"id": "x", "kind": "planner", "version": "1.0.0", "description": "d"})"), error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->config_schema["additionalProperties"], false);
}

TEST(ManifestAbi, Rules) {
  auto abi = [](const std::string& line) {
    std::string error;
    auto m = parse_manifest(embedded(R"({"id": "x", "kind": "planner", "version": "1.0.0", "description": "d"})", line),
                            error);
    EXPECT_TRUE(m) << error;
    return check_abi(m->abi);
  };
  const std::string host = host_abi_string();
  EXPECT_EQ(abi(abi_line() + " cxx11abi=1"), "");
  EXPECT_EQ(abi("abi=" + std::to_string(DASHFLOW_ABI_MAJOR) + ".0"), "") << "an older or equal minor loads";
  std::string major = abi("abi=99.0");
  EXPECT_NE(major.find("99.0"), std::string::npos) << major;
  EXPECT_NE(major.find(host), std::string::npos) << major;
  std::string minor = abi("abi=" + std::to_string(DASHFLOW_ABI_MAJOR) + "." + std::to_string(DASHFLOW_ABI_MINOR + 7));
  EXPECT_NE(minor.find("newer"), std::string::npos) << minor;
  EXPECT_NE(abi("cxx11abi=1").find("no readable SDK ABI"), std::string::npos);
  EXPECT_NE(abi("abi=x.y").find("no readable SDK ABI"), std::string::npos);
  EXPECT_NE(abi(abi_line() + " cxx11abi=0").find("_GLIBCXX_USE_CXX11_ABI=0"), std::string::npos);
}

}  // namespace
