// The HTTP/1.1 server (server.h): accept with back-off, sessions on strands, limits and
// timeouts, the elastic thread pool, the per-request budget, access log and graceful drain.
#include "http/server.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <unordered_set>

#include "common/body_buffers.h"
#include "common/budget.h"
#include "common/clock.h"
#include "common/json_util.h"
#include "common/limits.h"
#include "common/metrics.h"
#include "common/time_util.h"

namespace airbase::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

// The request target in origin form: an absolute-form target ("http://host/path?q", which
// RFC 9112 §3.2.2 requires servers to accept, and which a client sends when airbase is its HTTP
// proxy) without its scheme and authority. So a client that sends uploads to
// content.airtable.com whatever its endpoint (pyairtable) reaches airbase through HTTP_PROXY.
std::string OriginForm(std::string_view target) {
  if (target.empty() || target[0] == '/') return std::string(target);
  size_t scheme = target.find("://");
  if (scheme == std::string_view::npos) return std::string(target);
  size_t path = target.find_first_of("/?", scheme + 3);
  if (path == std::string_view::npos) return "/";
  std::string out(target.substr(path));
  if (out[0] == '?') out.insert(out.begin(), '/');
  return out;
}

void LogAccess(AccessLog format, const bhttp::request<bhttp::string_body>& req, const Response& res,
               int status, double ms) {
  // Never log the Authorization header or the query string (it may hold user data).
  std::string_view target = req.target();
  target = target.substr(0, target.find('?'));
  if (format == AccessLog::kText) {
    std::fprintf(stdout, "%s %.*s %d %zu %.2fms\n", std::string(req.method_string()).c_str(),
                 static_cast<int>(target.size()), target.data(), status, res.body.size(), ms);
  } else {
    // The route pattern, not the path: a path names tables and records, which a log shipped
    // elsewhere should not hold.
    boost::json::object line{{"time", FormatIsoMs(SystemClock().NowMs())},
                             {"method", std::string(req.method_string())},
                             {"route", res.route ? res.route : "unmatched"},
                             {"status", status},
                             {"bytes", res.body.size()},
                             {"duration_us", static_cast<int64_t>(std::llround(ms * 1000))}};
    if (!res.base_id.empty()) line["base"] = res.base_id;
    std::string text = boost::json::serialize(line);
    std::fprintf(stdout, "%s\n", text.c_str());
  }
  std::fflush(stdout);
}

// Raises the soft open-file limit to the hard one and returns it.
int64_t RaiseFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit want = rl;
    want.rlim_cur = std::min<rlim_t>(rl.rlim_max, 1 << 20);
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
  }
  return rl.rlim_cur == RLIM_INFINITY ? (1 << 20) : static_cast<int64_t>(rl.rlim_cur);
}
}  // namespace

class Session;

// One request thread's state, seen by the pool's monitor.
struct ThreadSlot {
  std::atomic<int64_t> handler_start_ms{0};  // steady ms when its current handler began; 0: none
  std::atomic<bool> running{false};
  std::atomic<bool> waiting{false};  // its handler waits on other requests (BlockingWait)
  Server::State* owner = nullptr;
};

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

thread_local ThreadSlot* current_slot = nullptr;

struct Server::State {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::steady_timer accept_backoff{ioc};
  int backoff_ms = 0;  // touched only by the accept chain
  std::mutex mu;
  std::unordered_set<Session*> sessions;  // GUARDED_BY(mu)
  std::atomic<int> connections{0};
  std::atomic<bool> draining{false};
  const Handler* handler = nullptr;
  AccessLog access_log = AccessLog::kText;
  Metrics* metrics = nullptr;
  int max_connections = 0;
  int idle_timeout_seconds = kIdleTimeoutSeconds;
  int request_timeout_seconds = kRequestDeadlineSeconds;

