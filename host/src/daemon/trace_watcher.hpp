// Wakes the daemon when trace files appear: inotify on the traces directory
// and, when the trace source reads them (recursive), its subdirectories (new
// ones are watched as they appear), debounced so that a burst of files gives
// one cycle, not one per file.
// Without inotify (or for a directory that does not exist yet) it degrades to
// the interval alone and says so once.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace dashflow::host {

class TraceWatcher {
 public:
  TraceWatcher(std::string directory, bool recursive,
               std::chrono::milliseconds debounce = std::chrono::milliseconds(500));
  ~TraceWatcher();
  TraceWatcher(const TraceWatcher&) = delete;
  TraceWatcher& operator=(const TraceWatcher&) = delete;

  enum class Wake { Files, Interval, Cancelled };
  // Blocks until files changed (then waits until no change for `debounce`),
  // the interval passed, or the cancel flag was raised (checked every 200 ms).
  Wake wait(std::chrono::milliseconds interval);

  bool watching() const { return fd_ >= 0; }
  size_t watched_directories() const { return watches_.size(); }
  const std::string& problem() const { return problem_; }  // why it is not watching

 private:
  void add_tree(const std::string& directory);
  bool drain();  // reads pending events; true when one concerned a trace file

  std::string directory_;
  bool recursive_;
  std::chrono::milliseconds debounce_;
  int fd_ = -1;
  std::map<int, std::string> watches_;  // watch descriptor -> directory
  std::string problem_;
};

}  // namespace dashflow::host
