// The built plugin files: they load with RTLD_NOW (all symbols resolved),
// export the entry point with the right id and kind, create an analyzer from
// "{}", and their manifest's config_schema defaults equal the code defaults.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "capability_gaps.hpp"
#include "dashflow/abi.h"
#include "dashflow/json.hpp"
#include "deprecation.hpp"
#include "patterns.hpp"
#include "retrospective.hpp"
#include "trace_builder.hpp"

using namespace dashflow;
using namespace dashflow::analyzers;

namespace {

struct Case {
  const char* id;
  const char* file;    // under DASHFLOW_PLUGIN_DIR
  const char* source;  // plugin.cpp holding the manifest
};

const Case kCases[] = {
    {"capability-gaps", "dashflow-analyzer-capability-gaps.so", "plugins/analyzer/capability-gaps/plugin.cpp"},
    {"deprecation", "dashflow-analyzer-deprecation.so", "plugins/analyzer/deprecation/plugin.cpp"},
    {"retrospective", "dashflow-analyzer-retrospective.so", "plugins/analyzer/retrospective/plugin.cpp"},
    {"patterns", "dashflow-analyzer-patterns.so", "plugins/analyzer/patterns/plugin.cpp"},
};

json manifest_from_source(const std::string& relative) {
  std::ifstream in(std::string(DASHFLOW_SOURCE_DIR) + "/" + relative);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const size_t begin = text.find("R\"json(");
  const size_t end = text.find(")json\"");
  if (begin == std::string::npos || end == std::string::npos) return json();
  return json::parse(text.substr(begin + 7, end - begin - 7));
}

json defaults_of(const json& manifest) {
  json out = json::object();
  for (const auto& [key, schema] : manifest.at("config_schema").at("properties").items()) out[key] = schema.at("default");
  return out;
}

}  // namespace

TEST(Plugins, LoadWithAllSymbolsResolvedAndDescribeThemselves) {
  for (const auto& c : kCases) {
    const std::string path = std::string(DASHFLOW_PLUGIN_DIR) + "/" + c.file;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle, nullptr) << dlerror();
    auto entry = reinterpret_cast<dashflow_plugin_entry_fn>(dlsym(handle, DASHFLOW_ENTRY_SYMBOL));
    ASSERT_NE(entry, nullptr) << c.file;
    const dashflow_plugin_descriptor* d = entry();
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->magic, DASHFLOW_PLUGIN_MAGIC);
    EXPECT_EQ(d->abi_major, DASHFLOW_ABI_MAJOR);
    EXPECT_STREQ(d->id, c.id);
    EXPECT_STREQ(d->kind, "analyzer");
    char err[256] = {0};
    void* instance = d->create(nullptr, "{}", err, sizeof err);
    ASSERT_NE(instance, nullptr) << err;
    auto* analyzer = static_cast<Analyzer*>(instance);
    auto state = analyzer->make_state();
    const auto out = analyzer->finish(*state, AnalysisContext{});
    EXPECT_TRUE(out.capability_gaps.empty());
    state.reset();
    d->destroy(instance);
    // A bad config is a reported error, not a crash.
    const char* bad = std::string(c.id) == "retrospective" ? R"({"include_platform_insights": 3})"
                                                           : R"({"min_confidence": 7})";
    EXPECT_EQ(d->create(nullptr, bad, err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("config key"), std::string::npos) << err;
    // Never unloaded (as the host does).
  }
}

TEST(Plugins, ManifestSchemasAreStrictAndDescribed) {
  for (const auto& c : kCases) {
    const json m = manifest_from_source(c.source);
    ASSERT_TRUE(m.is_object()) << c.source;
    EXPECT_EQ(m.at("id"), c.id);
    EXPECT_EQ(m.at("kind"), "analyzer");
    const json& schema = m.at("config_schema");
    EXPECT_EQ(schema.at("additionalProperties"), false) << c.id;
    for (const auto& [key, property] : schema.at("properties").items()) {
      EXPECT_TRUE(property.contains("description")) << c.id << "." << key;
      EXPECT_TRUE(property.contains("default")) << c.id << "." << key;
    }
  }
}

TEST(Plugins, ManifestDefaultsEqualCodeDefaults) {
  EXPECT_EQ(CapabilityGapConfig::from_json(defaults_of(manifest_from_source(kCases[0].source))), CapabilityGapConfig{});
  EXPECT_EQ(DeprecationConfig::from_json(defaults_of(manifest_from_source(kCases[1].source))), DeprecationConfig{});
  EXPECT_EQ(RetrospectiveConfig::from_json(defaults_of(manifest_from_source(kCases[2].source))), RetrospectiveConfig{});
  EXPECT_EQ(PatternsConfig::from_json(defaults_of(manifest_from_source(kCases[3].source))), PatternsConfig{});
}

TEST(Plugins, EverySettingIsInTheSchema) {
  // Each key the code reads is declared, so a configured value is never rejected.
  const json gaps = manifest_from_source(kCases[0].source).at("config_schema").at("properties");
  for (const char* key : {"min_error_count", "min_retry_rate", "min_pattern_occurrences", "min_confidence", "threshold_ms"})
    EXPECT_TRUE(gaps.contains(key)) << key;
  const json dep = manifest_from_source(kCases[1].source).at("config_schema").at("properties");
  for (const char* key : {"min_total_executions", "usage_threshold", "min_confidence", "known_nodes", "known_tools"})
    EXPECT_TRUE(dep.contains(key)) << key;
  // Settings change behaviour through the constructor used by the host.
  const PluginContext context(nullptr, R"({"threshold_ms": 5000})");
  EXPECT_EQ(CapabilityGapAnalyzer(context).config().threshold_ms, 5000u);
}