  // The elastic pool: `base` threads always run the loop; for every handler that has run longer
  // than kSlowHandlerMs the monitor adds one more (up to kMaxThreads), so a slow request never
  // holds up the other connections. Extra threads retire once they are not needed.
  int base_threads = 1;
  std::atomic<int> target_threads{1};
  std::unique_ptr<ThreadSlot[]> slots = std::make_unique<ThreadSlot[]>(kMaxThreads);
  std::unique_ptr<std::thread[]> threads =  // by slot; GUARDED_BY(threads_mu)
      std::make_unique<std::thread[]>(kMaxThreads);
  std::mutex threads_mu;
  std::thread monitor;
  std::atomic<bool> stopping{false};

  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void RunThread(int index);
  void Monitor();
  void EnsureThreads();
  // The threads the pool needs now: the base, and one more for each handler that is slow or
  // waits on another request; raises the target (starting threads) when it grew.
  void Grow();
  int Needed(int64_t now);
  template <typename F>
  void ForEachSession(F&& f);
};

// One connection. Its operations and timers run on its own strand: one at a time, on any of
// the server's threads.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::State* state)
      : stream_(std::move(socket)), drain_timer_(stream_.get_executor()), state_(state) {
    std::lock_guard lock(state_->mu);
    state_->sessions.insert(this);
  }
  ~Session() {
    {
      std::lock_guard lock(state_->mu);
      state_->sessions.erase(this);
    }
    --state_->connections;
  }

  void Run() { DoRead(); }
  auto get_executor() { return stream_.get_executor(); }

  // Shutdown began: a session mid-request finishes it and closes; an idle one waits a moment for
  // a request already on its way (answered with Connection: close), then closes.
  void OnDrain() {
    if (body_) return body_->End();  // the browser reconnects (to another server of a fleet)
    if (busy_) return;
    drain_timer_.expires_after(std::chrono::milliseconds(kDrainIdleMs));
    drain_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && !self->busy_) self->DoClose();
    });
  }
  // Past the grace period: close whatever is still open.
  void ForceClose() { DoClose(); }

 private:
  void DoRead() {
    if (state_->draining && drained_once_) return DoClose();
    parser_.emplace();
    parser_->body_limit(kMaxBodyBytes);
    parser_->header_limit(kMaxHeaderBytes);
    busy_ = false;
    stream_.expires_after(std::chrono::seconds(state_->idle_timeout_seconds));
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
    // Draining began while this connection's last answer was still being written (OnDrain saw
    // it busy and left it): it is idle now, so it gets the idle connection's moment too.
    if (state_->draining) OnDrain();
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::bad_descriptor)
      return DoClose();
    busy_ = true;
    drain_timer_.cancel();
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
    auto start = SteadyClock::now();
    Response res;
    bool client_gone = false;
    if (req.method() == bhttp::verb::options) {
      res.status = 204;
    } else {
      Request areq;
      areq.method = std::string(req.method_string());
      areq.target = OriginForm(req.target());
      if (auto it = req.find(bhttp::field::authorization); it != req.end())
        areq.authorization = std::string(it->value());
      if (auto it = req.find(bhttp::field::cookie); it != req.end())
        areq.cookie = std::string(it->value());
      if (auto it = req.find("X-CSRF-Token"); it != req.end())
        areq.csrf_token = std::string(it->value());
      if (auto it = req.find(bhttp::field::content_type); it != req.end())
        areq.content_type = std::string(it->value());
      if (auto it = req.find("X-Forwarded-Proto"); it != req.end())
        areq.forwarded_proto = std::string(it->value());
      if (auto it = req.find(bhttp::field::host); it != req.end())
        areq.host = std::string(it->value());
      if (auto it = req.find(bhttp::field::range); it != req.end())
        areq.range = std::string(it->value());
      if (auto it = req.find("X-Airbase-Client"); it != req.end())
        areq.client = std::string(it->value());
      areq.body = std::move(req.body());
      RequestBudget budget(start + std::chrono::seconds(state_->request_timeout_seconds),
                           kMaxRequestEvalSteps, stream_.socket().native_handle());
      if (state_->metrics) state_->metrics->RequestStarted();
      {
        ScopedBudget scope(&budget);
        if (current_slot)
          current_slot->handler_start_ms.store(SteadyMs(), std::memory_order_relaxed);
        try {
          res = state_->handler->Handle(areq);
        } catch (const std::exception&) {
          res.status = 500;
          res.body = ErrorBody(Error(ErrorCode::kInternal));
        }
        if (current_slot) current_slot->handler_start_ms.store(0, std::memory_order_relaxed);
      }
      if (state_->metrics) state_->metrics->RequestEnded();
      client_gone = budget.reason() == RequestBudget::Reason::kClientGone;
    }
    bool keep_alive = req.keep_alive() && !state_->draining;
    if (state_->draining) drained_once_ = true;
    const int status = client_gone ? 499 : res.status;
    if (state_->metrics || state_->access_log != AccessLog::kOff) {
      double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
      if (req.method() == bhttp::verb::options) res.route = "/preflight";
      if (state_->metrics)
        state_->metrics->CountRequest(res.route ? res.route : "unmatched", req.method_string(),
                                      status, ms / 1000);
      if (state_->access_log != AccessLog::kOff)
        LogAccess(state_->access_log, req, res, status, ms);
    }
    if (client_gone || res.drop) return DoClose();  // nobody is left to read it / none is due
    if (res.stream && res.status == 200) return StartStream(res, req.version() == 10);
    if (res.stream) res.stream->End();
    Write(res, keep_alive, req.version() == 10, req.method() == bhttp::verb::head);
  }

  // An answer that stays open (http/stream.h): the head, then each piece as the producer pushes
  // it (one chunk each), a heartbeat comment every kStreamHeartbeatSeconds, and the last chunk
  // when the stream ends. The connection closes after it; it never carries another request.
  void StartStream(const Response& res, bool http10) {
    body_ = res.stream;
    chunked_ = !http10;
    out_ = http10 ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.1 200 OK\r\n";
    out_ += "Server: airbase\r\nContent-Type: ";
    out_ += res.content_type;
    out_ += "\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\n";
    out_ += res.extra_headers;
    out_ += chunked_ ? "Transfer-Encoding: chunked\r\n\r\n" : "Connection: close\r\n\r\n";
    stream_deadline_ = SteadyClock::now() + std::chrono::seconds(kStreamLifetimeSeconds);
    writing_ = true;
    stream_.expires_after(std::chrono::seconds(kRequestTimeoutSeconds));
    asio::async_write(stream_, asio::buffer(out_),
                      beast::bind_front_handler(&Session::OnStreamWrite, shared_from_this()));
    WatchClient();
    Heartbeat();
    std::weak_ptr<Session> weak = shared_from_this();
    body_->SetWaker([weak] {
      if (auto self = weak.lock()) asio::post(self->get_executor(), [self] { self->StreamNext(); });
    });
  }

  // A read that completes only when the client closes (or sends, which a stream ignores).
  void WatchClient() {
    stream_.socket().async_read_some(asio::buffer(probe_),
                                     [self = shared_from_this()](beast::error_code ec, size_t) {
                                       if (ec) return self->body_->End();
                                       self->WatchClient();
                                     });
  }

  void Heartbeat() {
    drain_timer_.expires_after(std::chrono::seconds(kStreamHeartbeatSeconds));
    drain_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      if (SteadyClock::now() >= self->stream_deadline_) return self->body_->End();
      self->body_->Push(": keep-alive\n\n");
      self->Heartbeat();
    });
  }

  void StreamNext() {
    if (writing_ || stream_done_) return;
    bool ended = false;
    std::string data = body_->Take(&ended);
    if (data.empty() && !ended) return;
    out_.clear();
    if (chunked_ && !data.empty()) {
      char size[20];
      out_.append(size, std::snprintf(size, sizeof size, "%zx\r\n", data.size()));
      out_ += data;
      out_ += "\r\n";
    } else {
      out_ = std::move(data);
    }
    if (ended && chunked_) out_ += "0\r\n\r\n";
    stream_done_ = ended;
    writing_ = true;
    stream_.expires_after(std::chrono::seconds(kRequestTimeoutSeconds));
    asio::async_write(stream_, asio::buffer(out_),
                      beast::bind_front_handler(&Session::OnStreamWrite, shared_from_this()));
  }

  void OnStreamWrite(beast::error_code ec, size_t) {
    writing_ = false;
    if (ec || stream_done_) {
      body_->End();
      drain_timer_.cancel();
      return DoClose();
    }
    StreamNext();
  }

  void WriteError(int status, std::string body) {
    if (state_->metrics) state_->metrics->CountRequest("/unparsed", "", status, 0);
    Response res;
    res.status = status;
    res.body = std::move(body);
    Write(res, false, false);
  }

  // Formats the head into one buffer and writes it with the body in one gather write (one
  // sendmsg): the body is moved in, never copied. Beast's serializer walks a buffer sequence per
  // field; callgrind put it at 42% of the instructions of a GET, so the head is formatted here.
  void Write(Response& res, bool keep_alive, bool http10, bool head = false) {
    const std::string& body = res.body;
    out_.clear();
    if (out_.capacity() > kMaxKeptHeadBytes) std::string().swap(out_);
    out_ += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out_ += std::to_string(res.status);
    out_ += ' ';
    out_ += bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
    out_ += "\r\nServer: airbase\r\nAccess-Control-Allow-Origin: *\r\n";
    if (res.status == 204) {
      out_ +=
          "Access-Control-Allow-Methods: GET, POST, PATCH, PUT, DELETE, OPTIONS\r\n"
          "Access-Control-Allow-Headers: authorization, content-type, x-api-version, "
          "x-airtable-application-id, x-airtable-user-agent, user-agent\r\n"
          "Access-Control-Max-Age: 86400\r\n";
    } else {
      out_ += "Content-Type: ";
      out_ += res.content_type;
      out_ += "\r\nContent-Length: ";
      out_ += std::to_string(head && res.head_length >= 0 ? static_cast<size_t>(res.head_length)
                                                          : body.size());
      out_ += "\r\n";
    }
    out_ += res.extra_headers;
    if (!res.set_cookie.empty()) {
      out_ += "Set-Cookie: ";
      out_ += res.set_cookie;
      out_ += "\r\n";
    }
    if (res.retry_after > 0) {
      out_ += "Retry-After: ";
      out_ += std::to_string(res.retry_after);
      out_ += "\r\n";
    }
    if (!keep_alive)
      out_ += "Connection: close\r\n";
    else if (http10)
      out_ += "Connection: keep-alive\r\n";
    out_ += "\r\n";
    if (res.status != 204 && !head) body_out_ = std::move(res.body);
    keep_alive_ = keep_alive;
    stream_.expires_after(std::chrono::seconds(kRequestTimeoutSeconds));
    std::array<asio::const_buffer, 2> parts{asio::buffer(out_), asio::buffer(body_out_)};
    asio::async_write(stream_, parts,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    GiveBodyBuffer(std::move(body_out_));  // a connection keeps no body between requests
    body_out_.clear();
    if (ec || !keep_alive_) return DoClose();
    DoRead();
  }

  void DoClose() {
    beast::error_code ec;
    drain_timer_.cancel();
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  asio::steady_timer drain_timer_;
  Server::State* state_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string out_;       // the head being written (or a stream's piece); reused
  std::string body_out_;  // the body being written, freed once written
  bool keep_alive_ = false;
  bool busy_ = false;          // a request is being handled or answered
  bool drained_once_ = false;  // answered a request after draining began
  // An answer that stays open (StartStream).
  std::shared_ptr<BodyStream> body_;
  bool chunked_ = true;
  bool writing_ = false;
  bool stream_done_ = false;  // its last bytes are written or being written
  SteadyClock::time_point stream_deadline_;
  char probe_[64];
};

template <typename F>
void Server::State::ForEachSession(F&& f) {
  // Called outside the lock: the last reference to a session may be dropped in `f`, and its
  // destructor takes the lock.
  std::vector<std::shared_ptr<Session>> all;
  {
    std::lock_guard lock(mu);
    all.reserve(sessions.size());
    for (Session* s : sessions)
      if (auto p = s->weak_from_this().lock()) all.push_back(std::move(p));
  }
  for (auto& p : all) f(std::move(p));
}

void Server::State::Accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void Server::State::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || draining) return;
  if (ec == asio::error::no_descriptors || ec.value() == ENFILE || ec == asio::error::no_memory ||
      ec == asio::error::no_buffer_space) {
    // Out of file descriptors: the pending connection stays queued and the socket stays
    // readable, so accepting again at once would spin. Back off (10 ms, doubling to 1 s) and
    // keep serving the open connections meanwhile.
    backoff_ms = backoff_ms == 0 ? 10 : std::min(backoff_ms * 2, 1000);
    if (backoff_ms == 10)
      std::fprintf(stderr, "airbase: accept: %s; backing off\n", ec.message().c_str());
    accept_backoff.expires_after(std::chrono::milliseconds(backoff_ms));
    accept_backoff.async_wait([this](beast::error_code wec) {
      if (!wec && !draining) Accept();
    });
    return;
  }
  backoff_ms = 0;
  if (!ec) {
    if (connections.fetch_add(1) >= max_connections) {
      --connections;
      // Over the connection limit: a clear 503 that clients retry, then close.
      static const std::string kBusy = [] {
        std::string body = ErrorBody(Error(ErrorCode::kRetriable));
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; "
               "charset=utf-8\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
      }();
      beast::error_code ignored;
      socket.non_blocking(true, ignored);
      socket.send(asio::buffer(kBusy), 0, ignored);
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), this)->Run();
    }
  }
  Accept();
}

