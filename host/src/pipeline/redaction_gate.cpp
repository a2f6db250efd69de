#include "pipeline/redaction_gate.hpp"

#include "config/config.hpp"

namespace dashflow::host {

RedactionGate::RedactionGate(const json& config_section)
    : redactor_(config_section.is_null() ? json::object() : config_section) {}

void RedactionGate::apply(json& value) {
  RedactionStats s = redactor_.redact_json(value);
  if (s.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.merge(s);
}

RedactionStats RedactionGate::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

std::shared_ptr<RedactionGate> make_redaction_gate(const json& config_raw) {
  const json section = config_raw.is_object() && config_raw.contains("redaction") ? config_raw["redaction"] : json();
  try {
    return std::make_shared<RedactionGate>(section);
  } catch (const std::exception& e) {
    throw ConfigFileError(std::string("config 'redaction': ") + e.what());
  }
}

}  // namespace dashflow::host
