/* dashflow plugin ABI: the only things that cross the host/plugin boundary by
 * C layout. Everything else is C++ behind the interfaces in plugin.hpp, which
 * is why the manifest also records the C++ toolchain ABI (see export.hpp).
 *
 * Compatibility rule: a plugin loads when its ABI major equals the host's and
 * its minor is lower or equal. Structs are size-tagged and only ever grow at
 * the end, so a host can serve an older plugin. */
#ifndef DASHFLOW_ABI_H
#define DASHFLOW_ABI_H

#include <stddef.h>
#include <stdint.h>

#define DASHFLOW_ABI_MAJOR 1
/* 1.1: Analyzer::alerts() appended to the analyzer interface. */
#define DASHFLOW_ABI_MINOR 1

/* "DSHF" little endian */
#define DASHFLOW_PLUGIN_MAGIC 0x46485344u

/* The one exported symbol of every plugin. */
#define DASHFLOW_ENTRY_SYMBOL "dashflow_plugin_entry_v1"

/* ELF section that holds the manifest, readable without loading the file. */
#define DASHFLOW_MANIFEST_SECTION ".dashflow_manifest"
#define DASHFLOW_MANIFEST_MAGIC "DASHFLOW-MANIFEST-1"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dashflow_log_level {
  DASHFLOW_LOG_TRACE = 0,
  DASHFLOW_LOG_DEBUG = 1,
  DASHFLOW_LOG_INFO = 2,
  DASHFLOW_LOG_WARN = 3,
  DASHFLOW_LOG_ERROR = 4
} dashflow_log_level;

typedef enum dashflow_metric_type {
  DASHFLOW_METRIC_COUNTER_ADD = 0,
  DASHFLOW_METRIC_GAUGE_SET = 1,
  DASHFLOW_METRIC_HISTOGRAM_OBSERVE = 2
} dashflow_metric_type;

typedef void (*dashflow_event_handler)(void* user, const char* topic, const char* payload_json);

/* Services the host hands to each plugin instance. `ctx` identifies the
 * instance (logs and metrics are tagged with the plugin id by the host). */
typedef struct dashflow_host_api {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  void* ctx;
  void (*log)(void* ctx, int level, const char* message, size_t length);
  int64_t (*now_unix_ms)(void* ctx);
  void (*metric)(void* ctx, int type, const char* name, const char* labels_json, double value);
  int (*is_cancelled)(void* ctx);
  void (*publish_event)(void* ctx, const char* topic, const char* payload_json);
  int (*subscribe)(void* ctx, const char* topic_prefix, dashflow_event_handler handler, void* user);
} dashflow_host_api;

/* Returned by the entry symbol. `create` returns a pointer to the kind's C++
 * interface (dashflow::Analyzer*, ...) or NULL with a message in err. */
typedef struct dashflow_plugin_descriptor {
  uint32_t magic;
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  const char* id;
  const char* kind;
  const char* version;
  const char* manifest; /* the same manifest text as the ELF section */
  void* (*create)(const dashflow_host_api* host, const char* config_json, char* err, size_t err_size);
  void (*destroy)(void* instance);
} dashflow_plugin_descriptor;

typedef const dashflow_plugin_descriptor* (*dashflow_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif
