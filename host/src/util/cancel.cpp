#include "util/cancel.hpp"

#include <csignal>
#include <unistd.h>

namespace dashflow::host {
namespace {
std::atomic<bool> g_cancel{false};

void on_signal(int sig) {
  if (g_cancel.exchange(true)) _exit(128 + sig);  // second signal: stop now
}
}  // namespace

std::atomic<bool>& cancel_flag() { return g_cancel; }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace dashflow::host
