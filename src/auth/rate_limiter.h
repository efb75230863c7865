// Airtable's rate limits (airtable-api.md §7.1): 5 requests/s per base and 50 requests/s per user
// across its tokens; past either, 429 RATE_LIMIT_REACHED until a penalty has passed.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace airbase {

class RateLimiter {  // Safe for concurrent use.
 public:
  RateLimiter(const Clock* clock, int per_base, int per_user, int penalty_seconds)
      : clock_(clock),
        per_base_(per_base),
        per_user_(per_user),
        penalty_ms_(penalty_seconds * 1000LL) {}

  // Counts one request. Returns 0 when allowed, else the seconds to wait (for Retry-After).
  int Admit(const std::string& user_id, const std::string& base_id);

 private:
  struct Window {
    int64_t second = 0;
    int count = 0;
    int64_t blocked_until_ms = 0;
  };
  int Check(Window& w, int limit, int64_t now);

  const Clock* clock_;
  int per_base_;
  int per_user_;
  int64_t penalty_ms_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;  // GUARDED_BY(mu_)
};

}  // namespace airbase
