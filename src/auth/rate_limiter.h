// Airtable's rate limits (airtable-api.md §7.1): 5 requests/s per base and 50 requests/s per user
// across its tokens; past either, 429 RATE_LIMIT_REACHED until a penalty has passed. One server
// with its store to itself counts in memory; servers sharing a database count there (RateStore),
// so the limits hold for a client whichever server its requests reach. A failure to count there
// admits the request: the limiter must not turn a database hiccup into refused traffic.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "storage/store.h"

namespace airbase {

class RateLimiter {  // Safe for concurrent use.
 public:
  RateLimiter(const Clock* clock, int per_base, int per_user, int penalty_seconds,
              RateStore* shared = nullptr)
      : clock_(clock),
        per_base_(per_base),
        per_user_(per_user),
        penalty_ms_(penalty_seconds * 1000LL),
        shared_(shared) {}

  // Counts one request. Returns 0 when allowed, else the seconds to wait (for Retry-After).
  int Admit(const std::string& user_id, const std::string& base_id);
  // Forgets every window and penalty held in memory (the emulator's reset).
  void Reset() {
    std::lock_guard lock(mu_);
    windows_.clear();
  }

 private:
  struct Window {
    int64_t second = 0;
    int count = 0;
    int64_t blocked_until_ms = 0;
  };
  int Check(Window& w, int limit, int64_t now);
  int CheckShared(const std::string& key, int limit, int64_t now);

  const Clock* clock_;
  int per_base_;
  int per_user_;
  int64_t penalty_ms_;
  RateStore* shared_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;  // GUARDED_BY(mu_)
};

}  // namespace airbase
