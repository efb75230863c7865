// The SQLite connection adapter (sqlite_connection.h).
#include "storage/sqlite/sqlite_connection.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "common/budget.h"

namespace airbase::sqlite {

namespace {
std::atomic<int64_t> last_full_ms{0};  // when a write last failed with SQLITE_FULL
std::atomic<int64_t> last_commit_ms{0};

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Every 1,000 virtual-machine steps: a request past its deadline (or abandoned by its client)
// interrupts its statement, which then fails with SQLITE_INTERRUPT.
int OnProgress(void*) { return ShouldStop() ? 1 : 0; }

// Waits for a lock held by another connection for up to 10 s, but never past the request's own
// budget.
int OnBusy(void*, int attempt) {
  if (attempt >= 1000) return 0;  // ~10 s of 10 ms naps
  if (RequestBudget* b = CurrentBudget(); b != nullptr && b->StopNow()) return 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 10 ? 1 : 10));
  return 1;
}
}  // namespace

bool StorageFull() { return last_full_ms.load() > last_commit_ms.load(); }
void NoteCommit() { last_commit_ms.store(SteadyMs()); }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto db = std::make_unique<Connection>();
  db->db_.reset(raw);
  if (rc != SQLITE_OK) return db->ErrorStatus(rc, "open " + path);
  sqlite3_busy_handler(raw, OnBusy, nullptr);
  sqlite3_progress_handler(raw, 1000, OnProgress, nullptr);
  sqlite3_extended_result_codes(raw, 1);
  // WAL: readers never block the writer. synchronous=NORMAL in WAL mode keeps every committed
  // transaction across a process crash (kill -9); only an OS crash or power loss can lose the
  // last transactions. foreign_keys off: airbase keeps its own referential rules.
  RETURN_IF_ERROR(
      db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
               "PRAGMA cache_size=-32000; PRAGMA mmap_size=268435456;"));
  return db;
}

Status Connection::ErrorStatus(int rc, std::string_view what) {
  int primary = rc & 0xff;
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_.get());
  if (primary == SQLITE_INTERRUPT) {
    if (RequestBudget* b = CurrentBudget();
        b != nullptr && b->reason() != RequestBudget::Reason::kNone)
      return b->StopStatus();
    return Error(ErrorCode::kRetriable, {});
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    if (RequestBudget* b = CurrentBudget();
        b != nullptr && b->reason() != RequestBudget::Reason::kNone)
      return b->StopStatus();
    // Named in the log (never the statement, which may hold a cell): a conflict that did not
    // wait (a snapshot gone stale, a table in use on this connection) is a bug to find.
    std::fprintf(stderr, "airbase: SQLite lock conflict (code %d) in %.*s: %s\n", rc,
                 static_cast<int>(what.size()), what.data(), sqlite3_errmsg(db_.get()));
    conflicted_ = true;
    return Error(ErrorCode::kRetriable, {});
  }
  if (primary == SQLITE_FULL) {
    last_full_ms.store(SteadyMs());
    std::fprintf(stderr, "airbase: the disk is full (%s)\n", msg.c_str());
    return Error(ErrorCode::kStorageFull, {});
  }
  if (primary == SQLITE_CONSTRAINT) return Error(ErrorCode::kAlreadyExists, msg);
  return Error(ErrorCode::kInternal, msg);
}

Status Connection::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) return ErrorStatus(rc, "exec " + s.substr(0, 60));
  return Status::Ok();
}

Result<sql::StmtRef> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return sql::StmtRef(it->second.get());
  }
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    return ErrorStatus(rc, "prepare");
  }
  // Statements over user tables are keyed by their text; bound the cache so a long-running
  // server with many tables does not grow without limit (keeping those borrowed now).
  if (cache_.size() > 2000)
    std::erase_if(cache_, [](const auto& entry) { return entry.second->borrows == 0; });
  auto stmt = std::make_unique<Statement>(this, s);
  Statement* out = stmt.get();
  cache_.emplace(sql, std::move(stmt));
  return sql::StmtRef(out);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status st = db_->ErrorStatus(rc, "step " + std::string(sqlite3_sql(stmt_.get())).substr(0, 60));
  sqlite3_reset(stmt_.get());
  return st;
}

Status Connection::CopyFrom(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, DbCloser> src(raw);
  if (rc != SQLITE_OK) return Error(ErrorCode::kInternal, "cannot open " + path);
  sqlite3_backup* b = sqlite3_backup_init(db_.get(), "main", src.get(), "main");
  if (!b) return ErrorStatus(sqlite3_errcode(db_.get()), "restore from " + path);
  rc = sqlite3_backup_step(b, -1);
  const int fin = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return ErrorStatus(rc, "restore from " + path);
  if (fin != SQLITE_OK) return ErrorStatus(fin, "restore from " + path);
  return Status::Ok();
}

Status Connection::Commit() {
  Status st = Exec("COMMIT");
  if (!st.ok()) {
    (void)Exec("ROLLBACK");
    return st;
  }
  NoteCommit();
  return st;
}

SqlValue Statement::Value(int c) {
  switch (sqlite3_column_type(stmt_.get(), c)) {
    case SQLITE_INTEGER:
      return SqlValue{Int(c)};
    case SQLITE_FLOAT:
      return SqlValue{Real(c)};
    case SQLITE_TEXT:
      return SqlValue{Text(c)};
    case SQLITE_BLOB:
      return SqlValue{Blob(c)};
    default:
      return SqlValue{};
  }
}

}  // namespace airbase::sqlite
