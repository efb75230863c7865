// The engine-independent parts of the connection seam (connection.h) and the pool (pool.h).
#include "storage/sql/connection.h"

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
  if (c_) pool_->Release(std::move(c_));
}

Result<Lease> ConnectionPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      c->SetSchemaEpoch(epoch_.load(std::memory_order_relaxed));
      return Lease(this, std::move(c));
    }
  }
  ASSIGN_OR_RETURN(auto c, open_());
  c->SetSchemaEpoch(epoch_.load(std::memory_order_relaxed));
  return Lease(this, std::move(c));
}

void ConnectionPool::Release(std::unique_ptr<Connection> c) {
  // A connection left inside a transaction (a COMMIT or ROLLBACK that failed, e.g. on a full
  // disk) would fail every later statement, and a lost connection every statement: either is
  // closed instead of pooled.
  if (c->Broken()) return;
  if (c->InTransaction()) {
    (void)c->Rollback();
    if (c->InTransaction()) return;
  }
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

}  // namespace airbase::sql
