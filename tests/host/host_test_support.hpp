// Helpers for the host tests: files, the paths of the test plugins, and
// running the real dashflow binary with captured output.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "temp_dir.hpp"

extern char** environ;

namespace hosttest {

namespace fs = std::filesystem;

inline void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Copies a file, making the copy 0755 so it passes the permission policy.
inline fs::path copy_into(const fs::path& file, const fs::path& dir, const std::string& name = "") {
  fs::create_directories(dir);
  fs::path target = dir / (name.empty() ? file.filename().string() : name);
  fs::copy_file(file, target, fs::copy_options::overwrite_existing);
  ::chmod(target.c_str(), 0755);
  return target;
}

// ------------------------------------------------------------ test plugins

inline fs::path test_plugins_dir() { return DASHFLOW_TEST_PLUGINS_DIR; }
// The directory holding one broken/good case, e.g. case_dir("abi-major").
inline fs::path case_dir(const std::string& name) { return test_plugins_dir() / name; }
// The .so of a case whose file is named like its directory.
inline fs::path case_so(const std::string& name) { return case_dir(name) / (name + ".so"); }
inline fs::path good_dir() { return case_dir("good"); }
inline fs::path good_so() { return good_dir() / "good-analyzer.so"; }
inline fs::path console_so() { return DASHFLOW_CONSOLE_PLUGIN; }
inline fs::path builtin_dir() { return DASHFLOW_PLUGIN_DIR; }
inline fs::path dashflow_exe() { return DASHFLOW_EXE; }

// Every broken case directory, for "lists them all" tests.
inline std::vector<std::string> broken_cases() {
  return {"abi-major", "abi-minor", "missing-symbol", "throwing-factory", "no-manifest", "duplicate",
          "segv-consume", "finish-throws", "kind-mismatch", "invalid-json"};
}

// Sets an environment variable for the scope, restoring the old value.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value) ::setenv(name_.c_str(), value->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_.c_str(), old_->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// ------------------------------------------------------------ processes

struct RunResult {
  int exit_code = -1;   // when it exited
  int signal = 0;       // when it was killed by a signal
  bool timed_out = false;
  std::string out, err;
  std::string describe() const {
    std::ostringstream s;
    s << "exit=" << exit_code << " signal=" << signal << (timed_out ? " TIMED OUT" : "") << "\n--- stdout ---\n"
      << out << "\n--- stderr ---\n" << err;
    return s.str();
  }
};

struct RunOptions {
  std::string cwd;                                       // default: unchanged
  std::map<std::string, std::optional<std::string>> env;  // set (value) or unset (nullopt)
  int timeout_seconds = 120;
};

// fork + exec argv[0] with pipes on stdout/stderr (stdin is /dev/null).
inline RunResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {}) {
  RunResult result;
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : options.env) {
    if (v) env[k] = *v;
    else env.erase(k);
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[0]);
    close(err_pipe[1]);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
    execve(args[0], args.data(), envp.data());
    const char msg[] = "exec failed\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buffer[8192];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    int r = poll(fds, 2, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

// Runs `dashflow args...` in `cwd` (a fresh temp dir, so no .dashflow/ of the
// repository interferes), with DASHFLOW_PLUGIN_PATH/NO_COLOR/DASHFLOW_DEBUG
// cleared unless given.
inline RunResult run_dashflow(const std::vector<std::string>& args, const std::string& cwd,
                              std::map<std::string, std::optional<std::string>> env = {}) {
  std::vector<std::string> argv = {dashflow_exe().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.cwd = cwd;
  for (const char* name : {"DASHFLOW_PLUGIN_PATH", "DASHFLOW_DEBUG", "DASHFLOW_TEST_MARKER", "DASHFLOW_TEST_LOAD_MARKER"})
    if (!env.count(name)) env[name] = std::nullopt;
  options.env = std::move(env);
  return run_process(argv, options);
}

// Runs fn() in a forked child and returns its exit code (or 128 + signal):
// for checks that need a process where no plugin was loaded yet.
template <class F>
int in_child(F&& fn) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    int code = 99;
    try {
      code = fn();
    } catch (...) {
      code = 98;
    }
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace hosttest
