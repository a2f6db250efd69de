// Serves the metrics registry in the Prometheus text format on HOST:PORT
// (/metrics, plus /healthz), on its own thread, for the daemon.
#pragma once

#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace dashflow::host {

class MetricsServer {
 public:
  // Binds at once; throws std::runtime_error naming the address when it
  // cannot ("address already in use", "HOST:PORT expected").
  explicit MetricsServer(const std::string& address);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }  // the bound port (useful with port 0)
  const std::string& host() const { return host_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
};

}  // namespace dashflow::host