void Server::State::RunThread(int index) {
  ThreadSlot* slot = &slots[index];
  current_slot = slot;
  while (!ioc.stopped()) {
    if (ioc.run_one() == 0) break;
    if (index >= target_threads.load(std::memory_order_relaxed)) break;  // not needed any more
  }
  // A handler's continuations (a composed write's next step, a strand's next handler) are queued
  // on the thread that ran it and moved to the shared queue when run_one returns, without waking
  // another thread: Asio expects the caller of run_one to call it again. This thread will not,
  // so it wakes one that will; otherwise they could wait for some unrelated event (a connection
  // stalled for up to its idle timeout, or a shutdown for its grace period).
  asio::post(ioc, [] {});
  slot->running = false;
}

void Server::State::EnsureThreads() {
  std::lock_guard lock(threads_mu);
  int target = target_threads.load();
  for (int i = 0; i < target; ++i) {
    if (slots[i].running.load()) continue;
    if (threads[i].joinable()) threads[i].join();  // a retired thread, finished or finishing
    slots[i].running = true;
    threads[i] = std::thread([this, i] { RunThread(i); });
  }
}

int Server::State::Needed(int64_t now) {
  int slow = 0;
  for (int i = 0; i < kMaxThreads; ++i) {
    int64_t start = slots[i].handler_start_ms.load(std::memory_order_relaxed);
    if ((start != 0 && now - start >= kSlowHandlerMs) ||
        slots[i].waiting.load(std::memory_order_relaxed))
      ++slow;
  }
  return std::min(kMaxThreads, base_threads + slow);
}

