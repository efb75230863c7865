// Response bodies' buffers, kept per thread: a list page's ~100 KB body, freed after each write,
// was handed back to the kernel by the allocator (madvise at the heap's top) and faulted in
// again by the next page. A handler takes a buffer with the capacity of an earlier body; the
// HTTP layer gives it back once written. At most kKeptBodyBuffers of at most kMaxKeptBodyBytes
// each are kept per thread (common/limits.h); larger ones are freed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/limits.h"

namespace airbase {

namespace body_buffers_internal {
inline std::vector<std::string>& Kept() {
  thread_local std::vector<std::string> kept;
  return kept;
}
}  // namespace body_buffers_internal

// An empty string, with an earlier body's capacity when this thread kept one.
inline std::string TakeBodyBuffer() {
  auto& kept = body_buffers_internal::Kept();
  if (kept.empty()) return {};
  std::string s = std::move(kept.back());
  kept.pop_back();
  s.clear();
  return s;
}

// `body`, written, for a later TakeBodyBuffer on this thread.
inline void GiveBodyBuffer(std::string&& body) {
  auto& kept = body_buffers_internal::Kept();
  std::string s = std::move(body);
  if (s.capacity() > kMaxKeptBodyBytes || s.capacity() < 4096 ||
      kept.size() >= static_cast<size_t>(kKeptBodyBuffers))
    return;
  kept.push_back(std::move(s));
}

}  // namespace airbase
