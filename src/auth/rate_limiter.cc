// Rate limits (rate_limiter.h): per-base and per-user windows, and the penalty after a 429.
#include "auth/rate_limiter.h"

namespace airbase {

int RateLimiter::Check(Window& w, int limit, int64_t now) {
  if (now < w.blocked_until_ms) return static_cast<int>((w.blocked_until_ms - now + 999) / 1000);
  int64_t second = now / 1000;
  if (w.second != second) {
    w.second = second;
    w.count = 0;
  }
  if (w.count >= limit) {
    w.blocked_until_ms = now + penalty_ms_;
    return static_cast<int>((penalty_ms_ + 999) / 1000);
  }
  return 0;
}

int RateLimiter::Admit(const std::string& user_id, const std::string& base_id) {
  int64_t now = clock_->NowMs();
  std::lock_guard lock(mu_);
  if (windows_.size() > 100000) windows_.clear();  // bound memory; windows are 1 s long anyway
  Window& u = windows_["u:" + user_id];
  if (int wait = Check(u, per_user_, now)) return wait;
  Window* b = base_id.empty() ? nullptr : &windows_["b:" + base_id];
  if (b) {
    if (int wait = Check(*b, per_base_, now)) return wait;
    ++b->count;
  }
  ++u.count;
  return 0;
}

}  // namespace airbase
