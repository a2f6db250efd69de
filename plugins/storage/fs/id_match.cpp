#include "id_match.hpp"

#include <algorithm>

#include "dashflow/errors.hpp"

namespace dashflow::fsstore {

std::string resolve_id(const std::vector<std::string>& ids, std::string_view query, const IdLookup& lookup) {
  const std::string q(query);
  if (q.empty()) throw Error(lookup.kind + " id is empty; " + lookup.hint);
  for (const std::string& id : ids)
    if (id == q) return id;
  if (q.size() < kMinPrefix) {
    throw Error(lookup.kind + " id prefix '" + q + "' is too short; give at least " + std::to_string(kMinPrefix) +
                " characters (" + lookup.hint + ")");
  }
  std::vector<std::string> matches;
  for (const std::string& id : ids)
    if (id.size() > q.size() && id.compare(0, q.size(), q) == 0) matches.push_back(id);
  std::sort(matches.begin(), matches.end());
  matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
  if (matches.empty()) throw NotFoundError(lookup.kind + " " + q + " not found in " + lookup.where + "; " + lookup.hint);
  if (matches.size() > 1) {
    std::string list;
    for (const std::string& m : matches) list += (list.empty() ? "" : ", ") + m;
    throw ConflictError(lookup.kind + " id prefix '" + q + "' is ambiguous: it matches " +
                        std::to_string(matches.size()) + " " + lookup.kind + "s (" + list +
                        "); give more characters");
  }
  return matches.front();
}

bool is_safe_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace dashflow::fsstore
