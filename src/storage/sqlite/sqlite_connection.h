// The SQLite adapter of the connection seam (storage/sql/connection.h): RAII wrappers over the
// SQLite C API. Together with sqlite_store.cc this folder holds every line of airbase that knows
// SQLite. A statement stopped by the request's budget (the progress handler) or waiting past it
// for a lock (the busy handler) fails with the budget's status; SQLITE_FULL becomes kStorageFull.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/sql/connection.h"

namespace airbase::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class Connection;

class Statement final : public sql::Statement {
 public:
  Statement(Connection* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
  void Reset() override {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }
  void BindText(int i, std::string_view v) override {
    sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view v) override {
    sqlite3_bind_blob(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindInt(int i, int64_t v) override { sqlite3_bind_int64(stmt_.get(), i, v); }
  void BindReal(int i, double v) override { sqlite3_bind_double(stmt_.get(), i, v); }
  void BindNull(int i) override { sqlite3_bind_null(stmt_.get(), i); }
  Result<bool> Step() override;

  bool IsNull(int c) override { return sqlite3_column_type(stmt_.get(), c) == SQLITE_NULL; }
  int64_t Int(int c) override { return sqlite3_column_int64(stmt_.get(), c); }
  double Real(int c) override { return sqlite3_column_double(stmt_.get(), c); }
  std::string Text(int c) override {
    const unsigned char* p = sqlite3_column_text(stmt_.get(), c);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), c)))
             : std::string();
  }
  std::string Blob(int c) override {
    const void* p = sqlite3_column_blob(stmt_.get(), c);
    return p ? std::string(static_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), c)))
             : std::string();
  }
  SqlValue Value(int c) override;
  int ColumnCount() override { return sqlite3_column_count(stmt_.get()); }
  std::string ColumnName(int c) override { return sqlite3_column_name(stmt_.get(), c); }

 private:
  Connection* db_;
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt_;
};

class Connection final : public sql::Connection {
 public:
  // Opens (creating if missing) the database file in WAL mode.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path);

  Status Exec(std::string_view sql) override;
  Result<sql::StmtRef> Prepare(const std::string& sql) override;
  int64_t Changes() override { return sqlite3_changes64(db_.get()); }
  Status BeginWrite() override { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() override;
  Status Rollback() override { return Exec("ROLLBACK"); }
  bool InTransaction() override { return !sqlite3_get_autocommit(db_.get()); }

  Status ErrorStatus(int rc, std::string_view what);

  // Replaces this database's whole content by the database file at `path` (SQLite's online
  // backup, into this connection's "main"); the other connections see it at their next read.
  Status CopyFrom(const std::string& path);

 private:
  std::unique_ptr<sqlite3, DbCloser> db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// True after a write failed because the disk was full, until a later commit succeeds.
bool StorageFull();
// Records a successful commit (clears StorageFull()).
void NoteCommit();

}  // namespace airbase::sqlite
