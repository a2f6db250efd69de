// Id lookup by whole id or unique prefix (at least 4 characters).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dashflow::fsstore {

inline constexpr size_t kMinPrefix = 4;

struct IdLookup {
  std::string kind;   // "plan", "report", "hypothesis"
  std::string where;  // directory named in "not found"
  std::string hint;   // "run 'dashflow self-improve plans --status all' to list ids"
};

// The one id among `ids` equal to `query`, or the only one starting with it.
// Throws NotFoundError (none), ConflictError (several; lists them) or Error
// (prefix shorter than 4 characters).
std::string resolve_id(const std::vector<std::string>& ids, std::string_view query, const IdLookup& lookup);

// Ids safe to use as a file name: [A-Za-z0-9_-], 1..128 characters.
bool is_safe_id(std::string_view id);

}  // namespace dashflow::fsstore
