#include "daemon/trace_watcher.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "util/cancel.hpp"

namespace fs = std::filesystem;

namespace dashflow::host {
namespace {

constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr auto kCancelPoll = std::chrono::milliseconds(200);

bool is_trace_name(const char* name) {
  const std::string n = name;
  auto ends = [&](const char* suffix) {
    const size_t len = std::strlen(suffix);
    return n.size() >= len && n.compare(n.size() - len, len, suffix) == 0;
  };
  return ends(".json") || ends(".json.gz") || ends(".jsonl") || ends(".ndjson") || ends(".jsonl.gz") ||
         ends(".ndjson.gz");
}

}  // namespace

TraceWatcher::TraceWatcher(std::string directory, bool recursive, std::chrono::milliseconds debounce)
    : directory_(std::move(directory)), recursive_(recursive), debounce_(debounce) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) {
    problem_ = std::string("inotify unavailable (") + std::strerror(errno) + "): new traces are picked up every interval";
    return;
  }
  std::error_code ec;
  if (!fs::is_directory(directory_, ec)) {
    problem_ = "traces directory " + directory_ + " does not exist yet: it is checked every interval";
    close(fd_);
    fd_ = -1;
    return;
  }
  add_tree(directory_);
}

TraceWatcher::~TraceWatcher() {
  if (fd_ >= 0) close(fd_);
}

void TraceWatcher::add_tree(const std::string& directory) {
  int wd = inotify_add_watch(fd_, directory.c_str(), kMask | IN_ONLYDIR);
  if (wd < 0) {
    problem_ = "cannot watch " + directory + ": " + std::strerror(errno);
    return;
  }
  watches_[wd] = directory;
  if (!recursive_) return;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    std::error_code e2;
    if (entry.is_directory(e2) && !entry.is_symlink(e2)) add_tree(entry.path().string());
  }
}

bool TraceWatcher::drain() {
  alignas(inotify_event) char buffer[16384];
  bool relevant = false;
  for (;;) {
    ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n <= 0) break;  // EAGAIN: nothing more for now
    for (char* p = buffer; p < buffer + n;) {
      auto* event = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + event->len;
      if (event->mask & IN_Q_OVERFLOW) {
        relevant = true;  // lost events: a cycle lists the directory anyway
        continue;
      }
      auto dir = watches_.find(event->wd);
      if (dir == watches_.end() || event->len == 0) continue;
      const std::string path = dir->second + "/" + event->name;
      if (event->mask & IN_ISDIR) {
        // A subdirectory matters only to a source that reads subdirectories.
        if (recursive_ && (event->mask & (IN_CREATE | IN_MOVED_TO))) {
          add_tree(path);
          relevant = true;  // files may have landed before the watch existed
        }
      } else if ((event->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) && is_trace_name(event->name)) {
        relevant = true;
      }
    }
  }
  return relevant;
}

TraceWatcher::Wake TraceWatcher::wait(std::chrono::milliseconds interval) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + interval;
  bool changed = false;
  auto quiet_until = clock::time_point::max();
  auto fire_by = clock::time_point::max();  // a steady stream of files must not postpone the cycle forever
  for (;;) {
    if (cancel_flag().load()) return Wake::Cancelled;
    const auto now = clock::now();
    if (changed && (now >= quiet_until || now >= fire_by)) return Wake::Files;
    if (!changed && now >= deadline) return Wake::Interval;
    auto until = changed ? std::min(quiet_until, fire_by) : deadline;
    auto slice = std::min<clock::duration>(until - now, kCancelPoll);
    const int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(slice).count()) + 1;
    if (fd_ < 0) {
      usleep(static_cast<useconds_t>(ms) * 1000);
      continue;
    }
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, ms) > 0 && drain()) {
      if (!changed) fire_by = clock::now() + 10 * debounce_;
      changed = true;
      quiet_until = clock::now() + debounce_;  // every new event restarts the quiet period
    }
  }
}

}  // namespace dashflow::host