void Server::State::Grow() {
  if (stopping.load()) return;
  if (const int needed = Needed(SteadyMs()); needed > target_threads.load()) {
    target_threads = needed;
    EnsureThreads();
  }
}

// A handler about to wait on other requests (a group commit) hands its loop over to another
// thread at once, rather than after kSlowHandlerMs.
void OnBlockingWait(bool waiting) {
  if (!current_slot || !current_slot->owner) return;
  current_slot->waiting.store(waiting, std::memory_order_relaxed);
  if (waiting) current_slot->owner->Grow();
}

// Raises the target at once; lowers it only to the most threads needed over the last
// kThreadRetireMs, so a pool that a burst of waiting handlers grew is not torn down and rebuilt
// between bursts (a thread's start costs more than a request).
void Server::State::Monitor() {
  constexpr int kTicks = kThreadRetireMs / (kSlowHandlerMs / 2);
  std::vector<int> recent(kTicks, base_threads);
  for (size_t tick = 0; !stopping.load(); ++tick) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kSlowHandlerMs / 2));
    recent[tick % recent.size()] = Needed(SteadyMs());
    int target = *std::max_element(recent.begin(), recent.end());
    if (target != target_threads.load()) {
      target_threads = target;
      if (!stopping.load()) EnsureThreads();
    }
  }
}

