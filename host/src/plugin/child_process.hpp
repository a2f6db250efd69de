// Runs a function in a forked child so that a crashing or hanging plugin is a
// failed check, not a dead host. The child reports text through a pipe.
#pragma once

#include <functional>
#include <string>

namespace dashflow::host {

struct ChildResult {
  bool exited = false;   // exited normally (see exit_code)
  int exit_code = -1;
  int signal = 0;        // killed by this signal
  bool timed_out = false;
  std::string output;    // what the child wrote to its report fd
  std::string describe() const;  // "exit 0", "crashed with SIGSEGV", "timed out after 20 s"
};

// fn(report_fd) runs in the child; its return value is the exit code.
ChildResult run_in_child(const std::function<int(int report_fd)>& fn, int timeout_seconds);

// write(2) the whole string (child side).
void write_all(int fd, const std::string& text);

}  // namespace dashflow::host
