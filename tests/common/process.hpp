// Test helper: run a program with arguments, environment and working
// directory, capturing stdout, stderr and the exit code.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "temp_dir.hpp"  // TempDir: most tests run their processes in one

namespace dashflow::test {

struct ProcessResult {
  int exit_code = -1;  // -signal when killed by a signal
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd = "",
                          const std::map<std::string, std::string>& env = {}, int timeout_seconds = 300);

// Runs `sh -c command` in cwd.
ProcessResult run_shell(const std::string& command, const std::string& cwd = "", int timeout_seconds = 600);

// A program running in the background (daemons, servers), stdout and stderr
// going to files so a test can poll them while it runs. Killed (SIGKILL) by
// the destructor if still running.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& cwd,
                    const std::map<std::string, std::string>& env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  int pid() const { return pid_; }
  std::string out() const;
  std::string err() const;
  void signal(int sig) const;
  // Waits until `predicate(out)` holds, polling; false on timeout or exit.
  bool wait_for_output(const std::function<bool(const std::string&)>& predicate, int timeout_seconds) const;
  // Waits for the exit; returns the exit code, -signal, or nullopt on timeout.
  std::optional<int> wait(int timeout_seconds);
  bool running();

 private:
  int pid_ = -1;
  std::optional<int> status_;
  std::string out_path_, err_path_;
};

void write_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);

}  // namespace dashflow::test
