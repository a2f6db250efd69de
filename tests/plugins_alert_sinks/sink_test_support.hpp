// Helpers for the alert sink tests: a host that records logs and metrics,
// alert builders, condition waits, and a local HTTP receiver (cpp-httplib on
// 127.0.0.1, port 0) whose behaviour the test switches.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "dashflow/abi.h"
#include "dashflow/json.hpp"
#include "dashflow/types.hpp"
#include "temp_dir.hpp"

namespace sinktest {

namespace fs = std::filesystem;
using dashflow::json;

using dashflow::test::TempDir;

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> read_lines(const fs::path& p) {
  std::vector<std::string> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline size_t count_files(const fs::path& dir, const std::string& suffix = ".json") {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file() && name[0] != '.' && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      ++n;
  }
  return n;
}

// Records what a plugin logs and which metrics it sets. Thread-safe.
struct TestHost {
  std::mutex mutex;
  std::vector<std::pair<int, std::string>> logs;
  std::map<std::string, double> gauges;
  std::map<std::string, double> counters;
  std::atomic<bool> cancelled{false};
  dashflow_host_api api{};

  TestHost() {
    api.struct_size = sizeof api;
    api.abi_major = DASHFLOW_ABI_MAJOR;
    api.abi_minor = DASHFLOW_ABI_MINOR;
    api.ctx = this;
    api.log = [](void* ctx, int level, const char* message, size_t length) {
      auto* self = static_cast<TestHost*>(ctx);
      std::lock_guard<std::mutex> lock(self->mutex);
      self->logs.emplace_back(level, std::string(message, length));
    };
    api.metric = [](void* ctx, int type, const char* name, const char*, double value) {
      auto* self = static_cast<TestHost*>(ctx);
      std::lock_guard<std::mutex> lock(self->mutex);
      if (type == DASHFLOW_METRIC_GAUGE_SET) self->gauges[name] = value;
      if (type == DASHFLOW_METRIC_COUNTER_ADD) self->counters[name] += value;
    };
    api.is_cancelled = [](void* ctx) { return static_cast<TestHost*>(ctx)->cancelled.load() ? 1 : 0; };
  }
  bool logged(int min_level, const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& [level, message] : logs)
      if (level >= min_level && message.find(text) != std::string::npos) return true;
    return false;
  }
  double counter(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex);
    return counters.count(name) ? counters[name] : 0;
  }
  double gauge(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex);
    return gauges.count(name) ? gauges[name] : -1;
  }
};

inline dashflow::Alert make_alert(const std::string& node, int n = 0,
                                  dashflow::AlertSeverity severity = dashflow::AlertSeverity::Warning) {
  dashflow::Alert a;
  a.kind = "slow_node";
  a.severity = severity;
  a.title = "Slow node detected: '" + node + "'";
  a.message = "Node '" + node + "' took " + std::to_string(1000 + n) + "ms (threshold: 500ms).";
  a.labels = {{"node", node}, {"graph", "checkout"}, {"seq", std::to_string(n)}};
  a.annotations = {{"runbook", "https://example.com/runbook"}};
  a.starts_at = "2025-12-15T10:30:00Z";
  a.fingerprint = "fp-" + node;
  return a;
}

// Polls `pred` every 10 ms until true or `timeout` passes.
inline bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

// Requests to the local test servers must not go through a proxy that the
// environment may configure (libcurl honours http_proxy/https_proxy).
inline void bypass_proxies_for_localhost() {
  ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
  ::setenv("no_proxy", "127.0.0.1,localhost", 1);
}

// The receiver's own check of "sha256=<hex HMAC-SHA256(secret, body)>",
// written against OpenSSL directly (not the code under test).
inline bool signature_ok(const std::string& secret, const std::string& body, const std::string& header) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  char hex[2 * EVP_MAX_MD_SIZE + 1] = {0};
  for (unsigned int i = 0; i < len; ++i) std::snprintf(hex + 2 * i, 3, "%02x", mac[i]);
  return header == std::string("sha256=") + hex;
}

// A local HTTP receiver. With a secret it verifies every request's
// X-Dashflow-Signature and answers 401 to a bad or missing one.
// Otherwise the mode decides the answer to every POST:
//   Ok      -> 200, the request is accepted (recorded)
//   Fail    -> 500, not accepted
//   Hang    -> holds the request until release() or 10 s, then 503
//   Reject  -> 400, not accepted
class Receiver {
 public:
  enum class Mode { Ok, Fail, Hang, Reject };
  struct Request {
    std::string path;
    std::string body;
    std::string delivery_id;
    std::string signature;
    std::map<std::string, std::string> headers;
  };

  explicit Receiver(std::string secret = "") : secret_(std::move(secret)) {
    bypass_proxies_for_localhost();
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
    server_.Post(R"(/.*)", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("test receiver: cannot bind 127.0.0.1:0");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the accept loop runs would not end it: wait for it.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    release();
    server_.stop();
    thread_.join();
  }

  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Switching away from Hang lets hung requests finish (with 503).
  void set_mode(Mode m) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      mode_ = m;
      released_ = m != Mode::Hang;
    }
    cv_.notify_all();
  }
  // Lets hung requests finish (with 503).
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      released_ = true;
    }
    cv_.notify_all();
  }
  size_t attempts() {
    std::lock_guard<std::mutex> lock(mutex_);
    return attempts_;
  }
  std::vector<Request> accepted() {
    std::lock_guard<std::mutex> lock(mutex_);
    return accepted_;
  }
  std::vector<Request> all() {
    std::lock_guard<std::mutex> lock(mutex_);
    return all_;
  }
  size_t bad_signatures() {
    std::lock_guard<std::mutex> lock(mutex_);
    return bad_signatures_;
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    Request r;
    r.path = req.path;
    r.body = req.body;
    r.delivery_id = req.get_header_value("X-Dashflow-Delivery");
    r.signature = req.get_header_value("X-Dashflow-Signature");
    for (const auto& [k, v] : req.headers) r.headers[k] = v;
    std::unique_lock<std::mutex> lock(mutex_);
    ++attempts_;
    all_.push_back(r);
    if (!secret_.empty() && !signature_ok(secret_, r.body, r.signature)) {
      ++bad_signatures_;
      res.status = 401;
      res.set_content("bad signature", "text/plain");
      return;
    }
    switch (mode_) {
      case Mode::Ok:
        accepted_.push_back(r);
        res.status = 200;
        res.set_content("{\"ok\":true}", "application/json");
        return;
      case Mode::Fail:
        res.status = 500;
        res.set_content("receiver exploded", "text/plain");
        return;
      case Mode::Reject:
        res.status = 400;
        res.set_content("{\"error\":\"bad payload\"}", "application/json");
        return;
      case Mode::Hang:
        cv_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
        res.status = 503;
        return;
    }
  }

  std::string secret_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  Mode mode_ = Mode::Ok;
  bool released_ = false;
  size_t attempts_ = 0;
  size_t bad_signatures_ = 0;
  std::vector<Request> accepted_;
  std::vector<Request> all_;
};

// A port nothing listens on (bound to 127.0.0.1:0, then closed).
inline int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("closed_port: cannot bind 127.0.0.1:0");
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace sinktest
