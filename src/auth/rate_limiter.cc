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

int RateLimiter::CheckShared(const std::string& key, int limit, int64_t now) {
  auto counted = shared_->CountRequest(key, now);
  if (!counted.ok()) return 0;  // fail open
  auto [count, blocked_until_ms] = *counted;
  if (now < blocked_until_ms) return static_cast<int>((blocked_until_ms - now + 999) / 1000);
  if (count <= limit) return 0;
  (void)shared_->Penalize(key, now + penalty_ms_);
  return static_cast<int>((penalty_ms_ + 999) / 1000);
}

int RateLimiter::Admit(const std::string& user_id, const std::string& base_id) {
  int64_t now = clock_->NowMs();
  if (shared_) {
    if (int wait = CheckShared("u:" + user_id, per_user_, now)) return wait;
    return base_id.empty() ? 0 : CheckShared("b:" + base_id, per_base_, now);
  }
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
