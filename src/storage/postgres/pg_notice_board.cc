// The PostgreSQL notice board (pg_notice_board.h): LISTEN / NOTIFY on a connection of its own.
#include "storage/postgres/pg_notice_board.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string_view>
#include <utility>

#include "storage/postgres/pg_connection.h"

namespace airbase::postgres {

namespace {

// The channel is the schema's: stores in two schemas of one database are two deployments.
constexpr const char* kChannelPrefix = "airbase_notices:";
constexpr int kPollMs = 1000;
constexpr auto kReconnectDelay = std::chrono::seconds(1);

void IgnoreNotice(void*, const char*) {}

// Joins queued notices into NOTIFY payloads of at most kMaxNoticeBytes.
std::vector<std::string> Payloads(std::deque<std::string> notices) {
  std::vector<std::string> out;
  for (std::string& n : notices) {
    if (!out.empty() && out.back().size() + 1 + n.size() <= kMaxNoticeBytes) {
      out.back() += '\n';
      out.back() += n;
    } else {
      out.push_back(std::move(n));
    }
  }
  return out;
}

bool Send(PGconn* conn, const std::string& channel, const std::string& payload) {
  const char* values[2] = {channel.c_str(), payload.c_str()};
  ResultPtr r(
      PQexecParams(conn, "SELECT pg_notify($1, $2)", 2, nullptr, values, nullptr, nullptr, 0));
  return r && PQresultStatus(r.get()) == PGRES_TUPLES_OK;
}

}  // namespace

PgNoticeBoard::PgNoticeBoard(std::string url) : url_(std::move(url)) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

PgNoticeBoard::~PgNoticeBoard() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  Wake();
  stopped_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void PgNoticeBoard::Wake() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof one);
}

void PgNoticeBoard::StartLocked() {
  if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { Run(); });
}

void PgNoticeBoard::Publish(std::string text) {
  if (text.size() > kMaxNoticeBytes) return;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    outbox_.push_back(std::move(text));
    StartLocked();
  }
  Wake();
}

void PgNoticeBoard::Receive(Receiver receiver) {
  std::lock_guard lock(mu_);
  receivers_.push_back(std::move(receiver));
  StartLocked();
}

void PgNoticeBoard::Deliver(PGconn* conn) {
  while (PGnotify* n = PQnotifies(conn)) {
    std::string_view all = n->extra;
    std::vector<Receiver> rs;
    {
      std::lock_guard lock(mu_);
      rs = receivers_;
    }
    while (!all.empty()) {
      size_t nl = all.find('\n');
      std::string_view one = all.substr(0, nl);
      for (const Receiver& r : rs) r.notice(one);
      all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
    }
    PQfreemem(n);
  }
}

void PgNoticeBoard::Run() {
  std::unique_ptr<PGconn, ConnCloser> conn;
  std::string channel = kChannelPrefix;
  bool connected_before = false;
  auto receivers = [this] {
    std::lock_guard lock(mu_);
    return receivers_;
  };
  while (true) {
    bool stopping;
    {
      std::lock_guard lock(mu_);
      stopping = stopping_;
    }
    if (!conn) {
      if (stopping) return;
      conn.reset(PQconnectdb(url_.c_str()));
      ResultPtr listen;
      if (conn && PQstatus(conn.get()) == CONNECTION_OK) {
        PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
        ResultPtr schema(PQexec(conn.get(), "SELECT current_schema()"));
        if (schema && PQresultStatus(schema.get()) == PGRES_TUPLES_OK &&
            PQntuples(schema.get()) == 1)
          channel = kChannelPrefix + std::string(PQgetvalue(schema.get(), 0, 0));
        char* quoted = PQescapeIdentifier(conn.get(), channel.data(), channel.size());
        if (quoted) {
          listen.reset(PQexec(conn.get(), (std::string("LISTEN ") + quoted).c_str()));
          PQfreemem(quoted);
        }
      }
      if (!listen || PQresultStatus(listen.get()) != PGRES_COMMAND_OK) {
        conn.reset();
        std::unique_lock lock(mu_);
        stopped_cv_.wait_for(lock, kReconnectDelay, [&] { return stopping_; });
        continue;
      }
      // Notices sent while this server was not listening never reach it.
      if (connected_before)
        for (const Receiver& r : receivers()) r.resync();
      connected_before = true;
    }
    std::deque<std::string> outbox;
    {
      std::lock_guard lock(mu_);
      outbox.swap(outbox_);
    }
    bool ok = true;
    for (const std::string& payload : Payloads(std::move(outbox)))
      if (!Send(conn.get(), channel, payload)) ok = false;
    if (stopping) return;
    Deliver(conn.get());  // what arrived while sending is already read: poll would not see it
    pollfd fds[2] = {{PQsocket(conn.get()), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (ok && poll(fds, 2, kPollMs) >= 0) {
      if (fds[1].revents & POLLIN) {
        uint64_t n;
        (void)!read(wake_fd_, &n, sizeof n);
      }
      ok = PQconsumeInput(conn.get()) == 1;
    }
    Deliver(conn.get());
    if (!ok || PQstatus(conn.get()) != CONNECTION_OK) conn.reset();
  }
}

}  // namespace airbase::postgres
