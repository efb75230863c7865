// The SQLite store (sqlite_store.h): the portable SqlStore over SQLite connections, plus what
// only SQLite does here: the disk-full state and VACUUM INTO backups.
#include "storage/sqlite/sqlite_store.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

#include "storage/sql/migrations.h"
#include "storage/sql/sql_store.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_dialect.h"

namespace airbase::sqlite {

namespace {

class SqliteStore final : public sql::SqlStore {
 public:
  SqliteStore(const StoreOptions& options, std::string data_dir)
      : SqlStore(
            options, &sqlite::Dialect(),
            [this, path = data_dir + "/airbase.db"]() -> Result<std::unique_ptr<sql::Connection>> {
              ASSIGN_OR_RETURN(auto c, Connection::Open(path));
              c->OnWalCommit(&Checkpointer::Note, checkpointer_.get());
              return std::unique_ptr<sql::Connection>(std::move(c));
            }),
        data_dir_(std::move(data_dir)),
        checkpointer_(std::make_unique<Checkpointer>(data_dir_ + "/airbase.db")) {}

  Status Init() {
    if (mkdir(data_dir_.c_str(), 0700) != 0 && errno != EEXIST)
      return Error(ErrorCode::kInternal,
                   "cannot create data directory " + data_dir_ + ": " + strerror(errno));
    ASSIGN_OR_RETURN(blobs_, OpenDirBlobStore(data_dir_ + "/files", ctx.options.clock));
    return sql::Migrate(pool, SqliteMigrations(), ctx.options.clock);
  }

  BlobStore& Blobs() override { return *blobs_; }

  bool SharedByServers() const override { return false; }

  // SQLite's REAL arithmetic is IEEE double; an overflow is Infinity and a NaN becomes NULL.
  bool ArithmeticInSql() const override { return true; }

  // SQLite takes and drops the WAL index's read lock around every statement outside a
  // transaction: a request's reads in one transaction take it once (ConnectionPool::ShareReads).
  // PostgreSQL gains nothing (a transaction would add two round trips), so it does not share.
  std::unique_ptr<ReadScope> ShareReads() override { return pool.ShareReads(); }

  bool StorageFull() override {
    if (!sqlite::StorageFull()) return false;
    // Room again (4 MiB free for this user) clears the condition; a failing write sets it anew.
    struct statvfs fs;
    if (statvfs(data_dir_.c_str(), &fs) == 0 &&
        static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize >= (4u << 20)) {
      NoteCommit();
      return false;
    }
    return true;
  }

  Status BackupTo(const std::string& path) override {
    ASSIGN_OR_RETURN(sql::Lease db, pool.Acquire());
    // VACUUM INTO reads one snapshot (WAL readers do not block writers) and writes a new file.
    ASSIGN_OR_RETURN(sql::StmtRef s, db->Prepare("VACUUM INTO ?"));
    s->Bind(1, path);
    return s->Run();
  }

  Status RestoreFrom(const std::string& path) override {
    ASSIGN_OR_RETURN(sql::Lease db, pool.Acquire());
    ASSIGN_OR_RETURN(sql::StmtRef v, db->Prepare("SELECT v FROM meta_version"));
    ASSIGN_OR_RETURN(bool row, v->Step());
    const int64_t before = row ? v->Int(0) : 0;
    v->Reset();
    RETURN_IF_ERROR(static_cast<Connection&>(*db).CopyFrom(path));
    ASSIGN_OR_RETURN(sql::StmtRef up, db->Prepare("UPDATE meta_version SET v=? WHERE v<?"));
    up->Bind(1, before + 1);
    up->Bind(2, before + 1);
    RETURN_IF_ERROR(up->Run());
    ForgetCaches();
    return Status::Ok();
  }

 private:
  std::string data_dir_;
  // Copies the WAL into the database off the committing thread. Connections are opened only
  // after the constructor (Init), so the pool's opener always finds it.
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<BlobStore> blobs_;  // <data>/files
};

}  // namespace

std::string LibraryVersion() { return std::string("SQLite ") + sqlite3_libversion(); }

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options, const std::string& data_dir) {
  auto store = std::make_unique<SqliteStore>(options, data_dir);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace airbase::sqlite
