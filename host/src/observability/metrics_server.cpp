#include "observability/metrics_server.hpp"

#include <httplib.h>

#include <stdexcept>

#include "observability/metrics.hpp"

namespace dashflow::host {

MetricsServer::MetricsServer(const std::string& address) : server_(std::make_unique<httplib::Server>()) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
    throw std::runtime_error("--metrics-addr '" + address + "': expected HOST:PORT, e.g. 127.0.0.1:9464");
  host_ = address.substr(0, colon);
  if (host_.size() > 2 && host_.front() == '[' && host_.back() == ']') host_ = host_.substr(1, host_.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(address.substr(colon + 1), &used);
    if (used != address.size() - colon - 1 || port < 0 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw std::runtime_error("--metrics-addr '" + address + "': the port must be a number from 0 to 65535");
  }

  server_->Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(MetricsRegistry::global().render_prometheus(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });

  port_ = port == 0 ? server_->bind_to_any_port(host_.c_str()) : (server_->bind_to_port(host_.c_str(), port) ? port : -1);
  if (port_ < 0)
    throw std::runtime_error("--metrics-addr '" + address +
                             "': cannot listen there (address in use, or not an address of this machine)");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

MetricsServer::~MetricsServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace dashflow::host
