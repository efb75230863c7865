// Live updates: every open page of the web app follows what changes in its base, whoever
// changes it and through whichever server of a fleet.
//
// Writers publish short notices on the store's notice board (engine/live_notices.h: record ids
// created, updated and destroyed per table; schema and comment changes); the board carries them
// to every server (storage/notice_board.h: NOTIFY / LISTEN on PostgreSQL). Each server's
// LiveHub forwards the notices of a base to the server-sent-event streams that browsers hold
// open on it (GET /api/web/{baseId}/events), as `event: records|schema|comments`; the page
// refetches what it shows through the API, under its own user's access.
//
// Presence: a stream's viewer is announced with `join` and `leave` notices and re-announced by
// its server every kPresenceBeatSeconds (`here`), so every server knows who looks at a base and
// a server that died stops counting after kPresenceExpirySeconds. Each stream gets `event:
// presence` with the base's viewers whenever they change. When the board may have lost notices
// (resync), every stream gets `event: resync` and its page reloads what it shows.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/stream.h"
#include "schema/model.h"
#include "storage/store.h"

namespace airbase::api {

class LiveHub : public std::enable_shared_from_this<LiveHub> {
 public:
  // Receives `store`'s notices from now on, until the last reference goes.
  static std::shared_ptr<LiveHub> Start(Store* store, const Clock* clock);
  ~LiveHub();
  // Stops the presence beat; the owner calls it before letting go (streams hold no reference).
  void Stop();

  // A new stream of `base_id`'s events for a page `viewer` has open.
  std::shared_ptr<http::BodyStream> Open(const std::string& base_id, const User& viewer);

  // Streams open on this server (all bases).
  size_t streams();

 private:
  LiveHub(Store* store, const Clock* clock);
  struct Viewer {
    User user;
    int64_t expires_ms = 0;
  };
  struct Base {
    std::map<uint64_t, std::shared_ptr<http::BodyStream>> streams;  // this server's, by number
    std::map<std::string, Viewer> viewers;                          // every server's, by stream key
  };

  void OnNotice(std::string_view text);
  void OnResync();
  void Close(const std::string& base_id, uint64_t number);
  // Pushes `event` to the base's streams on this server.
  void Send(const std::string& base_id, const std::string& event);
  // The base's viewers (each user once), as an `event: presence`.
  std::string PresenceEventLocked(const Base& base);
  void Beat();  // re-announces this server's viewers, forgets expired ones
  std::string Key(uint64_t number) const { return server_ + "-" + std::to_string(number); }

  Store* store_;
  const Clock* clock_;
  const std::string server_;  // random: names this server's streams in presence notices
  std::mutex mu_;
  std::map<std::string, Base> bases_;          // GUARDED_BY(mu_)
  std::map<uint64_t, User> own_;               // this server's viewers, GUARDED_BY(mu_)
  std::map<uint64_t, std::string> own_bases_;  // their bases, GUARDED_BY(mu_)
  uint64_t next_ = 1;                          // GUARDED_BY(mu_)
  bool stopping_ = false;                      // GUARDED_BY(mu_)
  std::condition_variable wake_;
  std::thread beat_;
};

}  // namespace airbase::api