Server::Server(ServerOptions options, const Handler* handler)
    : options_(std::move(options)), handler_(handler) {}

Server::~Server() { Stop(); }

int Server::max_connections() const { return state_ ? state_->max_connections : 0; }

Status Server::Start() {
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int n = std::min(kMaxThreads, options_.threads > 0 ? options_.threads : cores);
  beast::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) return Error(ErrorCode::kInvalidArgument, "invalid listen address " + options_.host);

  state_ = std::make_unique<State>();
  State& s = *state_;
  s.handler = handler_;
  s.access_log = options_.access_log;
  s.metrics = options_.metrics;
  if (options_.idle_timeout_seconds > 0) s.idle_timeout_seconds = options_.idle_timeout_seconds;
  if (options_.request_timeout_seconds > 0)
    s.request_timeout_seconds = options_.request_timeout_seconds;
  // Every connection is a descriptor; keep a reserve for the database files, the webhook
  // sender and the threads.
  int64_t files = RaiseFileLimit();
  int64_t from_limit = std::max<int64_t>(16, files - kReservedFileDescriptors - 4 * n);
  s.max_connections = options_.max_connections > 0
                          ? options_.max_connections
                          : static_cast<int>(std::min<int64_t>(from_limit, 1 << 20));

  // One listening socket, without SO_REUSEPORT: a second server on the same port is refused.
  tcp::endpoint ep(address, options_.port);
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::string why = ec == asio::error::address_in_use
                          ? "the address is in use (is another airbase or server running there?)"
                          : ec.message();
    return Error(ErrorCode::kInternal, "cannot listen on " + options_.host + ":" +
                                           std::to_string(options_.port) + ": " + why);
  }
  port_ = s.acceptor.local_endpoint().port();
  s.Accept();
  s.base_threads = n;
  s.target_threads = n;
  for (int i = 0; i < kMaxThreads; ++i) s.slots[i].owner = &s;
  BlockingWait::SetHook(&OnBlockingWait);
  s.EnsureThreads();
  s.monitor = std::thread([st = &s] { st->Monitor(); });
  return Status::Ok();
}

