// Notices among the servers that share one store: short texts any server publishes and every
// server receives, its own included (the web app's live updates, api/live.h). On PostgreSQL they
// travel by NOTIFY / LISTEN on a connection of the board's own (postgres/pg_notice_board.h), so
// a write through one server of a fleet reaches the browsers connected to the others; a SQLite
// data directory has one server, so its board stays in the process (LocalNoticeBoard).
//
// Best effort, like a broadcast: a notice can be lost (a server down, its listening connection
// being re-established). A receiver is told when that may have happened (Resync) and must then
// refetch what it shows. Publishing never blocks a request on the network.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace airbase {

class NoticeBoard {
 public:
  // `notice(text)` for each notice received; `resync()` after notices may have been lost.
  struct Receiver {
    std::function<void(std::string_view)> notice;
    std::function<void()> resync;
  };
  virtual ~NoticeBoard() = default;
  // Sends `text` (at most kMaxNoticeBytes; longer ones are dropped) to every receiver of every
  // server on this store. Safe from any thread; returns at once.
  virtual void Publish(std::string text) = 0;
  // Adds a receiver, called from the board's own thread (or the publisher's, in process).
  virtual void Receive(Receiver receiver) = 0;
};

// PostgreSQL's NOTIFY payload limit (8000 bytes) less room for batching.
inline constexpr size_t kMaxNoticeBytes = 7000;

// The board of a store no other process shares: Publish hands the text to the receivers at once.
class LocalNoticeBoard final : public NoticeBoard {
 public:
  void Publish(std::string text) override {
    if (text.size() > kMaxNoticeBytes) return;
    std::vector<Receiver> receivers;
    {
      std::lock_guard lock(mu_);
      receivers = receivers_;
    }
    for (const Receiver& r : receivers) r.notice(text);
  }
  void Receive(Receiver receiver) override {
    std::lock_guard lock(mu_);
    receivers_.push_back(std::move(receiver));
  }

 private:
  std::mutex mu_;
  std::vector<Receiver> receivers_;  // GUARDED_BY(mu_)
};

}  // namespace airbase
