// Validates JSON against the subset of JSON Schema that plugin manifests use
// (type, properties, required, additionalProperties, enum, const, minimum,
// maximum, exclusiveMinimum/Maximum, minLength, maxLength, pattern, items,
// minItems, maxItems, default). Unknown keys are errors with a "did you mean".
// Runs in the host before any plugin code, so a bad config never reaches a plugin.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dashflow::host {

struct SchemaIssue {
  std::string path;     // JSON pointer-like path: "/thresholds/min_error_count"
  std::string message;  // "unknown key 'min_eror_count' (did you mean 'min_error_count'?)"
  std::string to_string() const { return (path.empty() ? "/" : path) + ": " + message; }
};

// Empty result = valid.
std::vector<SchemaIssue> validate_against_schema(const nlohmann::json& value, const nlohmann::json& schema);

// Copy of value with "default"s from the schema filled in where keys are absent
// (recursively for nested objects).
nlohmann::json apply_schema_defaults(const nlohmann::json& value, const nlohmann::json& schema);

// Checks that a schema only uses keywords this validator understands, so a
// plugin author learns at `plugins check` time, not in production.
std::vector<SchemaIssue> check_schema_supported(const nlohmann::json& schema);

}  // namespace dashflow::host
