// The least any check of "which trace files changed" by file identity (size,
// mtime, inode) can cost on this machine: read every directory and stat
// every file once, on N threads, keeping nothing. A cached re-analysis
// cannot be faster than this; benchmarks/run_e2e.sh compares against it.
//
// Usage: stat_floor DIR [--threads N]   (default 2 threads)
// Prints: files=N seconds=S threads=T
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Dir {
  std::string path;
  std::vector<std::string> files;
};

// Directories level by level: (path, names of regular files).
std::vector<Dir> read_tree(const std::string& root) {
  std::vector<Dir> dirs;
  std::vector<std::string> todo = {root};
  while (!todo.empty()) {
    Dir d{todo.back(), {}};
    todo.pop_back();
    if (DIR* h = ::opendir(d.path.c_str())) {
      while (const dirent* e = ::readdir(h)) {
        if (e->d_name[0] == '.') continue;
        if (e->d_type == DT_DIR) todo.push_back(d.path + "/" + e->d_name);
        else if (e->d_type == DT_REG) d.files.emplace_back(e->d_name);
      }
      ::closedir(h);
    }
    dirs.push_back(std::move(d));
  }
  return dirs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: stat_floor DIR [--threads N]\n");
    return 2;
  }
  unsigned threads = 2;
  for (int i = 2; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--threads") threads = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<Dir> dirs = read_tree(argv[1]);
  struct Range {
    size_t dir, begin, end;
  };
  std::vector<Range> ranges;
  size_t files = 0;
  for (size_t d = 0; d < dirs.size(); ++d) {
    files += dirs[d].files.size();
    for (size_t b = 0; b < dirs[d].files.size(); b += 2048) ranges.push_back({d, b, std::min(dirs[d].files.size(), b + 2048)});
  }
  std::atomic<size_t> next{0};
  std::atomic<unsigned long long> checksum{0};
  auto worker = [&] {
    unsigned long long sum = 0;
    for (size_t r; (r = next.fetch_add(1)) < ranges.size();) {
      const Dir& d = dirs[ranges[r].dir];
      const int fd = ::open(d.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      for (size_t i = ranges[r].begin; i < ranges[r].end; ++i) {
        struct stat st {};
        if (::fstatat(fd, d.files[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
          sum += static_cast<unsigned long long>(st.st_size) ^ static_cast<unsigned long long>(st.st_mtim.tv_nsec) ^ st.st_ino;
      }
      ::close(fd);
    }
    checksum += sum;
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("files=%zu seconds=%.3f threads=%u checksum=%llu\n", files, seconds, threads, checksum.load());
  return 0;
}
