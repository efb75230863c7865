// What one request may spend: a deadline, a budget of formula work, and cancellation when the
// client goes away or the server stops. The HTTP session creates one per request and installs it
// on the thread that runs the handler (ScopedBudget); long loops below (the formula evaluator,
// SQLite's progress and busy handlers, record scans) ask ShouldStop() and unwind with
// StopStatus(). Not safe for concurrent use: one budget belongs to one request on one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "common/status.h"

namespace airbase {

// Marks the calling thread, for its lifetime, as waiting on other requests (its turn in a group
// commit, or the group's commit; storage/sql/write_group.h), so that the server runs another
// thread for the other connections meanwhile (http/server.cc sets the hook). Costs nothing
// where no hook is set.
class BlockingWait {
 public:
  BlockingWait() {
    if (Hook h = hook_.load(std::memory_order_relaxed)) h(true);
  }
  ~BlockingWait() {
    if (Hook h = hook_.load(std::memory_order_relaxed)) h(false);
  }
  BlockingWait(const BlockingWait&) = delete;
  BlockingWait& operator=(const BlockingWait&) = delete;
  using Hook = void (*)(bool waiting);
  static void SetHook(Hook hook) { hook_.store(hook); }

 private:
  static inline std::atomic<Hook> hook_{nullptr};
};

class RequestBudget {
 public:
  enum class Reason { kNone, kDeadline, kWork, kClientGone, kShutdown };
  using Clock = std::chrono::steady_clock;

  // `client_fd` is the request's socket (-1: none), polled for a peer that hung up.
  RequestBudget(Clock::time_point deadline, int64_t max_work, int client_fd = -1)
      : deadline_(deadline), max_work_(max_work), client_fd_(client_fd) {}

  // True once the request must stop. Cheap: the clock is read every 256th call, the socket
  // polled at most every 20 ms.
  bool Stop() {
    if (reason_ != Reason::kNone) return true;
    if ((++calls_ & 255) != 0) return false;
    return SlowCheck();
  }
  // Stop() for callers that already call it rarely: always reads the clock.
  bool StopNow() { return reason_ != Reason::kNone || SlowCheck(); }
  // Adds evaluator steps (a node, or 64 bytes of text built) to the request's total.
  void AddWork(int64_t steps) {
    work_ += steps;
    if (work_ > max_work_ && reason_ == Reason::kNone) reason_ = Reason::kWork;
  }
  int64_t work() const { return work_; }
  Clock::time_point deadline() const { return deadline_; }
  Reason reason() const { return reason_; }
  // The error a stopped request answers: 503 REQUEST_TIMEOUT, 422 for too much work, 503 when
  // the server is stopping.
  Status StopStatus() const;

  // Makes every budget stop (shutdown past its grace period). Safe from any thread.
  static void CancelAll() { cancel_all_.store(true, std::memory_order_relaxed); }
  static void ResetCancelAll() { cancel_all_.store(false, std::memory_order_relaxed); }

 private:
  bool SlowCheck();

  Clock::time_point deadline_;
  int64_t max_work_;
  int client_fd_;
  int64_t work_ = 0;
  uint32_t calls_ = 0;
  Clock::time_point next_poll_{};
  Reason reason_ = Reason::kNone;
  static inline std::atomic<bool> cancel_all_{false};
};

// The budget of the request running on this thread, or nullptr (CLI, background threads).
RequestBudget* CurrentBudget();

// True when a request runs on this thread and must stop.
inline bool ShouldStop() {
  RequestBudget* b = CurrentBudget();
  return b != nullptr && b->Stop();
}

// Installs a budget on this thread for the lifetime of the scope.
class ScopedBudget {
 public:
  explicit ScopedBudget(RequestBudget* b);
  ~ScopedBudget();
  ScopedBudget(const ScopedBudget&) = delete;
  ScopedBudget& operator=(const ScopedBudget&) = delete;

 private:
  RequestBudget* previous_;
};

}  // namespace airbase