void Server::Stop() {
  if (!state_ || stopped_.exchange(true)) return;
  State& s = *state_;
  s.draining = true;
  asio::post(s.ioc, [st = &s] {
    beast::error_code ec;
    st->acceptor.close(ec);
    st->accept_backoff.cancel();
  });
  s.ForEachSession(
      [](std::shared_ptr<Session> p) { asio::post(p->get_executor(), [p] { p->OnDrain(); }); });
  int grace =
      options_.shutdown_grace_seconds > 0 ? options_.shutdown_grace_seconds : kShutdownGraceSeconds;
  auto wait_until = [&](SteadyClock::time_point deadline) {
    while (s.connections.load() > 0 && SteadyClock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  };
  wait_until(SteadyClock::now() + std::chrono::seconds(grace));
  if (s.connections.load() > 0) {
    // Past the grace period: stop the requests still running, close every connection.
    RequestBudget::CancelAll();
    s.ForEachSession([](std::shared_ptr<Session> p) {
      asio::post(p->get_executor(), [p] { p->ForceClose(); });
    });
    wait_until(SteadyClock::now() + std::chrono::seconds(2));
  }
  s.stopping = true;
  if (s.monitor.joinable()) s.monitor.join();
  s.ioc.stop();
  std::lock_guard lock(s.threads_mu);
  for (int i = 0; i < kMaxThreads; ++i)
    if (s.threads[i].joinable()) s.threads[i].join();
  RequestBudget::ResetCancelAll();
}

}  // namespace airbase::http
