// The PostgreSQL store (postgres_store.h): the portable SqlStore over libpq connections, plus what
// differs from SQLite outside the statements: lazy indexes built in the background
// (index_builder.h), no disk-full state of its own (PostgreSQL answers
// 53100, mapped by the connection) and no in-process backup (pg_dump is the tool).
#include "storage/postgres/postgres_store.h"

#include <libpq-fe.h>

#include "common/limits.h"
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

  Status Init() { return sql::Migrate(pool, PostgresMigrations(), ctx.options.clock); }

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
