// Group commit (write_group.h).
#include "storage/sql/write_group.h"

#include "common/budget.h"
#include "common/limits.h"

namespace airbase::sql {

struct WriteGroup::Generation {
  int members = 0;    // turns whose writes joined the transaction
  bool done = false;  // committed or rolled back
  Status status;      // what the members are answered
  Status broken;      // not Ok: the transaction is lost; roll back, answer this
};

Result<WriteGroup::Turn> WriteGroup::Enter() {
  ConnectionPool::StopSharing();  // what the thread reads after its write must see it
  std::unique_lock lock(mu_);
  if (busy_) {
    ++waiting_;
    BlockingWait blocked;
    turn_.wait(lock, [&] { return !busy_; });
    --waiting_;
  }
  busy_ = true;
  if (!open_) {
    lock.unlock();  // others queue for their turn meanwhile
    // The group keeps its connection between transactions: its page cache stays valid (another
    // connection's would be dropped by each commit it did not make).
    Status st = Status::Ok();
    if (!lease_ || (*lease_)->Broken()) {
      lease_.reset();
      Result<Lease> lease = pool_->Acquire();
      if (lease.ok())
        lease_.emplace(std::move(*lease));
      else
        st = lease.status();
    }
    if (st.ok()) {
      // A kept connection misses what Acquire() would tell it: PostgreSQL's cached plans must
      // go when a table they use changed (a retyped column).
      pool_->RefreshEpoch(**lease_);
      st = (*lease_)->BeginWrite();
    }
    lock.lock();
    if (!st.ok()) {
      busy_ = false;
      turn_.notify_one();
      return st;
    }
    open_ = std::make_shared<Generation>();
  }
  Turn turn{&**lease_, open_};
  lock.unlock();
  if (Status st = turn.db->Exec("SAVEPOINT airbase_write"); !st.ok()) {
    (void)Leave(turn, false);
    return st;
  }
  return turn;
}

Status WriteGroup::Leave(Turn& turn, bool keep) {
  Generation& gen = *turn.gen;
  Connection& db = *turn.db;
  Status own = Status::Ok();
  if (keep) {
    own = db.Exec("RELEASE SAVEPOINT airbase_write");
    if (!own.ok()) keep = false;
  }
  if (!keep) {
    Status undone = db.Exec("ROLLBACK TO SAVEPOINT airbase_write");
    if (undone.ok()) undone = db.Exec("RELEASE SAVEPOINT airbase_write");
    if (!undone.ok() || !db.InTransaction())  // the engine dropped the whole transaction
      gen.broken = undone.ok() ? Error(ErrorCode::kRetriable,
                                       "a write of its group was interrupted; nothing was written")
                               : undone;
  }
  // A cancelled statement (PostgreSQL) may cancel a later one too: the group stops here.
  if (db.Broken() && gen.broken.ok())
    gen.broken =
        Error(ErrorCode::kRetriable, "the group's connection was lost; nothing was written");
  std::unique_lock lock(mu_);
  if (keep) ++gen.members;
  const bool hand_on = waiting_ > 0 && gen.members < kMaxWriteGroup && gen.broken.ok();
  if (hand_on) {
    busy_ = false;
    turn_.notify_one();
    if (!keep) return own;
    BlockingWait blocked;
    committed_.wait(lock, [&] { return gen.done; });
    return gen.status;
  }
  Status committed = CommitLocked(lock, gen);
  return keep ? committed : own;
}

// Ends the open generation with `lock` held and busy_ set; answers what its members are told.
Status WriteGroup::CommitLocked(std::unique_lock<std::mutex>& lock, Generation& gen) {
  Connection& db = **lease_;  // busy_ keeps it ours until the generation is done
  open_.reset();
  lock.unlock();
  Status st = gen.broken;
  if (!st.ok())
    (void)(db.InTransaction() ? db.Rollback() : Status::Ok());
  else if (gen.members == 0)
    st = db.Rollback();  // nothing of anyone's to keep
  else
    st = db.Commit();
  lock.lock();
  if (db.InTransaction() || db.Broken()) lease_.reset();  // a failed COMMIT or ROLLBACK
  gen.done = true;
  gen.status = st;
  busy_ = false;
  committed_.notify_all();
  turn_.notify_one();
  return st;
}

}  // namespace airbase::sql
