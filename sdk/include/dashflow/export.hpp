// DASHFLOW_PLUGIN(Class, manifest_json): the one line that makes a plugin.
//
// It emits
//  * the manifest (magic, ABI line, then your JSON) into the ELF section
//    ".dashflow_manifest", so hosts read it without running any plugin code;
//  * the extern "C" entry symbol dashflow_plugin_entry_v1 returning the
//    descriptor with create/destroy trampolines that never let an exception
//    escape.
//
// manifest_json must be a string literal:
//   DASHFLOW_PLUGIN(MyAnalyzer, R"json({
//     "id": "my-analyzer", "kind": "analyzer", "version": "1.0.0",
//     "description": "What it finds",
//     "config_schema": {"type": "object", "properties": {}, "additionalProperties": false}
//   })json")
//
// Optional manifest fields:
//   "reads_payloads": true   (analyzers) this analyzer reads state_before /
//                            state_after / state_at_error / final_state. When no
//                            analyzer of a pipeline says so, trace sources skip
//                            those payloads (they are most of the parse cost)
//                            and the analyzer sees them empty.
#pragma once

#include <cstring>
#include <exception>
#include <string>
#include <type_traits>

#include "dashflow/abi.h"
#include "dashflow/plugin.hpp"

#define DASHFLOW_STRINGIFY_(x) #x
#define DASHFLOW_STRINGIFY(x) DASHFLOW_STRINGIFY_(x)

// The toolchain facts the host checks besides the SDK ABI: the C++ interfaces
// pass std::string and std::vector, so the libstdc++ dual ABI must match.
#if defined(_GLIBCXX_USE_CXX11_ABI)
#define DASHFLOW_CXX11_ABI_ DASHFLOW_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#else
#define DASHFLOW_CXX11_ABI_ "none"
#endif

#define DASHFLOW_MANIFEST_ABI_LINE                                                             \
  "abi=" DASHFLOW_STRINGIFY(DASHFLOW_ABI_MAJOR) "." DASHFLOW_STRINGIFY(DASHFLOW_ABI_MINOR) \
  " cxx11abi=" DASHFLOW_CXX11_ABI_ " gxxabi=" DASHFLOW_STRINGIFY(__GXX_ABI_VERSION)

namespace dashflow::detail {

template <class T>
struct interface_of {
  static constexpr int matches = int(std::is_base_of_v<Analyzer, T>) + int(std::is_base_of_v<Planner, T>) +
                                 int(std::is_base_of_v<StorageBackend, T>) + int(std::is_base_of_v<AlertSink, T>) +
                                 int(std::is_base_of_v<Reviewer, T>) + int(std::is_base_of_v<TraceSource, T>);
  static_assert(matches == 1, "a dashflow plugin class must derive from exactly one plugin interface");
  using type = std::conditional_t<
      std::is_base_of_v<Analyzer, T>, Analyzer,
      std::conditional_t<
          std::is_base_of_v<Planner, T>, Planner,
          std::conditional_t<std::is_base_of_v<StorageBackend, T>, StorageBackend,
                             std::conditional_t<std::is_base_of_v<AlertSink, T>, AlertSink,
                                                std::conditional_t<std::is_base_of_v<Reviewer, T>, Reviewer,
                                                                   TraceSource>>>>>;
};

inline void copy_error(char* err, size_t size, const char* message) {
  if (!err || size == 0) return;
  std::strncpy(err, message, size - 1);
  err[size - 1] = '\0';
}

template <class T>
void* create_instance(const dashflow_host_api* host, const char* config_json, char* err, size_t err_size) noexcept {
  using Interface = typename interface_of<T>::type;
  try {
    T* object = new T(PluginContext(host, config_json ? config_json : "{}"));
    return static_cast<void*>(static_cast<Interface*>(object));
  } catch (const std::exception& e) {
    copy_error(err, err_size, e.what());
  } catch (...) {
    copy_error(err, err_size, "unknown exception (not derived from std::exception)");
  }
  return nullptr;
}

template <class T>
void destroy_instance(void* instance) noexcept {
  using Interface = typename interface_of<T>::type;
  try {
    delete static_cast<Interface*>(instance);
  } catch (...) {
  }
}

// Field extraction from the manifest text, done once inside the plugin so the
// descriptor's id/kind/version always agree with the embedded manifest.
struct ManifestFields {
  std::string id, kind, version;
};
inline ManifestFields read_manifest_fields(const char* blob) {
  ManifestFields f;
  const char* text = std::strchr(blob, '\n');
  if (!text) return f;
  text = std::strchr(text + 1, '\n');
  if (!text) return f;
  try {
    json j = json::parse(text + 1);
    f.id = j.value("id", "");
    f.kind = j.value("kind", "");
    f.version = j.value("version", "");
  } catch (...) {
  }
  return f;
}

template <class T>
const dashflow_plugin_descriptor* make_descriptor(const char* manifest_blob) {
  static const ManifestFields fields = read_manifest_fields(manifest_blob);
  static const dashflow_plugin_descriptor descriptor = {
      DASHFLOW_PLUGIN_MAGIC,
      static_cast<uint32_t>(sizeof(dashflow_plugin_descriptor)),
      DASHFLOW_ABI_MAJOR,
      DASHFLOW_ABI_MINOR,
      fields.id.c_str(),
      kind_name(T::kKind),
      fields.version.c_str(),
      manifest_blob,
      &create_instance<T>,
      &destroy_instance<T>,
  };
  return &descriptor;
}

}  // namespace dashflow::detail

#define DASHFLOW_PLUGIN(Class, manifest_json)                                                              \
  __attribute__((used, retain, section(DASHFLOW_MANIFEST_SECTION))) static const char                     \
      dashflow_manifest_blob_[] = DASHFLOW_MANIFEST_MAGIC "\n" DASHFLOW_MANIFEST_ABI_LINE "\n" manifest_json; \
  extern "C" __attribute__((visibility("default"))) const dashflow_plugin_descriptor*                      \
  dashflow_plugin_entry_v1(void) {                                                                           \
    return ::dashflow::detail::make_descriptor<Class>(dashflow_manifest_blob_);                             \
  }
