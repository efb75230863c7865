// The notice board of a PostgreSQL store (storage/notice_board.h): one thread per server with a
// connection of its own that LISTENs on one channel and sends what is published there with
// NOTIFY, so every server on the database (this one included) receives every notice. Notices
// published together are sent as one NOTIFY (joined by newlines, under kMaxNoticeBytes), off
// the request's thread. A lost connection is opened again (after a second); the receivers are
// then told to resync, since notices sent meanwhile never arrived.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/notice_board.h"

typedef struct pg_conn PGconn;

namespace airbase::postgres {

class PgNoticeBoard final : public NoticeBoard {
 public:
  explicit PgNoticeBoard(std::string url);
  ~PgNoticeBoard() override;  // sends what is queued (if connected), then stops

  void Publish(std::string text) override;
  void Receive(Receiver receiver) override;

 private:
  void StartLocked();
  void Run();
  void Wake();
  void Deliver(PGconn* conn);  // hands the notifications read so far to the receivers

  const std::string url_;
  std::mutex mu_;
  std::deque<std::string> outbox_;   // GUARDED_BY(mu_)
  std::vector<Receiver> receivers_;  // GUARDED_BY(mu_)
  bool stopping_ = false;            // GUARDED_BY(mu_)
  std::condition_variable stopped_cv_;
  int wake_fd_ = -1;    // an eventfd: Publish and the destructor wake the thread's poll
  std::thread thread_;  // started by the first Publish or Receive
};

}  // namespace airbase::postgres
