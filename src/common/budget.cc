// The per-request budget (budget.h): deadline, formula work and cancellation checks.
#include "common/budget.h"

#include <poll.h>

namespace airbase {

namespace {
thread_local RequestBudget* current_budget = nullptr;
}  // namespace

bool RequestBudget::SlowCheck() {
  if (cancel_all_.load(std::memory_order_relaxed)) {
    reason_ = Reason::kShutdown;
    return true;
  }
  Clock::time_point now = Clock::now();
  if (now >= deadline_) {
    reason_ = Reason::kDeadline;
    return true;
  }
  if (client_fd_ >= 0 && now >= next_poll_) {
    next_poll_ = now + std::chrono::milliseconds(20);
    // A client that closed its connection (FIN or RST) will never read the answer.
    pollfd p{client_fd_, POLLRDHUP, 0};
    if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
      reason_ = Reason::kClientGone;
      return true;
    }
  }
  return false;
}

Status RequestBudget::StopStatus() const {
  switch (reason_) {
    case Reason::kWork:
      return Error(ErrorCode::kWorkLimit);
    case Reason::kShutdown:
      return Error(ErrorCode::kUnavailable);
    default:
      return Error(ErrorCode::kTimeout);
  }
}

RequestBudget* CurrentBudget() { return current_budget; }

ScopedBudget::ScopedBudget(RequestBudget* b) : previous_(current_budget) { current_budget = b; }
ScopedBudget::~ScopedBudget() { current_budget = previous_; }

}  // namespace airbase
