// A pool of connections to one database, shared by every store part (sql_store.h). Acquire()
// lends a connection for one call; InTransaction() runs a body in one write transaction;
// AcquireRead() lends one for a read, the same one for every read of a request that shares its
// reads (ShareReads(): one read transaction instead of one per statement). The
// engine adapter supplies how to open a connection. At most `max_open` connections exist at once
// (0: no limit); a caller finding all of them lent waits for one, no longer than its request's
// budget allows (10 s outside a request), then fails retriably. Safe for concurrent use.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "storage/sql/connection.h"
#include "storage/store.h"

namespace airbase::sql {

class ConnectionPool;
class ReadShare;

// RAII lease of a pooled connection: back to the pool when it ends (or, borrowed from a request's
// ReadShare, back to the share).
class Lease {
 public:
  Lease(ConnectionPool* pool, std::unique_ptr<Connection> c)
      : pool_(pool), owned_(std::move(c)), c_(owned_.get()) {}
  Lease(Lease&& o) noexcept
      : pool_(o.pool_),
        owned_(std::move(o.owned_)),
        share_(std::exchange(o.share_, nullptr)),
        c_(std::exchange(o.c_, nullptr)) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection* operator->() { return c_; }
  Connection& operator*() { return *c_; }

 private:
  friend class ConnectionPool;
  Lease(ReadShare* share, Connection* c) : pool_(nullptr), share_(share), c_(c) {}
  ConnectionPool* pool_;
  std::unique_ptr<Connection> owned_;  // null when borrowed from share_
  ReadShare* share_ = nullptr;
  Connection* c_;
};

// The reads of one request on one thread, made while it lives, share one connection and one read
// transaction (ConnectionPool::ShareReads): a snapshot begun and ended once, where SQLite would
// otherwise take and drop its locks around every statement. The first write of the thread
// (Acquire(), a write transaction, a write group's turn) ends the sharing: what is read after it
// is read as if no share existed, so a request sees its own writes. Not copyable; one thread's.
class ReadShare final : public ReadScope {
 public:
  ReadShare(const ReadShare&) = delete;
  ReadShare& operator=(const ReadShare&) = delete;
  ~ReadShare() override;

 private:
  friend class ConnectionPool;
  friend class Lease;
  explicit ReadShare(ConnectionPool* pool) : pool_(pool) {}
  void Returned();  // a borrowed lease ended
  void Stop();      // the thread wrote: end the transaction once nothing borrows it

  ConnectionPool* pool_;
  std::optional<Lease> lease_;  // taken at the first read
  int borrows_ = 0;             // Leases lent from it now
  bool open_ = false;           // the read transaction is begun
  bool stopped_ = false;        // a write ended the sharing
};

class ConnectionPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Connection>>()>;
  // Keeps at most `max_idle` idle connections and `max_open` (0: any number) in all.
  explicit ConnectionPool(Opener open, size_t max_idle = 64, size_t max_open = 0)
      : open_(std::move(open)), max_idle_(max_idle), max_open_(max_open) {}

  struct Stats {
    int64_t open = 0;      // connections that exist now
    int64_t lent = 0;      // of them, lent out now
    int64_t waits = 0;     // acquisitions that had to wait, since start
    int64_t wait_us = 0;   // the time they waited in all
    int64_t timeouts = 0;  // acquisitions that gave up
  };
  Stats stats();

  // Lends a connection of its own (ending the calling thread's ReadShare first, see there).
  Result<Lease> Acquire();
  // Lends the calling thread's ReadShare's connection in its read transaction, or, with none (or
  // once it stopped), what Acquire() lends. Only for calls that only read.
  Result<Lease> AcquireRead();
  // Makes the calling thread's reads share a connection and snapshot until the result ends;
  // nullptr when the thread shares one already.
  std::unique_ptr<ReadShare> ShareReads();
  // Ends the calling thread's ReadShare (the thread is about to write).
  static void StopSharing();

  // The schema version last read (SqlSchemaStore::MetaVersion); each lent connection is told.
  void NoteSchemaEpoch(int64_t epoch) { epoch_.store(epoch, std::memory_order_relaxed); }
  // Tells a connection kept outside the pool (WriteGroup's) the epoch, as Acquire() tells each.
  void RefreshEpoch(Connection& c) { c.SetSchemaEpoch(epoch_.load(std::memory_order_relaxed)); }

  // Runs `body(Lease&)` in one write transaction on a pooled connection: commits when it
  // succeeds, rolls back on any error.
  // A transaction that meets a lock conflict (Connection::TakeConflict) is rolled back and run
  // again, up to kConflictTries times in all, so `body` must do nothing but its statements.
  template <typename F>
  Status InTransaction(F&& body) {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    for (int attempt = 1;; ++attempt) {
      (void)db->TakeConflict();
      Status st = db->BeginWrite();
      if (st.ok()) {
        st = body(db);
        if (st.ok()) st = db->Commit();
      }
      if (st.ok()) return st;
      if (db->InTransaction()) (void)db->Rollback();
      if (!db->TakeConflict() || attempt == kConflictTries) return st;
      NoteConflictRetry(attempt);
    }
  }

 private:
  friend class Lease;
  friend class ReadShare;
  Result<Lease> Take();  // Acquire() without ending a share
  void Release(std::unique_ptr<Connection> c);
  // Logs the conflict and waits a little before try `attempt` + 1.
  static void NoteConflictRetry(int attempt);
  static constexpr int kConflictTries = 3;

  Opener open_;
  size_t max_idle_;
  size_t max_open_;
  std::atomic<int64_t> epoch_{-1};
  std::condition_variable freed_;  // a connection came back, or one closed
  size_t open_count_ = 0;          // GUARDED_BY(mu_)
  Stats stats_;                    // GUARDED_BY(mu_), but for open and lent
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
};

}  // namespace airbase::sql
