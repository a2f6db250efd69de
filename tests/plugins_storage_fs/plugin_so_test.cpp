// The built plugin .so: loads with RTLD_NOW (so every symbol resolved), its
// descriptor says storage/fs, and an instance made through the C entry works.
#include <dlfcn.h>

#include "storage_test_support.hpp"

namespace fstest {
namespace {

TEST(FsStoragePlugin, LoadsAndWorksThroughTheEntrySymbol) {
  const std::string so = std::string(DASHFLOW_PLUGIN_DIR) + "/dashflow-storage-fs.so";
  void* handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << ::dlerror();
  auto entry = reinterpret_cast<dashflow_plugin_entry_fn>(::dlsym(handle, DASHFLOW_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr);
  const dashflow_plugin_descriptor* d = entry();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->magic, DASHFLOW_PLUGIN_MAGIC);
  EXPECT_STREQ(d->id, "fs");
  EXPECT_STREQ(d->kind, "storage");
  const json manifest = json::parse(std::string(d->manifest).substr(std::string(d->manifest).find('{')));
  const json& props = manifest["config_schema"]["properties"];
  EXPECT_EQ(manifest["config_schema"]["additionalProperties"], false);
  EXPECT_EQ(props["path"]["default"], ".dashflow/introspection");
  EXPECT_EQ(props["size_warning_mb"]["default"], 100);
  EXPECT_EQ(props["size_critical_mb"]["default"], 500);
  EXPECT_EQ(props["report_warning_count"]["default"], 80);
  EXPECT_EQ(props["plan_warning_count"]["default"], 160);
  EXPECT_EQ(props["lock_timeout_ms"]["default"], 10000);

  TempDir dir;
  TestHost host;
  char err[256] = {0};
  const std::string config = json{{"path", dir.path().string()}}.dump();
  void* instance = d->create(&host.api, config.c_str(), err, sizeof err);
  ASSERT_NE(instance, nullptr) << err;
  auto* storage = static_cast<StorageBackend*>(instance);
  storage->initialize();
  storage->save_plan(sample_plan("1a2b3c4d-0000-4000-8000-000000000001"));
  EXPECT_EQ(storage->list_plans(PlanFolder::Pending).size(), 1u);
  d->destroy(instance);

  EXPECT_EQ(d->create(&host.api, R"({"nope": 1})", err, sizeof err), nullptr);
  EXPECT_NE(std::string(err).find("nope"), std::string::npos) << err;
}

}  // namespace
}  // namespace fstest
