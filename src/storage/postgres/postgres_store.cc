// The PostgreSQL store (postgres_store.h): the portable SqlStore over libpq connections, plus what
// differs from SQLite outside the statements: lazy indexes built in the background
// (index_builder.h), no disk-full state of its own (PostgreSQL answers
// 53100, mapped by the connection) and no in-process backup (pg_dump is the tool).
#include "storage/postgres/postgres_store.h"

#include <libpq-fe.h>

#include "common/limits.h"
#include "common/text.h"
#include "storage/postgres/index_builder.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_notice_board.h"
#include "storage/postgres/postgres_dialect.h"
#include "storage/sql/blob_store.h"
#include "storage/sql/sql_store.h"

namespace airbase::postgres {

namespace {

StoreOptions WithPoolSize(StoreOptions options) {
  if (options.max_connections <= 0) options.max_connections = kPostgresConnections;
  return options;
}

class PostgresStore final : public sql::SqlStore {
 public:
  PostgresStore(const StoreOptions& options, const std::string& url)
      : SqlStore(WithPoolSize(options), &postgres::Dialect(),
                 [url]() -> Result<std::unique_ptr<sql::Connection>> {
                   ASSIGN_OR_RETURN(auto c, Connection::Open(url));
                   return std::unique_ptr<sql::Connection>(std::move(c));
                 }),
        index_builder_(url),
        notices_(url),
        blobs_(&ctx) {
    ctx.index_builder = &index_builder_;
  }

  Status Init() {
    RETURN_IF_ERROR(sql::Migrate(pool, PostgresMigrations(), ctx.options.clock));
    case_mapping_ = SameCaseMapping();
    return Status::Ok();
  }

  bool CaseMappingInSql() const override { return case_mapping_; }

  bool StorageFull() override { return false; }
  bool SharedByServers() const override { return true; }

  Status BackupTo(const std::string&) override {
    return Error(ErrorCode::kInvalidArgument,
                 "a PostgreSQL store is backed up with pg_dump (see docs/STORAGE.md), not with "
                 "airbase backup");
  }

  Status RestoreFrom(const std::string&) override {
    return Error(ErrorCode::kInvalidArgument,
                 "an ephemeral server's reset needs its own SQLite data directory");
  }

  BlobStore& Blobs() override { return blobs_; }
  NoticeBoard& Notices() override { return notices_; }

 private:
  // Whether the server's lower()/upper() under the C.utf8 collation map every code point of the
  // Basic Multilingual Plane as this process's Utf8MapCase does (the same glibc tables): a
  // different C library or Unicode version on the database's host turns the pushdown off.
  bool SameCaseMapping() {
    std::string probe;
    for (uint32_t cp = 0x20; cp < 0x10000; ++cp)
      if ((cp < 0xD800 || cp > 0xDFFF) && cp != 0x7F) AppendUtf8(cp, &probe);
    auto db = pool.Acquire();
    if (!db.ok()) return false;
    auto s = (*db)->Prepare(
        "SELECT lower(CAST(? AS text) COLLATE \"C.utf8\"), upper(CAST(? AS text) COLLATE "
        "\"C.utf8\")");
    if (!s.ok()) return false;
    (*s)->BindText(1, probe);
    (*s)->BindText(2, probe);
    auto row = (*s)->Step();
    const bool same = row.ok() && *row && (*s)->Text(0) == Utf8MapCase(probe, false) &&
                      (*s)->Text(1) == Utf8MapCase(probe, true);
    (*s)->Reset();
    return same;
  }

  bool case_mapping_ = false;
  IndexBuilder index_builder_;
  PgNoticeBoard notices_;
  sql::SqlBlobStore blobs_;  // destroyed (its thread stopped) before the context it calls
};

}  // namespace

std::string LibraryVersion() {
  int v = PQlibVersion();  // e.g. 150018
  return "libpq " + std::to_string(v / 10000) + "." + std::to_string(v % 10000);
}

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options, const std::string& url) {
  auto store = std::make_unique<PostgresStore>(options, url);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace airbase::postgres
