// An answer's body that stays open (stream.h).
#include "http/stream.h"

#include <utility>

#include "common/limits.h"

namespace airbase::http {

bool BodyStream::Push(std::string_view bytes) {
  std::function<void()> wake;
  bool over = false;
  {
    std::lock_guard lock(mu_);
    if (ended_) return false;
    over = queued_.size() + bytes.size() > kMaxStreamBacklogBytes;
    if (!over) {
      queued_.append(bytes);
      wake = wake_;
    }
  }
  if (over) {
    End();
    return false;
  }
  if (wake) wake();
  return true;
}

void BodyStream::End() {
  std::function<void()> wake, on_end;
  {
    std::lock_guard lock(mu_);
    if (ended_) return;
    ended_ = true;
    wake = wake_;
    on_end = std::move(on_end_);
  }
  if (on_end) on_end();
  if (wake) wake();
}

bool BodyStream::ended() {
  std::lock_guard lock(mu_);
  return ended_;
}

void BodyStream::SetWaker(std::function<void()> wake) {
  bool pending;
  {
    std::lock_guard lock(mu_);
    wake_ = wake;
    pending = !queued_.empty() || ended_;
  }
  if (pending) wake();
}

std::string BodyStream::Take(bool* ended) {
  std::lock_guard lock(mu_);
  *ended = ended_;
  return std::exchange(queued_, {});
}

}  // namespace airbase::http
