// The HTTP/1.1 server (Boost.Beast over Asio): one io_context and one SO_REUSEPORT acceptor per
// thread, keep-alive sessions, explicit limits and timeouts, graceful drain on Stop().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/router.h"
#include "common/status.h"

namespace airbase::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see Server::port())
  int threads = 0;       // 0: one per core
  bool access_log = true;
  int max_connections = 0;       // 0: kMaxConnections; past it, 503 and close
  int idle_timeout_seconds = 0;  // 0: kIdleTimeoutSeconds
};

class Server {
 public:
  Server(ServerOptions options, const api::Router* router);
  ~Server();
  // Binds the listening sockets and starts the worker threads.
  Status Start();
  uint16_t port() const { return port_; }
  // Stops accepting, lets in-flight requests finish (up to kShutdownGraceSeconds), closes idle
  // connections, and joins the workers.
  void Stop();

  struct Worker;

 private:
  ServerOptions options_;
  const api::Router* router_;
  uint16_t port_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopped_{false};
  std::atomic<int> connections_{0};
};

}  // namespace airbase::http
