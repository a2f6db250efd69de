#include "daemon/cursor.hpp"

#include <set>

namespace dashflow::host {

bool DaemonCursor::is_new(const TraceUnit& unit) const {
  auto it = seen_.find(unit.locator);
  return it == seen_.end() || !(it->second == Identity{unit.size, unit.mtime_ns, unit.inode});
}

void DaemonCursor::mark(const TraceUnit& unit) { seen_[unit.locator] = Identity{unit.size, unit.mtime_ns, unit.inode}; }

void DaemonCursor::follow(const TraceUnit& from, const TraceUnit& to) {
  if (is_new(from)) return;  // never analyzed: the .gz is new as well
  seen_.erase(from.locator);
  mark(to);
}

void DaemonCursor::keep_only(const std::vector<TraceUnit>& present) {
  std::set<std::string> names;
  for (const auto& u : present) names.insert(u.locator);
  for (auto it = seen_.begin(); it != seen_.end();) it = names.count(it->first) ? std::next(it) : seen_.erase(it);
}

json DaemonCursor::to_json() const {
  // Compact rows: [locator, size, mtime_ns, inode]; tens of bytes per file.
  json units = json::array();
  for (const auto& [locator, id] : seen_) units.push_back(json::array({locator, id.size, id.mtime_ns, id.inode}));
  // "_schema_version" belongs to the storage backend (fs rewrites it), so the
  // cursor carries its own format number.
  return json{{"cursor_version", 1}, {"units", std::move(units)}};
}

DaemonCursor DaemonCursor::from_json(const json& j) {
  DaemonCursor c;
  if (!j.is_object() || j.value("cursor_version", 0) != 1 || !j.contains("units") || !j["units"].is_array())
    throw JsonError("", "not a daemon cursor document (version 1)");
  size_t i = 0;
  for (const auto& row : j["units"]) {
    if (!row.is_array() || row.size() != 4 || !row[0].is_string() || !row[1].is_number_unsigned() ||
        !row[2].is_number_integer() || !row[3].is_number_unsigned())
      throw JsonError("units[" + std::to_string(i) + "]", "expected [locator, size, mtime_ns, inode]");
    c.seen_[row[0].get<std::string>()] = Identity{row[1].get<uint64_t>(), row[2].get<int64_t>(), row[3].get<uint64_t>()};
    ++i;
  }
  return c;
}

}  // namespace dashflow::host
