#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <chrono>
#include <cstdio>
#include <unordered_set>

#include "common/json_util.h"
#include "common/limits.h"

namespace airbase::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

void LogAccess(const bhttp::request<bhttp::string_body>& req, int status, size_t bytes, double ms) {
  // Never log the Authorization header or the query string (it may hold user data).
  std::string_view target = req.target();
  target = target.substr(0, target.find('?'));
  std::fprintf(stdout, "%s %.*s %d %zu %.2fms\n", std::string(req.method_string()).c_str(),
               static_cast<int>(target.size()), target.data(), status, bytes, ms);
  std::fflush(stdout);
}
}  // namespace

class Session;

struct Server::Worker {
  asio::io_context ioc{1};
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unordered_set<Session*> sessions;  // touched only on this worker's thread
  bool draining = false;
  const api::Router* router = nullptr;
  bool access_log = true;
  int max_connections = kMaxConnections;
  int idle_timeout_seconds = kIdleTimeoutSeconds;
  std::atomic<int>* connections = nullptr;  // open sessions across all workers of the server

  void Accept();
  void Drain();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Worker* worker)
      : stream_(std::move(socket)), worker_(worker) {
    worker_->sessions.insert(this);
    ++*worker_->connections;
  }
  ~Session() {
    worker_->sessions.erase(this);
    --*worker_->connections;
  }

  void Run() { DoRead(); }

  // Called during drain: a session waiting for a request is closed; one mid-request finishes.
  void CloseIfIdle() {
    if (!busy_) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.socket().close(ec);
    }
  }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(kMaxBodyBytes);
    parser_->header_limit(kMaxHeaderBytes);
    busy_ = false;
    stream_.expires_after(std::chrono::seconds(worker_->idle_timeout_seconds));
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::bad_descriptor)
      return DoClose();
    busy_ = true;
    if (ec == bhttp::error::body_limit)
      return WriteError(413, ErrorBody(Error(ErrorCode::kRequestTooLarge)));
    if (ec == bhttp::error::header_limit)
      return WriteError(
          431,
          R"({"error":{"type":"REQUEST_HEADER_FIELDS_TOO_LARGE","message":"Request headers are too large"}})");
    if (ec)
      return WriteError(
          400, R"({"error":{"type":"INVALID_REQUEST","message":"Malformed HTTP request"}})");
    Handle(parser_->release());
  }

  void Handle(bhttp::request<bhttp::string_body> req) {
    auto start = std::chrono::steady_clock::now();
    api::Response res;
    if (req.method() == bhttp::verb::options) {
      res.status = 204;
    } else {
      api::Request areq;
      areq.method = std::string(req.method_string());
      areq.target = std::string(req.target());
      if (auto it = req.find(bhttp::field::authorization); it != req.end())
        areq.authorization = std::string(it->value());
      if (auto it = req.find(bhttp::field::cookie); it != req.end())
        areq.cookie = std::string(it->value());
      if (auto it = req.find("X-CSRF-Token"); it != req.end())
        areq.csrf_token = std::string(it->value());
      if (auto it = req.find(bhttp::field::content_type); it != req.end())
        areq.content_type = std::string(it->value());
      areq.body = std::move(req.body());
      try {
        res = worker_->router->Handle(areq);
      } catch (const std::exception&) {
        res = api::ErrorResponse(Error(ErrorCode::kInternal));
      }
    }
    bool keep_alive = req.keep_alive() && !worker_->draining;
    if (worker_->access_log) {
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      LogAccess(req, res.status, res.body.size(), ms);
    }
    Write(res.status, res.body, keep_alive, res.retry_after, req.version() == 10, res.content_type,
          res.set_cookie);
  }

  void WriteError(int status, std::string body) {
    Write(status, body, false, 0, false, "application/json; charset=utf-8", "");
  }

  // Formats the whole response into one buffer and writes it. Beast's serializer walks a
  // buffer sequence per field; callgrind put it at 42% of the instructions of a GET, so small
  // JSON answers are formatted here instead.
  void Write(int status, const std::string& body, bool keep_alive, int retry_after, bool http10,
             const std::string& content_type, const std::string& set_cookie) {
    out_.clear();
    out_.reserve(body.size() + 256);
    out_ += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out_ += std::to_string(status);
    out_ += ' ';
    out_ += bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    out_ += "\r\nServer: airbase\r\nAccess-Control-Allow-Origin: *\r\n";
    if (status == 204) {
      out_ +=
          "Access-Control-Allow-Methods: GET, POST, PATCH, PUT, DELETE, OPTIONS\r\n"
          "Access-Control-Allow-Headers: authorization, content-type, x-api-version, "
          "x-airtable-application-id, x-airtable-user-agent, user-agent\r\n"
          "Access-Control-Max-Age: 86400\r\n";
    } else {
      out_ += "Content-Type: ";
      out_ += content_type;
      out_ += "\r\nContent-Length: ";
      out_ += std::to_string(body.size());
      out_ += "\r\n";
    }
    if (!set_cookie.empty()) {
      out_ += "Set-Cookie: ";
      out_ += set_cookie;
      out_ += "\r\n";
    }
    if (retry_after > 0) {
      out_ += "Retry-After: ";
      out_ += std::to_string(retry_after);
      out_ += "\r\n";
    }
    if (!keep_alive)
      out_ += "Connection: close\r\n";
    else if (http10)
      out_ += "Connection: keep-alive\r\n";
    out_ += "\r\n";
    if (status != 204) out_ += body;
    keep_alive_ = keep_alive;
    stream_.expires_after(std::chrono::seconds(kRequestTimeoutSeconds));
    asio::async_write(stream_, asio::buffer(out_),
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    if (ec || !keep_alive_ || worker_->draining) return DoClose();
    DoRead();
  }

  void DoClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  Server::Worker* worker_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string out_;  // the response being written
  bool keep_alive_ = false;
  bool busy_ = false;
};

