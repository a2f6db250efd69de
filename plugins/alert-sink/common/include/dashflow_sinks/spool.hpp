// A durable FIFO of undelivered request bodies in a directory: one file per
// entry, "<20-digit sequence>-<delivery id>.json", written atomically, read in
// sequence order. Safe for several processes: appends are serialized by a
// lock file, and one drainer at a time holds the drain lock. Entries the
// receiver refused go to "dead/" with the reason, never silently dropped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dashflow/errors.hpp"
#include "dashflow_sinks/durable_io.hpp"

namespace dashflow::sinks {

struct SpoolEntry {
  fs::path file;
  uint64_t sequence = 0;
  std::string delivery_id;
  std::string body;
  std::string spooled_at;
};

// The spool refused a new entry because it reached spool_max_entries.
class SpoolFullError : public Error {
 public:
  using Error::Error;
};

class Spool {
 public:
  Spool(fs::path dir, std::string owner, uint64_t max_entries);

  const fs::path& dir() const { return dir_; }
  fs::path dead_dir() const { return dir_ / "dead"; }

  // Durable when it returns. Throws StorageError or SpoolFullError.
  SpoolEntry append(const std::string& delivery_id, const std::string& body, const std::string& now_rfc3339);
  // Entry files ordered by sequence; empty when the directory does not exist.
  std::vector<fs::path> list() const;
  // Throws StorageError naming the file when it cannot be read or parsed.
  SpoolEntry read(const fs::path& file) const;
  void remove(const fs::path& file) { remove_file_durable(file); }
  // Moves an entry to dead/ with the reason; returns its new path.
  fs::path move_to_dead(const fs::path& file, const std::string& reason, const std::string& now_rfc3339);
  // Writes a never-spooled body straight to dead/; returns its path.
  fs::path write_dead(const std::string& delivery_id, const std::string& body, const std::string& reason,
                      const std::string& now_rfc3339);
  // Non-blocking; held() is false while another drainer works on this spool.
  FileLock try_lock_drain();
  // Creates the directory and removes temp files of dead writers.
  void prepare();

 private:
  fs::path dir_;
  std::string owner_;
  uint64_t max_entries_;
};

}  // namespace dashflow::sinks
