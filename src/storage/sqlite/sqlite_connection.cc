// The SQLite connection adapter (sqlite_connection.h).
#include "storage/sqlite/sqlite_connection.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "common/budget.h"
#include "common/limits.h"
#include "common/text.h"
#include "storage/store.h"

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

// The formula functions a pushed-down filter applies to a text cell (sqlite_dialect.cc's
// TextFunction): the evaluator's own code, so SQL and the evaluator agree on every text.
std::string_view TextArg(sqlite3_value* v) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return {text ? text : "", static_cast<size_t>(sqlite3_value_bytes(v))};
}
void MapCaseFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  const bool upper = sqlite3_user_data(ctx) != nullptr;
  thread_local std::string out;  // one buffer per thread: no allocation per row
  Utf8MapCaseInto(TextArg(argv[0]), upper, &out);
  sqlite3_result_text64(ctx, out.data(), out.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void LengthFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, Utf8Length(TextArg(argv[0])));
}
void ValueFrom(sqlite3_value* v, SqlValue* out) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      *out = static_cast<int64_t>(sqlite3_value_int64(v));
      return;
    case SQLITE_FLOAT:
      *out = sqlite3_value_double(v);
      return;
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
      const void* p = sqlite3_value_type(v) == SQLITE_TEXT
                          ? static_cast<const void*>(sqlite3_value_text(v))
                          : sqlite3_value_blob(v);
      const size_t n = static_cast<size_t>(sqlite3_value_bytes(v));
      std::string* s = std::get_if<std::string>(out);
      if (!s) s = &out->emplace<std::string>();
      s->assign(p ? static_cast<const char*>(p) : "", n);
      return;
    }
    default:
      *out = std::monostate{};
  }
}

// airbase_row_test(test, id, created_ms, modified_ms, cells...): a list's RowTest
// (ListQuery::test), bound as a pointer of this type, so no SQL text can forge one.
constexpr const char* kRowTestPointer = "airbase_row_test";
void RowTestFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  // The bound pointer is the same for every row of the statement: kept as the argument's
  // auxiliary data, it is looked up (a comparison of its type's name) once per statement.
  auto* call = static_cast<Statement::RowTestCall*>(sqlite3_get_auxdata(ctx, 0));
  if (call == nullptr) {
    call = static_cast<Statement::RowTestCall*>(sqlite3_value_pointer(argv[0], kRowTestPointer));
    if (call == nullptr || call->test == nullptr || argc < 4)
      return sqlite3_result_error(ctx, "airbase_row_test: no test bound", -1);
    sqlite3_set_auxdata(ctx, 0, call, nullptr);
  }
  try {  // copying the cells may allocate too
    call->cells.resize(static_cast<size_t>(argc - 4));
    for (int i = 4; i < argc; ++i) ValueFrom(argv[i], &call->cells[static_cast<size_t>(i - 4)]);
    const bool pass = call->test->Passes({TextArg(argv[1]), sqlite3_value_int64(argv[2]),
                                          sqlite3_value_int64(argv[3]), call->cells});
    sqlite3_result_int(ctx, pass ? 1 : 0);
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  } catch (const std::exception& e) {  // never through SQLite's C frames
    sqlite3_result_error(ctx, e.what(), -1);
  }
}

void RegisterTextFunctions(sqlite3* db) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  static int upper = 1;
  sqlite3_create_function_v2(db, "airbase_lower", 1, flags, nullptr, MapCaseFunction, nullptr,
                             nullptr, nullptr);
  sqlite3_create_function_v2(db, "airbase_upper", 1, flags, &upper, MapCaseFunction, nullptr,
                             nullptr, nullptr);
  sqlite3_create_function_v2(db, "airbase_length", 1, flags, nullptr, LengthFunction, nullptr,
                             nullptr, nullptr);
  // Not deterministic (its answer depends on the bound test), and never callable from a
  // schema's triggers or views.
  sqlite3_create_function_v2(db, "airbase_row_test", -1, SQLITE_UTF8 | SQLITE_DIRECTONLY, nullptr,
                             RowTestFunction, nullptr, nullptr, nullptr);
}
}  // namespace

