// RAII wrappers over the SQLite C API. Nothing outside src/storage/sqlite* sees sqlite3 types.
// A Db is one connection (not safe for concurrent use); a Stmt is a prepared statement that is
// reset when its Binder goes out of scope.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "schema/field_types.h"

namespace airbase::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class Stmt;

// A borrowed cached statement, reset when the borrow ends so that no statement keeps a read
// transaction (and with it an old snapshot of the database) open between calls.
class StmtRef {
 public:
  explicit StmtRef(Stmt* s) : s_(s) {}
  StmtRef(StmtRef&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  StmtRef& operator=(StmtRef&& o) noexcept;
  StmtRef(const StmtRef&) = delete;
  ~StmtRef();
  Stmt* operator->() const { return s_; }
  Stmt* get() const { return s_; }

 private:
  Stmt* s_;
};

class Db {
 public:
  static Result<std::unique_ptr<Db>> Open(const std::string& path);

  // Runs one or more statements with no parameters and no results.
  Status Exec(std::string_view sql);
  // Returns a cached prepared statement for `sql`, reset and with bindings cleared.
  Result<StmtRef> Prepare(const std::string& sql);
  sqlite3* raw() { return db_.get(); }
  int64_t Changes() { return sqlite3_changes64(db_.get()); }
  Status ErrorStatus(int rc, std::string_view what);

 private:
  std::unique_ptr<sqlite3, DbCloser> db_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// A prepared statement. Bind with 1-based indexes; Step until it returns false.
class Stmt {
 public:
  Stmt(Db* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
  void Reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, const std::string& v) { Bind(i, std::string_view(v)); }
  void Bind(int i, const char* v) { Bind(i, std::string_view(v)); }
  void BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_.get(), i, v); }
  void Bind(int i, int v) { sqlite3_bind_int64(stmt_.get(), i, v); }
  void Bind(int i, double v) { sqlite3_bind_double(stmt_.get(), i, v); }
  void BindNull(int i) { sqlite3_bind_null(stmt_.get(), i); }
  void Bind(int i, const SqlValue& v);
  // True when a row is available; false when done. Errors are returned as Status.
  Result<bool> Step();
  // Steps to completion, for statements without results.
  Status Run();

  bool IsNull(int c) { return sqlite3_column_type(stmt_.get(), c) == SQLITE_NULL; }
  int64_t Int(int c) { return sqlite3_column_int64(stmt_.get(), c); }
  double Real(int c) { return sqlite3_column_double(stmt_.get(), c); }
  std::string Text(int c) {
    const unsigned char* p = sqlite3_column_text(stmt_.get(), c);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), c)))
             : std::string();
  }
  std::string Blob(int c) {
    const void* p = sqlite3_column_blob(stmt_.get(), c);
    return p ? std::string(static_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), c)))
             : std::string();
  }
  // The column as the storage seam's SqlValue.
  SqlValue Value(int c);

 private:
  Db* db_;
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt_;
};

inline StmtRef::~StmtRef() {
  if (s_) s_->Reset();
}
inline StmtRef& StmtRef::operator=(StmtRef&& o) noexcept {
  if (this != &o) {
    if (s_) s_->Reset();
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}

// True after a write failed because the disk was full, until a later commit succeeds.
bool StorageFull();
// Records a successful commit (clears StorageFull()).
void NoteCommit();

// Double-quotes an identifier for SQL. Identifiers we generate are alphanumeric plus '_'.
std::string Quote(std::string_view ident);

}  // namespace airbase::sqlite
