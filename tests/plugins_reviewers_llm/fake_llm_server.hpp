// Test helpers for the LLM reviewers: a scripted HTTP server on 127.0.0.1
// (port chosen by the OS) that plays an OpenAI-compatible or Anthropic API,
// and a host API that records logs and can cancel.
#pragma once

#include <httplib.h>

#include <dashflow/abi.h>
#include <dashflow/plugin.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace llmtest {

// One scripted reply. delay_ms > 0 holds the reply back (the server still
// stops promptly when the test ends).
struct Reply {
  Reply(int status_, std::string body_, std::vector<std::pair<std::string, std::string>> headers_ = {}, int delay_ms_ = 0)
      : status(status_), body(std::move(body_)), headers(std::move(headers_)), delay_ms(delay_ms_) {}
  int status;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int delay_ms;
};

struct Received {
  std::string path;
  std::map<std::string, std::string> headers;  // as sent (httplib keeps names case-insensitively)
  std::string body;
};

class FakeLlmServer {
 public:
  // Replies are served in order; the last one repeats when the script runs out.
  explicit FakeLlmServer(std::vector<Reply> script) : script_(script.begin(), script.end()) {
    if (script_.empty()) throw std::invalid_argument("FakeLlmServer needs at least one reply");
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); };
    server_.Post(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("FakeLlmServer: cannot bind 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // Wait until the accept loop runs (a condition, not a fixed sleep).
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ~FakeLlmServer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& suffix = "") const { return "http://127.0.0.1:" + std::to_string(port_) + suffix; }

  std::vector<Received> received() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }
  size_t calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_.size();
  }

 private:
  void serve(const httplib::Request& req, httplib::Response& res) {
    Reply reply(500, "");
    {
      std::unique_lock<std::mutex> lock(mutex_);
      Received r;
      r.path = req.path;
      for (const auto& [k, v] : req.headers) r.headers[k] = v;
      r.body = req.body;
      received_.push_back(std::move(r));
      reply = script_.front();
      if (script_.size() > 1) script_.pop_front();
      if (reply.delay_ms > 0)
        wake_.wait_for(lock, std::chrono::milliseconds(reply.delay_ms), [this] { return stopping_; });
    }
    res.status = reply.status;
    for (const auto& [k, v] : reply.headers) res.set_header(k, v);
    res.set_content(reply.body, "application/json");
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::deque<Reply> script_;
  std::vector<Received> received_;
};

// A host API that keeps log lines and metric names, and can cancel.
class RecordingHost {
 public:
  RecordingHost() {
    api_.struct_size = sizeof(api_);
    api_.abi_major = DASHFLOW_ABI_MAJOR;
    api_.abi_minor = DASHFLOW_ABI_MINOR;
    api_.ctx = this;
    api_.log = [](void* ctx, int, const char* m, size_t n) {
      auto* self = static_cast<RecordingHost*>(ctx);
      std::lock_guard<std::mutex> lock(self->mutex_);
      self->logs_.emplace_back(m, n);
    };
    api_.metric = [](void* ctx, int, const char* name, const char*, double) {
      auto* self = static_cast<RecordingHost*>(ctx);
      std::lock_guard<std::mutex> lock(self->mutex_);
      self->metrics_.emplace_back(name);
    };
    api_.is_cancelled = [](void* ctx) { return static_cast<RecordingHost*>(ctx)->cancelled_.load() ? 1 : 0; };
  }
  const dashflow_host_api* api() const { return &api_; }
  void cancel() { cancelled_ = true; }
  std::vector<std::string> logs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return logs_;
  }
  std::vector<std::string> metrics() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return metrics_;
  }

 private:
  dashflow_host_api api_{};
  mutable std::mutex mutex_;
  std::vector<std::string> logs_;
  std::vector<std::string> metrics_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace llmtest
