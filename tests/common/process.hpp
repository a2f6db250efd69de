// Test helper: run a program with arguments, environment and working
// directory, capturing stdout, stderr and the exit code.
#pragma once

#include <map>
#include <string>
#include <vector>

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

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);

}  // namespace dashflow::test
