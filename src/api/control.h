// The emulator's control API (airbase serve --ephemeral --control; README "airbase in a test
// suite"): a Handler in front of the Router that answers /_airbase/... itself and passes every
// other request on, logging it and injecting the faults a test asked for.
//
//   POST   /_airbase/reset     every base back to its fixture state; the log and faults cleared
//   GET    /_airbase/requests  the requests received since the last reset, oldest first
//   DELETE /_airbase/requests  clears that log
//   GET    /_airbase/faults    the faults set, with how often each fired
//   POST   /_airbase/faults    adds one: {route, kind, status?, retryAfter?, latencyMs?, rate?,
//                              count?, seed?}
//   DELETE /_airbase/faults    removes them all
//
// A fault's `route` is "[METHOD ]/path" where * matches any run of characters; `kind` is
// "latency" (the request waits latencyMs, then is answered), "429" (RATE_LIMIT_REACHED with
// Retry-After), "500", "503" (Airtable's error bodies) or "drop" (the connection is closed
// without an answer). It fires for every matching request, or with probability `rate` (drawn
// from a generator seeded by `seed`, so a run repeats), at most `count` times when given.
// Only one fault (of the first that fires, in the order they were added) besides latency
// applies to a request. The log keeps the newest kControlLogMaxRequests requests and at most
// kControlLogMaxBodyBytes of their bodies (common/limits.h); never a header, so never a token.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "http/message.h"

namespace airbase::api {

class ControlHandler final : public http::Handler {
 public:
  // `reset` restores the fixtures (and whatever else the server keeps: rate limit windows).
  ControlHandler(const http::Handler* inner, std::function<Status()> reset);

  http::Response Handle(const http::Request& req) const override;

 private:
  struct Fault {
    int64_t id = 0;
    std::string method;  // empty: any
    std::string path;    // glob
    std::string kind;    // latency | 429 | 500 | 503 | drop
    int retry_after = 30;
    int64_t latency_ms = 0;
    double rate = 1;
    int64_t count = -1;  // fires left; -1: no limit
    int64_t fired = 0;
    uint64_t seed = 0;
    std::mt19937_64 rng;
    boost::json::object ToJson() const;
  };

  http::Response Control(const http::Request& req, const std::string& path) const;
  http::Response AddFault(const http::Request& req) const;
  // The faults that fire for this request (latency first, at most one other), their fire counts
  // taken.
  std::vector<Fault> Firing(const std::string& method, const std::string& path) const;
  void Log(const http::Request& req, const std::string& path, const std::string& query,
           int status) const;

  const http::Handler* inner_;
  std::function<Status()> reset_;
  mutable std::mutex mu_;
  mutable std::deque<std::pair<boost::json::object, size_t>> log_;  // (entry, body bytes)
  mutable size_t log_bytes_ = 0;       // GUARDED_BY(mu_), like log_: the bodies held
  mutable std::vector<Fault> faults_;  // GUARDED_BY(mu_)
  mutable int64_t next_fault_ = 1;     // GUARDED_BY(mu_)
};

}  // namespace airbase::api
