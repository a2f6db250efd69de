// Reading analyzer settings from the (already schema-validated) plugin
// config, with the reference defaults when a key is absent. A value of the
// wrong type or out of range throws ConfigError naming the key, so a plugin
// constructed without the host's validation (tests, other hosts) is still safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dashflow/json.hpp"

namespace dashflow::analyzers {

uint64_t config_uint(const json& config, const char* key, uint64_t fallback);
double config_number(const json& config, const char* key, double fallback, double min, double max);
bool config_bool(const json& config, const char* key, bool fallback);
std::vector<std::string> config_strings(const json& config, const char* key);

}  // namespace dashflow::analyzers
