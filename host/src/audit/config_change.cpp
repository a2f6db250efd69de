#include "audit/config_change.hpp"

#include "audit/audit_log.hpp"
#include "audit/sha256.hpp"

namespace dashflow::host {
namespace {

constexpr const char* kConfigDocument = "state/config.json";

}  // namespace

bool record_config_change(const Config& config, PluginInstance<StorageBackend>& storage, const std::string& actor) {
  // The parsed document, dumped with sorted keys: whitespace and key order are not changes.
  const std::string digest = sha256_hex(config.raw.dump());
  nlohmann::json previous;
  if (auto text = storage.call("get_document", [](StorageBackend& s) { return s.get_document(kConfigDocument); })) {
    previous = nlohmann::json::parse(*text, nullptr, false);
    if (previous.is_object() && previous.value("sha256", "") == digest && previous.value("source", "") == config.source)
      return false;
  }
  nlohmann::json details = {{"source", config.source},
                            {"sha256", digest},
                            {"previous_source", previous.is_object() ? previous.value("source", "") : ""},
                            {"previous_sha256", previous.is_object() ? previous.value("sha256", "") : ""}};
  AuditLog(default_audit_dir(storage->location())).append("config.change", actor, details);
  storage.call("put_document", [&](StorageBackend& s) {
    s.put_document(kConfigDocument, nlohmann::json{{"source", config.source}, {"sha256", digest}}.dump());
  });
  return true;
}

}  // namespace dashflow::host