void Server::Worker::Accept() {
  acceptor->async_accept(ioc, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || draining) return;
    } else if (connections->load() >= max_connections) {
      // Over the connection limit: a clear 503 that clients retry, then close.
      static const std::string kBusy = [] {
        std::string body = ErrorBody(Error(ErrorCode::kRetriable));
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; "
               "charset=utf-8\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
      }();
      beast::error_code ignored;
      asio::write(socket, asio::buffer(kBusy), ignored);
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), this)->Run();
    }
    if (!draining) Accept();
  });
}

void Server::Worker::Drain() {
  draining = true;
  beast::error_code ec;
  if (acceptor) acceptor->close(ec);
  std::vector<Session*> copy(sessions.begin(), sessions.end());
  for (Session* s : copy) s->CloseIfIdle();
}

Server::Server(ServerOptions options, const api::Router* router)
    : options_(std::move(options)), router_(router) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  int n =
      options_.threads > 0 ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
  beast::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) return Error(ErrorCode::kInvalidArgument, "invalid listen address " + options_.host);
  uint16_t port = options_.port;
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->router = router_;
    w->access_log = options_.access_log;
    w->connections = &connections_;
    if (options_.max_connections > 0) w->max_connections = options_.max_connections;
    if (options_.idle_timeout_seconds > 0) w->idle_timeout_seconds = options_.idle_timeout_seconds;
    w->acceptor = std::make_unique<tcp::acceptor>(w->ioc);
    tcp::endpoint ep(address, port);
    w->acceptor->open(ep.protocol(), ec);
    if (!ec) w->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) {
      int one = 1;
      ::setsockopt(w->acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
      w->acceptor->bind(ep, ec);
    }
    if (!ec) w->acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      return Error(ErrorCode::kInternal, "cannot listen on " + options_.host + ":" +
                                             std::to_string(port) + ": " + ec.message());
    if (port == 0) port = w->acceptor->local_endpoint().port();  // the others share it
    workers_.push_back(std::move(w));
  }
  port_ = port;
  for (auto& w : workers_) {
    w->Accept();
    threads_.emplace_back([worker = w.get()] { worker->ioc.run(); });
  }
  return Status::Ok();
}

void Server::Stop() {
  if (stopped_.exchange(true)) return;
  for (auto& w : workers_) asio::post(w->ioc, [worker = w.get()] { worker->Drain(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kShutdownGraceSeconds);
  for (auto& w : workers_) {
    // Workers return from run() once their sessions have finished; force it past the grace time.
    while (!w->ioc.stopped() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    w->ioc.stop();
  }
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

}  // namespace airbase::http
