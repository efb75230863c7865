// The SQLite adapter of the connection seam (storage/sql/connection.h): RAII wrappers over the
// SQLite C API. Together with sqlite_store.cc this folder holds every line of airbase that knows
// SQLite. A statement stopped by the request's budget (the progress handler) or waiting past it
// for a lock (the busy handler) fails with the budget's status; SQLITE_FULL becomes kStorageFull.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

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
  void ValueInto(int c, SqlValue* out) override;
  void BindRowTest(int i, RowTest* test) override;
  int ColumnCount() override { return sqlite3_column_count(stmt_.get()); }
  std::string ColumnName(int c) override { return sqlite3_column_name(stmt_.get(), c); }

  // A second statement of the same text, for when this one is borrowed (Connection::Prepare).
  Statement* spare() const { return spare_.get(); }
  void SetSpare(std::unique_ptr<Statement> s) { spare_ = std::move(s); }
  // This one or a spare is borrowed now.
  bool Borrowed() const { return borrows > 0 || (spare_ && spare_->Borrowed()); }

  // What airbase_row_test is given as its first argument: the test and the cells' buffers,
  // reused from row to row.
  struct RowTestCall {
    RowTest* test = nullptr;
    std::vector<SqlValue> cells;
  };

 private:
  Connection* db_;
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt_;
  std::unique_ptr<Statement> spare_;
  RowTestCall row_test_;
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
  void ReleaseMemory() override { sqlite3_db_release_memory(db_.get()); }

  Status ErrorStatus(int rc, std::string_view what);

  // Called after each commit with the WAL's size in frames, on the committing thread, instead of
  // SQLite's checkpoint inside that commit (the checkpoint moves to Checkpointer's thread).
  void OnWalCommit(void (*hook)(void* arg, int frames), void* arg);

  // Replaces this database's whole content by the database file at `path` (SQLite's online
  // backup, into this connection's "main"); the other connections see it at their next read.
  Status CopyFrom(const std::string& path);

 private:
  struct WalHook {
    void (*fn)(void*, int);
    void* arg;
  };
  std::unique_ptr<WalHook> wal_hook_;  // before db_: outlives the handle that calls it
  std::unique_ptr<sqlite3, DbCloser> db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// Copies the WAL back into the database file on a thread of its own, when a commit has left
// kWalCheckpointFrames or more in it: the checkpoint SQLite would run inside that commit, while
// the writer (and a group commit's waiting members) waited on it. PASSIVE: it never waits for or
// blocks readers and writers. Safe for concurrent use.
class Checkpointer {
 public:
  explicit Checkpointer(std::string path);
  ~Checkpointer();
  // The WAL holds `frames` after a commit (Connection::OnWalCommit's hook).
  static void Note(void* self, int frames);
  int64_t checkpoints() const { return done_.load(); }

 private:
  void Run();
  std::string path_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false, stop_ = false;  // GUARDED_BY(mu_)
  std::atomic<int64_t> done_{0};
  std::thread thread_;
};

// True after a write failed because the disk was full, until a later commit succeeds.
bool StorageFull();
// Records a successful commit (clears StorageFull()).
void NoteCommit();

}  // namespace airbase::sqlite
