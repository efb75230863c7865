// The seam between airbase's portable SQL (everything under src/storage/sql/) and one database
// engine's client library (src/storage/sqlite/ today, a libpq adapter next). A Connection runs
// statements and transactions; a Statement is a prepared statement with 1-based `?`/`?N`
// parameters, borrowed from its connection's cache through a StmtRef that resets it when the
// borrow ends (so no statement keeps a read snapshot open between calls). Neither is safe for
// concurrent use; a ConnectionPool (pool.h) hands each caller its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "schema/field_type.h"

namespace airbase {
class RowTest;  // storage/store.h
}  // namespace airbase

namespace airbase::sql {

class Statement {
 public:
  virtual ~Statement() = default;
  // Clears the bindings and rewinds; the statement can be bound and stepped again.
  virtual void Reset() = 0;
  virtual void BindText(int i, std::string_view v) = 0;
  virtual void BindBlob(int i, std::string_view v) = 0;
  virtual void BindInt(int i, int64_t v) = 0;
  virtual void BindReal(int i, double v) = 0;
  virtual void BindNull(int i) = 0;
  void Bind(int i, std::string_view v) { BindText(i, v); }
  void Bind(int i, const std::string& v) { BindText(i, v); }
  void Bind(int i, const char* v) { BindText(i, v); }
  void Bind(int i, int64_t v) { BindInt(i, v); }
  void Bind(int i, int v) { BindInt(i, v); }
  void Bind(int i, double v) { BindReal(i, v); }
  void Bind(int i, const SqlValue& v);
  // Binds `test` where the dialect's RowTestFunction() takes it (engines that have one).
  virtual void BindRowTest(int i, RowTest* test) { (void)i, (void)test; }

  // True when a row is available; false when done. Errors (the request's budget stopping the
  // statement included) are returned as Status.
  virtual Result<bool> Step() = 0;
  // Steps to completion, for statements without results.
  Status Run();

  // Columns of the current row, 0-based.
  virtual bool IsNull(int c) = 0;
  virtual int64_t Int(int c) = 0;
  virtual double Real(int c) = 0;
  virtual std::string Text(int c) = 0;
  virtual std::string Blob(int c) = 0;
  // The column as the storage seam's SqlValue (NULL, integer, real or text).
  virtual SqlValue Value(int c) = 0;
  // Value(c) into `out`, reusing its text's buffer where the engine can (a scan's hot loop).
  virtual void ValueInto(int c, SqlValue* out) { *out = Value(c); }
  // The result's columns (after the first Step on engines that learn them by running).
  virtual int ColumnCount() = 0;
  virtual std::string ColumnName(int c) = 0;

  // StmtRefs that borrow this statement now: a statement cache evicts only unborrowed ones.
  int borrows = 0;
};

// A borrowed cached statement, reset when the borrow ends.
class StmtRef {
 public:
  explicit StmtRef(Statement* s) : s_(s) {
    if (s_) ++s_->borrows;
  }
  StmtRef(StmtRef&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  StmtRef& operator=(StmtRef&& o) noexcept {
    if (this != &o) {
      Return();
      s_ = o.s_;
      o.s_ = nullptr;
    }
    return *this;
  }
  StmtRef(const StmtRef&) = delete;
  ~StmtRef() { Return(); }
  Statement* operator->() const { return s_; }
  Statement* get() const { return s_; }

 private:
  void Return() {
    if (!s_) return;
    s_->Reset();
    --s_->borrows;
  }
  Statement* s_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one or more statements with no parameters and no results.
  virtual Status Exec(std::string_view sql) = 0;
  // A cached prepared statement for `sql`, reset and with its bindings cleared.
  virtual Result<StmtRef> Prepare(const std::string& sql) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual int64_t Changes() = 0;

  // Transactions. BeginWrite takes the write lock at once (so a write transaction never fails
  // half-way for a lock another writer holds); Commit rolls back when it fails.
  virtual Status BeginWrite() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // True while a transaction is open (e.g. one whose COMMIT or ROLLBACK failed).
  virtual bool InTransaction() = 0;
  // True when the connection can no longer be used (a client-server connection that was lost).
  virtual bool Broken() { return false; }
  // The database's schema version (meta_version) as last read by anyone. An engine whose
  // prepared statements do not survive a change of the tables they read (PostgreSQL's cached
  // plans refuse a changed result type) drops them when this moves; SQLite re-prepares itself.
  virtual void SetSchemaEpoch(int64_t) {}
  // Gives back the memory the connection caches (its page cache), after work that filled it
  // once (building an index over a whole table).
  virtual void ReleaseMemory() {}

  // True when an error since the last call was a lock conflict with another connection that a
  // second try of the whole transaction may not meet (SQLite's SQLITE_BUSY/LOCKED returned
  // without waiting, PostgreSQL's serialization failure or deadlock); clears it.
  bool TakeConflict() { return std::exchange(conflicted_, false); }

 protected:
  bool conflicted_ = false;
};

// Double-quotes an identifier. Identifiers airbase generates are alphanumeric plus '_'.
std::string Quote(std::string_view ident);

}  // namespace airbase::sql
