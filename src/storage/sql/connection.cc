// The engine-independent parts of the connection seam (connection.h) and the pool (pool.h).
#include "storage/sql/connection.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "common/budget.h"
#include "common/limits.h"
#include "storage/sql/pool.h"

namespace airbase::sql {

void Statement::Bind(int i, const SqlValue& v) {
  if (std::holds_alternative<std::monostate>(v))
    BindNull(i);
  else if (auto* n = std::get_if<int64_t>(&v))
    BindInt(i, *n);
  else if (auto* d = std::get_if<double>(&v))
    BindReal(i, *d);
  else
    BindText(i, std::get<std::string>(v));
}

Status Statement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::string Quote(std::string_view ident) {
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Lease::~Lease() {
  if (share_)
    share_->Returned();
  else if (owned_)
    pool_->Release(std::move(owned_));
}

namespace {
thread_local ReadShare* current_share = nullptr;

// A statement without parameters or results, prepared once per connection (Exec parses it anew).
Status RunCached(Connection& db, const std::string& sql) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare(sql));
  return s->Run();
}
}  // namespace

ReadShare::~ReadShare() {
  Stop();
  current_share = nullptr;
}

void ReadShare::Returned() {
  if (--borrows_ == 0 && stopped_) Stop();
}

void ReadShare::Stop() {
  stopped_ = true;
  if (borrows_ > 0) return;  // the transaction ends when the last borrowed lease does
  if (open_) {
    open_ = false;
    // A read transaction's end cannot lose anything; a connection it leaves inside one is closed
    // by the pool (Release) rather than kept.
    (void)RunCached(**lease_, "COMMIT");
  }
  lease_.reset();
}

std::unique_ptr<ReadShare> ConnectionPool::ShareReads() {
  if (current_share) return nullptr;
  std::unique_ptr<ReadShare> share(new ReadShare(this));
  current_share = share.get();
  return share;
}

void ConnectionPool::StopSharing() {
  if (current_share) current_share->Stop();
}

Result<Lease> ConnectionPool::AcquireRead() {
  ReadShare* s = current_share;
  if (!s || s->pool_ != this || s->stopped_) return Acquire();
  if (!s->lease_) {
    ASSIGN_OR_RETURN(Lease own, Take());
    s->lease_.emplace(std::move(own));
  }
  Connection& db = **s->lease_;
  if (!s->open_) {
    RETURN_IF_ERROR(RunCached(db, "BEGIN"));
    s->open_ = true;
  }
  ++s->borrows_;
  return Lease(s, &db);
}

Result<Lease> ConnectionPool::Acquire() {
  StopSharing();
  return Take();
}

Result<Lease> ConnectionPool::Take() {
  {
    std::unique_lock lock(mu_);
    if (idle_.empty() && max_open_ > 0 && open_count_ >= max_open_) {
      // All lent: wait for one, within the request's budget.
      auto start = std::chrono::steady_clock::now();
      auto until = start + std::chrono::seconds(kPoolWaitSeconds);
      if (RequestBudget* b = CurrentBudget(); b != nullptr) until = std::min(until, b->deadline());
      ++stats_.waits;
      bool got =
          freed_.wait_until(lock, until, [&] { return !idle_.empty() || open_count_ < max_open_; });
      stats_.wait_us += std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
      if (!got) {
        ++stats_.timeouts;
        if (RequestBudget* b = CurrentBudget(); b != nullptr && b->StopNow())
          return b->StopStatus();
        return Error(ErrorCode::kRetriable, {});
      }
    }
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      ++stats_.lent;
      lock.unlock();
      c->SetSchemaEpoch(epoch_.load(std::memory_order_relaxed));
      return Lease(this, std::move(c));
    }
    ++open_count_;  // reserved before opening, so concurrent callers respect the limit
    ++stats_.lent;
  }
  auto c = open_();
  if (!c.ok()) {
    std::lock_guard lock(mu_);
    --open_count_;
    --stats_.lent;
    freed_.notify_one();
    return c.status();
  }
  (*c)->SetSchemaEpoch(epoch_.load(std::memory_order_relaxed));
  return Lease(this, std::move(*c));
}

void ConnectionPool::NoteConflictRetry(int attempt) {
  std::fprintf(stderr, "airbase: a transaction met a lock conflict; trying it again (%d of %d)\n",
               attempt + 1, kConflictTries);
  std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
}

void ConnectionPool::Release(std::unique_ptr<Connection> c) {
  // A connection left inside a transaction (a COMMIT or ROLLBACK that failed, e.g. on a full
  // disk) would fail every later statement, and a lost connection every statement: either is
  // closed instead of pooled.
  bool keep = !c->Broken();
  if (keep && c->InTransaction()) {
    (void)c->Rollback();
    keep = !c->InTransaction();
  }
  std::unique_ptr<Connection> closed;  // closed after the lock is released
  std::lock_guard lock(mu_);
  --stats_.lent;
  if (keep && idle_.size() < max_idle_) {
    idle_.push_back(std::move(c));
  } else {
    --open_count_;
    closed = std::move(c);
  }
  freed_.notify_one();
}

ConnectionPool::Stats ConnectionPool::stats() {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.open = static_cast<int64_t>(open_count_);
  return s;
}

}  // namespace airbase::sql
