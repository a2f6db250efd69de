// Which trace units the daemon has already analyzed, by file identity
// (locator, size, mtime, inode), persisted in storage as a document so that a
// restart neither re-analyzes nor re-alerts. A unit whose identity changed
// (rewritten, appended to) counts as new.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dashflow/json.hpp"
#include "dashflow/plugin.hpp"

namespace dashflow::host {

class DaemonCursor {
 public:
  static constexpr const char* kDocument = "state/daemon-cursor.json";

  bool is_new(const TraceUnit& unit) const;
  void mark(const TraceUnit& unit);
  // Retention moved a trace (x.json -> x.json.gz): the new unit is seen when
  // the old one was, so a compressed trace is not analyzed a second time.
  void follow(const TraceUnit& from, const TraceUnit& to);
  void forget(const std::string& locator) { seen_.erase(locator); }
  // Forgets units that no longer exist (deleted by retention), keeping the document small.
  void keep_only(const std::vector<TraceUnit>& present);
  size_t size() const { return seen_.size(); }

  json to_json() const;
  // Throws JsonError on a document of the wrong shape.
  static DaemonCursor from_json(const json& j);

 private:
  struct Identity {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t inode = 0;
    bool operator==(const Identity&) const = default;
  };
  std::map<std::string, Identity> seen_;
};

}  // namespace dashflow::host
