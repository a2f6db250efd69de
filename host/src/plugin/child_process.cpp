#include "plugin/child_process.hpp"

#include "plugin/crash_guard.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iostream>

namespace dashflow::host {

std::string ChildResult::describe() const {
  if (timed_out) return "hung (killed after the time limit)";
  if (signal) return std::string("crashed with signal ") + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit " + std::to_string(exit_code);
}

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

ChildResult run_in_child(const std::function<int(int)>& fn, int timeout_seconds) {
  ChildResult result;
  int fds[2];
  if (pipe(fds) != 0) {
    result.output = std::string("pipe failed: ") + std::strerror(errno);
    return result;
  }
  std::cout.flush();
  std::cerr.flush();
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    result.output = std::string("fork failed: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    reset_crash_handlers();
    close(fds[0]);
    int code = 1;
    try {
      code = fn(fds[1]);
    } catch (const std::exception& e) {
      write_all(fds[1], std::string("unexpected exception: ") + e.what());
    } catch (...) {
      write_all(fds[1], "unexpected exception");
    }
    close(fds[1]);
    _exit(code);  // no atexit handlers or static destructors of the parent's state
  }
  close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  char buffer[4096];
  bool open = true;
  while (open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) open = false;
    else if (result.output.size() < (1 << 20)) result.output.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (!result.timed_out) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (left <= 0) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    usleep(2000);
  }
  if (result.timed_out) {
    waitpid(pid, &status, 0);
    return result;
  }
  if (WIFEXITED(status)) {
    result.exited = true;
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace dashflow::host
