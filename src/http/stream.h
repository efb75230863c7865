// The body of an answer that stays open: server-sent events (the web app's live updates). A
// handler returns a BodyStream in Response::stream; the server writes the head (chunked, no
// caching), then whatever is pushed, as it is pushed, with a heartbeat comment every
// kStreamHeartbeatSeconds, until either side ends it: the producer calls End, or the client goes
// away / reads too slowly / the stream reaches kStreamLifetimeSeconds / the server drains, and
// the server ends it, which runs the producer's on-end callback (to unsubscribe). Safe for
// concurrent use.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace airbase::http {

class BodyStream {
 public:
  // `on_end` runs once, on whichever thread ends the stream.
  explicit BodyStream(std::function<void()> on_end = {}) : on_end_(std::move(on_end)) {}

  // Queues bytes to send; false once ended. A backlog past kMaxStreamBacklogBytes (a client
  // that does not read) ends the stream.
  bool Push(std::string_view bytes);
  void End();
  bool ended();

  // The server's side: `wake` is called (from any thread, after Push or End) when there is
  // something to Take; Take hands over what is queued and whether the stream has ended.
  void SetWaker(std::function<void()> wake);
  std::string Take(bool* ended);

 private:
  std::mutex mu_;
  std::string queued_;          // GUARDED_BY(mu_)
  bool ended_ = false;          // GUARDED_BY(mu_)
  std::function<void()> wake_;  // GUARDED_BY(mu_)
  std::function<void()> on_end_;
};

}  // namespace airbase::http
