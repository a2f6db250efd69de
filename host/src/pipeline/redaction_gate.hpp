// Redaction before anything leaves the process: reports, plans, hypotheses,
// alerts and exports pass through the configured Redactor (config section
// "redaction"; built-in detectors on by default) on their way to storage or
// a sink. Typed values go through their JSON form and back.
#pragma once

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "dashflow/json.hpp"
#include "dashflow/redaction.hpp"

namespace dashflow::host {

class RedactionGate {
 public:
  // Throws ConfigError naming the bad key or pattern.
  explicit RedactionGate(const json& config_section);

  void apply(json& value);

  // Redacts a typed value in place. A redaction that breaks the value's shape
  // (a secret-named numeric field) throws: storing it unredacted is not an option.
  template <class T>
  void apply_to(T& value, const char* what) {
    if (!redactor_.enabled()) return;
    json j = value;
    apply(j);
    try {
      value = j.get<T>();
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("redaction changed the shape of a ") + what + ": " + e.what());
    }
  }

  RedactionStats stats() const;

 private:
  Redactor redactor_;
  mutable std::mutex mutex_;
  RedactionStats stats_;
};

// From the config file's "redaction" section (absent = defaults).
std::shared_ptr<RedactionGate> make_redaction_gate(const json& config_raw);

}  // namespace dashflow::host
