#include "plugin/crash_guard.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace dashflow::host {
namespace {

struct ActivePlugin {
  const std::string* id;
  const char* stage;
  const std::string* library;
  const ActivePlugin* previous;
};

thread_local const ActivePlugin* t_active = nullptr;
thread_local ActivePlugin t_frames[8];
thread_local int t_depth = 0;

// Prepared outside the handler: the handler may not allocate.
char g_quarantine_dir[4096] = {0};

const char* signal_text(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
  }
  return "signal";
}

// Async-signal-safe helpers: no allocation, no stdio.
void put(int fd, const char* s) {
  size_t n = std::strlen(s);
  while (n > 0) {
    ssize_t w = ::write(fd, s, n);
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      return;
    }
    s += w;
    n -= static_cast<size_t>(w);
  }
}

void put_number(int fd, long long value) {
  char buf[32];
  int i = 31;
  buf[i] = '\0';
  bool negative = value < 0;
  unsigned long long v = negative ? 0ULL - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
  do {
    buf[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v && i > 1);
  if (negative) buf[--i] = '-';
  put(fd, buf + i);
}

// File names are derived from the plugin id, which the manifest parser
// restricts to [a-z0-9-]; anything else is replaced anyway.
void append_safe(char* dst, size_t cap, const char* src) {
  size_t len = std::strlen(dst);
  for (; *src && len + 1 < cap; ++src) dst[len++] = (std::isalnum(static_cast<unsigned char>(*src)) || *src == '-' || *src == '_') ? *src : '_';
  dst[len] = '\0';
}

void on_fatal_signal(int sig) {
  const ActivePlugin* active = t_active;
  if (active) {
    put(STDERR_FILENO, "dashflow: plugin '");
    put(STDERR_FILENO, active->id->c_str());
    put(STDERR_FILENO, "' crashed with ");
    put(STDERR_FILENO, signal_text(sig));
    put(STDERR_FILENO, " during ");
    put(STDERR_FILENO, active->stage);
    put(STDERR_FILENO, " (");
    put(STDERR_FILENO, active->library->c_str());
    put(STDERR_FILENO, ").\n");
    if (g_quarantine_dir[0]) {
      char path[4352];
      path[0] = '\0';
      std::strncat(path, g_quarantine_dir, sizeof(path) - 1);
      std::strncat(path, "/", sizeof(path) - std::strlen(path) - 1);
      append_safe(path, sizeof(path), active->id->c_str());
      std::strncat(path, ".quarantine", sizeof(path) - std::strlen(path) - 1);
      struct stat st {};
      const bool have_stat = ::stat(active->library->c_str(), &st) == 0;
      int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd >= 0) {
        put(fd, active->id->c_str()); put(fd, "\n");
        put(fd, active->library->c_str()); put(fd, "\n");
        put(fd, signal_text(sig)); put(fd, "\n");
        put(fd, active->stage); put(fd, "\n");
        put_number(fd, static_cast<long long>(::time(nullptr))); put(fd, "\n");
        put_number(fd, have_stat ? static_cast<long long>(st.st_size) : -1); put(fd, "\n");
        put_number(fd, have_stat ? static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec : -1);
        put(fd, "\n");
        ::fsync(fd);
        ::close(fd);
        put(STDERR_FILENO, "dashflow: the plugin is quarantined (");
        put(STDERR_FILENO, path);
        put(STDERR_FILENO, ") and will not be loaded again until it is rebuilt or released with 'dashflow plugins release ");
        put(STDERR_FILENO, active->id->c_str());
        put(STDERR_FILENO, "'.\n");
      }
    }
  }
  // SA_RESETHAND restored the default action: die with the same signal.
  ::raise(sig);
}

}  // namespace

CrashScope::CrashScope(const std::string& plugin_id, const char* stage, const std::string& library_path)
    : previous_(t_active) {
  if (t_depth >= 8) return;  // nested deeper than any real call chain: keep the outer marker
  ActivePlugin& frame = t_frames[t_depth++];
  frame = {&plugin_id, stage, &library_path, t_active};
  t_active = &frame;
}

CrashScope::~CrashScope() {
  if (t_active != previous_) --t_depth;
  t_active = static_cast<const ActivePlugin*>(previous_);
}

std::string quarantine_dir() {
  if (const char* d = std::getenv("DASHFLOW_STATE_DIR"); d && *d) return std::string(d) + "/quarantine";
  if (const char* d = std::getenv("XDG_STATE_HOME"); d && *d) return std::string(d) + "/dashflow/quarantine";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.local/state/dashflow/quarantine";
  return "";
}

void install_crash_handlers() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  const std::string dir = quarantine_dir();
  if (!dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);  // a failure only disables the record, not the message
    if (!ec && dir.size() < sizeof(g_quarantine_dir)) std::memcpy(g_quarantine_dir, dir.c_str(), dir.size() + 1);
  }
  struct sigaction sa {};
  sa.sa_handler = on_fatal_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND | SA_NODEFER;
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
    struct sigaction old {};
    sigaction(sig, nullptr, &old);
    // Leave handlers someone else installed (sanitizers) in place.
    if (old.sa_handler == SIG_DFL) sigaction(sig, &sa, nullptr);
  }
}

void reset_crash_handlers() {
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
    struct sigaction old {};
    sigaction(sig, nullptr, &old);
    if (old.sa_handler == on_fatal_signal) signal(sig, SIG_DFL);
  }
}

std::optional<QuarantineRecord> find_quarantine(const std::string& library_path) {
  const std::string dir = quarantine_dir();
  if (dir.empty()) return std::nullopt;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".quarantine") continue;
    std::ifstream in(entry.path());
    QuarantineRecord r;
    std::string when, size, mtime;
    if (!std::getline(in, r.plugin_id) || !std::getline(in, r.library_path) || !std::getline(in, r.signal_name) ||
        !std::getline(in, r.stage) || !std::getline(in, when) || !std::getline(in, size) || !std::getline(in, mtime))
      continue;  // a torn record (crash while writing it) quarantines nothing
    if (r.library_path != library_path) continue;
    r.when_unix = std::atoll(when.c_str());
    r.size = std::atoll(size.c_str());
    r.mtime_ns = std::atoll(mtime.c_str());
    struct stat st {};
    if (::stat(library_path.c_str(), &st) != 0) continue;
    const long long now_mtime = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    if (static_cast<long long>(st.st_size) != r.size || now_mtime != r.mtime_ns) continue;  // rebuilt since
    return r;
  }
  return std::nullopt;
}

int release_quarantine(const std::string& plugin_id) {
  const std::string dir = quarantine_dir();
  if (dir.empty()) return 0;
  char name[512] = {0};
  append_safe(name, sizeof(name), plugin_id.c_str());
  std::error_code ec;
  return fs::remove(fs::path(dir) / (std::string(name) + ".quarantine"), ec) ? 1 : 0;
}

std::string describe(const QuarantineRecord& r) {
  char when[32] = "unknown time";
  std::time_t t = static_cast<std::time_t>(r.when_unix);
  std::tm tm {};
  if (gmtime_r(&t, &tm)) std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::ostringstream out;
  out << "quarantined: crashed with " << r.signal_name << " during " << r.stage << " at " << when
      << "; rebuild the plugin or run 'dashflow plugins release " << r.plugin_id << "'";
  return out.str();
}

}  // namespace dashflow::host
