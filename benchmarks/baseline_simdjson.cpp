// The minimal baseline of SPEC "Numbers we hold ourselves to": walk a trace
// directory, open each file, parse it with simdjson On-Demand and sum
// nodes_executed[].duration_ms. Nothing else. `dashflow self-improve analyze`
// over the same directory must stay within 2x of this program's time.
//
// Uses the same number of threads as dashflow's ingest (2 by default on the
// 2-core reference machine) so the comparison is fair.
//
// Usage: baseline_simdjson DIR [--threads N]
// Output (one line, key=value): files traces duration_sum_ms bytes seconds threads errors kernel
//
// Build with -march=native (benchmarks/CMakeLists.txt does): On-Demand picks
// its SIMD kernel at compile time and falls back to scalar code otherwise,
// while dashflow's DOM parsing dispatches at run time.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <simdjson.h>

namespace {

#define BASELINE_STR2(x) #x
#define BASELINE_STR(x) BASELINE_STR2(x)
constexpr const char* kBuiltinKernel = BASELINE_STR(SIMDJSON_BUILTIN_IMPLEMENTATION);

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Recursively lists *.json, *.json.gz and *.jsonl files (hidden names skipped).
void walk(const std::string& dir, std::vector<std::string>& files) {
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return;
  std::vector<std::string> subdirs;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name = entry->d_name;
    if (name.empty() || name.front() == '.') continue;
    std::string path = dir + "/" + std::string(name);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) subdirs.push_back(std::move(path));
    else if (S_ISREG(st.st_mode) && (ends_with(name, ".json") || ends_with(name, ".json.gz") || ends_with(name, ".jsonl")))
      files.push_back(std::move(path));
  }
  ::closedir(handle);
  for (const auto& sub : subdirs) walk(sub, files);
}

// Reads a whole file into buf (with simdjson padding after the data).
bool read_file(const std::string& path, std::vector<char>& buf, size_t& size) {
  if (ends_with(path, ".gz")) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) return false;
    size = 0;
    for (;;) {
      if (buf.size() < size + 65536 + simdjson::SIMDJSON_PADDING) buf.resize((size + 65536) * 2 + simdjson::SIMDJSON_PADDING);
      const int n = gzread(f, buf.data() + size, 65536);
      if (n < 0) {
        gzclose(f);
        return false;
      }
      if (n == 0) break;
      size += static_cast<size_t>(n);
    }
    gzclose(f);
    return true;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  size = static_cast<size_t>(st.st_size);
  if (buf.size() < size + simdjson::SIMDJSON_PADDING) buf.resize(size + simdjson::SIMDJSON_PADDING);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, buf.data() + done, size - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  size = done;
  return true;
}

// Sum of nodes_executed[].duration_ms of one document; false on a parse error.
template <class Doc>
bool sum_durations(Doc& doc, uint64_t& sum) {
  simdjson::ondemand::array nodes;
  if (doc["nodes_executed"].get_array().get(nodes) != simdjson::SUCCESS) return false;
  for (auto node : nodes) {
    simdjson::ondemand::object obj;
    if (node.get_object().get(obj) != simdjson::SUCCESS) return false;
    uint64_t ms = 0;
    if (obj["duration_ms"].get_uint64().get(ms) != simdjson::SUCCESS) return false;
    sum += ms;
  }
  return true;
}

struct Totals {
  uint64_t files = 0, traces = 0, sum = 0, bytes = 0, errors = 0;
};

void worker(const std::vector<std::string>& files, std::atomic<size_t>& next, Totals& out) {
  simdjson::ondemand::parser parser;
  std::vector<char> buf(1 << 16);
  for (;;) {
    const size_t i = next.fetch_add(1);
    if (i >= files.size()) break;
    size_t size = 0;
    if (!read_file(files[i], buf, size)) {
      ++out.errors;
      continue;
    }
    ++out.files;
    out.bytes += size;
    if (ends_with(files[i], ".jsonl")) {
      simdjson::ondemand::document_stream stream;
      if (parser.iterate_many(buf.data(), size, 1 << 20).get(stream) != simdjson::SUCCESS) {
        ++out.errors;
        continue;
      }
      for (auto doc : stream) {
        if (doc.error() != simdjson::SUCCESS) {
          ++out.errors;
          break;
        }
        simdjson::ondemand::document_reference ref = doc.value_unsafe();
        if (!sum_durations(ref, out.sum)) {
          ++out.errors;
          continue;
        }
        ++out.traces;
      }
      continue;
    }
    simdjson::ondemand::document doc;
    if (parser.iterate(buf.data(), size, buf.size()).get(doc) != simdjson::SUCCESS || !sum_durations(doc, out.sum)) {
      ++out.errors;
      continue;
    }
    ++out.traces;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  unsigned threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else if (arg == "-h" || arg == "--help") {
      std::printf("usage: baseline_simdjson DIR [--threads N]   (default 2 threads)\n");
      return 0;
    } else if (dir.empty()) {
      dir = arg;
    } else {
      std::fprintf(stderr, "baseline_simdjson: unexpected argument %s\n", arg.c_str());
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "usage: baseline_simdjson DIR [--threads N]\n");
    return 2;
  }

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> files;
  walk(dir, files);
  std::atomic<size_t> next{0};
  std::vector<Totals> totals(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, std::cref(files), std::ref(next), std::ref(totals[t]));
  worker(files, next, totals[0]);
  for (auto& th : pool) th.join();
  Totals all;
  for (const auto& t : totals) {
    all.files += t.files;
    all.traces += t.traces;
    all.sum += t.sum;
    all.bytes += t.bytes;
    all.errors += t.errors;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // On-Demand is compiled for one kernel (SIMDJSON_BUILTIN_IMPLEMENTATION):
  // "fallback" means this binary was built without AVX2 and is not a fair baseline.
  std::printf("files=%llu traces=%llu duration_sum_ms=%llu bytes=%llu seconds=%.3f threads=%u errors=%llu kernel=%s\n",
              static_cast<unsigned long long>(all.files), static_cast<unsigned long long>(all.traces),
              static_cast<unsigned long long>(all.sum), static_cast<unsigned long long>(all.bytes), seconds, threads,
              static_cast<unsigned long long>(all.errors), kBuiltinKernel);
  return all.errors == 0 ? 0 : 1;
}
