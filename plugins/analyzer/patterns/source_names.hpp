// The file names traces came from, front-coded: each name is stored as the
// number of bytes it shares with the name before it, then the rest. Names
// of one directory listing share long prefixes ("/data/traces/2026-12/run-"),
// so a name costs about as much as what tells it apart (~15 bytes, not ~100)
// in memory, in saved states and in the analysis cache. A name is stored
// whole (shares 0 bytes) at least every kRestart entries, so one name is
// decoded from at most kRestart entries; and appending another set of names
// (merging states) copies its bytes as they are, since its first is whole.
//
// Entry: shared-prefix length (LEB128), suffix length (LEB128), suffix bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dashflow::analyzers {

class SourceNames {
 public:
  static constexpr uint32_t kRestart = 32;  // the most entries from one whole name to the next

  // Adds a name; its id is size() before the call.
  void add(std::string_view name);
  // Adds every name of `other`, in order (their ids shift by size()).
  void append(const SourceNames& other);

  size_t size() const { return count_; }
  std::string name(uint32_t id) const;
  // The name added last ("" when empty); to tell whether the next trace
  // comes from the same file.
  const std::string& last() const { return last_; }

  // The encoded entries, as saved.
  const std::string& bytes() const { return bytes_; }
  // Replaces the contents by `count` names encoded in `bytes` (what bytes()
  // returned). Throws std::runtime_error on short or inconsistent data, and
  // when more than kRestart entries follow one another without a whole name.
  void load(std::string_view bytes, uint64_t count);

 private:
  struct Restart {
    uint64_t id;      // of a name stored whole
    uint64_t offset;  // of its entry in bytes_
  };
  std::string bytes_;
  std::vector<Restart> restarts_;  // every whole name, in id order; the first is name 0
  std::string last_;
  uint64_t count_ = 0;
};

}  // namespace dashflow::analyzers
