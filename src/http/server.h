// The HTTP/1.1 server (Boost.Beast over Asio). One io_context is run by an elastic pool of
// threads (one per core, plus one for each handler that has run longer than kSlowHandlerMs);
// each connection is a session on its own strand, and its handler runs on whichever thread
// completed its read, so a slow request holds one thread while the others keep serving every
// other connection. Every request gets a RequestBudget (deadline, formula work, cancellation when
// the client hangs up). Explicit limits and timeouts; graceful drain on Stop().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "http/message.h"

namespace airbase {
class Metrics;  // common/metrics.h
}

namespace airbase::http {

// What the server writes to stdout per request: nothing, a line of text ("GET /path 200 12
// 0.41ms"), or one JSON object (time, method, route pattern, status, bytes, duration, base).
// Never a token, a cookie or a query string.
enum class AccessLog { kOff, kText, kJson };

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see Server::port())
  int threads = 0;       // threads running the loop when no handler is slow; 0: one per core
  AccessLog access_log = AccessLog::kText;
  Metrics* metrics = nullptr;    // counts every request when set
  int max_connections = 0;       // 0: from RLIMIT_NOFILE (less a reserve); past it, 503 and close
  int idle_timeout_seconds = 0;  // 0: kIdleTimeoutSeconds
  int request_timeout_seconds = 0;  // 0: kRequestDeadlineSeconds; a handler's time limit
  int shutdown_grace_seconds = 0;   // 0: kShutdownGraceSeconds
};

class Server {
 public:
  Server(ServerOptions options, const Handler* handler);
  ~Server();
  // Raises the open-file limit to its hard maximum, binds the listening socket (refused when
  // another process listens there) and starts the threads.
  Status Start();
  uint16_t port() const { return port_; }
  int max_connections() const;
  // Stops accepting; requests already received are answered (Connection: close) and idle
  // connections closed; after the grace period the remaining requests are cancelled. Joins the
  // threads.
  void Stop();

  struct State;

 private:
  ServerOptions options_;
  const Handler* handler_;
  uint16_t port_ = 0;
  std::unique_ptr<State> state_;
  std::atomic<bool> stopped_{false};
};

}  // namespace airbase::http
