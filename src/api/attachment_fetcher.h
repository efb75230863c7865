// Attachments by URL (airtable-api.md §5.8): a write that names {"url"} stores a pending item
// and queues its fetch in the same transaction (engine/record_writer.cc); the fetcher downloads
// the file (http/https, at most kMaxAttachmentRedirects redirects, each hop's address checked as
// webhook destinations are, at most kMaxFetchedFileBytes within kAttachmentFetchTimeoutSeconds),
// stores it, and turns the pending item into the whole item with the same id, in a write of the
// record that webhooks hear like any other. A fetch that cannot succeed (a 4xx, a refused
// address, too many redirects, too large) drops the item; one that failed for a reason that may
// pass (no answer, a 5xx) is tried again, kAttachmentFetchTries times in all.
//
// The queue is the store's (AttachmentStore), so a fetch outlives the server that queued it and
// each is made by one server of a fleet. Safe for concurrent use.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/context.h"
#include "schema/attachments.h"

namespace airbase::api {

class AttachmentFetcher {
 public:
  // `svc` (its store, clock, ids, notifier) must outlive the fetcher.
  explicit AttachmentFetcher(const Services* svc, int threads = 2);
  ~AttachmentFetcher();
  // Wakes a fetcher thread: a write that just committed queued fetches.
  void Wake();

  // What one fetch came to: the bytes and type, or why not (and whether to try again).
  struct Download {
    std::string bytes, type;
    std::string error;  // empty: fetched
    bool retry = false;
  };
  // Downloads `url` under the address policy, following redirects (exposed for tests).
  static Download Fetch(const std::string& url, bool allow_private);

 private:
  void Run(bool first);
  void FetchOne(const AttachmentFetch& fetch);
  // Replaces (item set) or drops the pending item of `fetch` in its record's cell.
  Status Apply(const AttachmentFetch& fetch, const attachments::Item* item);
  int64_t Tick() const;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  const Services* svc_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wakes_ = 0;  // GUARDED_BY(mu_)
  bool stop_ = false;   // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
};

}  // namespace airbase::api