bool StorageFull() { return last_full_ms.load() > last_commit_ms.load(); }
void NoteCommit() { last_commit_ms.store(SteadyMs()); }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  // Before SQLite's first use: no memory statistics, whose global mutex every allocation of
  // every connection would otherwise take (airbase never reads them).
  static const bool configured = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
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
  RegisterTextFunctions(raw);
  // WAL: readers never block the writer. synchronous=NORMAL in WAL mode keeps every committed
  // transaction across a process crash (kill -9); only an OS crash or power loss can lose the
  // last transactions. foreign_keys off: airbase keeps its own referential rules.
  RETURN_IF_ERROR(
      db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
               "PRAGMA cache_size=-32000; PRAGMA mmap_size=268435456;"));
  return db;
}

void Connection::OnWalCommit(void (*hook)(void* arg, int frames), void* arg) {
  wal_hook_ = std::make_unique<WalHook>(WalHook{hook, arg});
  sqlite3_wal_hook(
      db_.get(),
      [](void* p, sqlite3*, const char*, int frames) {
        auto* h = static_cast<WalHook*>(p);
        h->fn(h->arg, frames);
        return SQLITE_OK;
      },
      wal_hook_.get());
}

Checkpointer::Checkpointer(std::string path) : path_(std::move(path)) {
  thread_ = std::thread([this] { Run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::Note(void* self, int frames) {
  if (frames < kWalCheckpointFrames) return;
  auto* c = static_cast<Checkpointer*>(self);
  {
    std::lock_guard lock(c->mu_);
    if (c->pending_) return;
    c->pending_ = true;
  }
  c->wake_.notify_one();
}

void Checkpointer::Run() {
  std::unique_ptr<Connection> db;
  while (true) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return pending_ || stop_; });
      if (stop_) return;
      pending_ = false;
    }
    if (!db) {
      auto opened = Connection::Open(path_);
      if (!opened.ok()) continue;  // asked again after the next commit
      db = std::move(*opened);
    }
    if (db->Exec("PRAGMA wal_checkpoint(PASSIVE)").ok()) ++done_;
  }
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
  // A statement borrowed now (a read stepping through its rows while a call it makes reads the
  // same way, on a request's shared connection) is not handed out twice: a spare is.
  Statement* last = nullptr;
  if (it != cache_.end()) {
    for (Statement* c = it->second.get(); c != nullptr; c = c->spare()) {
      if (c->borrows == 0) {
        c->Reset();
        return sql::StmtRef(c);
      }
      last = c;
    }
  }
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    return ErrorStatus(rc, "prepare");
  }
  auto stmt = std::make_unique<Statement>(this, s);
  Statement* out = stmt.get();
  if (last) {
    last->SetSpare(std::move(stmt));
    return sql::StmtRef(out);
  }
  // Statements over user tables are keyed by their text; bound the cache so a long-running
  // server with many tables does not grow without limit (keeping those borrowed now).
  if (cache_.size() > 2000)
    std::erase_if(cache_, [](const auto& entry) { return !entry.second->Borrowed(); });
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

void Statement::ValueInto(int c, SqlValue* out) {
  // One column lookup, then the value's own accessors: each sqlite3_column_* call repeats the
  // lookup and the API's entry and exit checks. The value is unprotected, which is safe here:
  // a connection is used by one thread at a time (SQLITE_OPEN_NOMUTEX).
  ValueFrom(sqlite3_column_value(stmt_.get(), c), out);
}

void Statement::BindRowTest(int i, RowTest* test) {
  row_test_.test = test;
  sqlite3_bind_pointer(stmt_.get(), i, &row_test_, kRowTestPointer, nullptr);
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
