// SqlStore: the whole Store over any SQL engine, one part per interface (account_store.h,
// session_store.h, token_store.h, schema_store.h, record_store.h, comment_store.h,
// webhook_store.h, attachment_store.h), all sharing one StoreContext. An engine adapter
// (storage/sqlite/) derives from it, supplies the connections and the engine-only operations
// (StorageFull, BackupTo), and runs the migrations (migrations.h). Safe for concurrent use.
#pragma once

#include <algorithm>
#include <memory>

#include "storage/sql/account_store.h"
#include "storage/sql/attachment_store.h"
#include "storage/sql/comment_store.h"
#include "storage/sql/record_store.h"
#include "storage/sql/schema_store.h"
#include "storage/sql/session_store.h"
#include "storage/sql/token_store.h"
#include "storage/sql/webhook_store.h"

namespace airbase::sql {

namespace internal {
// Constructed before the parts, which keep a pointer to the context.
struct SqlStoreBase {
  SqlStoreBase(StoreOptions options, const Dialect* dialect, ConnectionPool::Opener open)
      : pool(std::move(open), 64, static_cast<size_t>(std::max(0, options.max_connections))) {
    ctx.options = std::move(options);
    ctx.pool = &pool;
    ctx.dialect = dialect;
  }
  ConnectionPool pool;
  StoreContext ctx;
};
}  // namespace internal

class SqlStore : protected internal::SqlStoreBase,
                 public Store,
                 public SqlAccountStore,
                 public SqlSessionStore,
                 public SqlRateStore,
                 public SqlTokenStore,
                 public SqlSchemaStore,
                 public SqlRecordStore,
                 public SqlCommentStore,
                 public SqlWebhookStore,
                 public SqlAttachmentStore {
 public:
  SqlStore(StoreOptions options, const Dialect* dialect, ConnectionPool::Opener open)
      : SqlStoreBase(std::move(options), dialect, std::move(open)),
        SqlAccountStore(&ctx),
        SqlSessionStore(&ctx),
        SqlRateStore(&ctx),
        SqlTokenStore(&ctx),
        SqlSchemaStore(&ctx),
        SqlRecordStore(&ctx),
        SqlCommentStore(&ctx),
        SqlWebhookStore(&ctx),
        SqlAttachmentStore(&ctx) {}

  // In the process; a store that other servers share overrides it.
  NoticeBoard& Notices() override { return local_notices_; }

  ConnectionStats Connections() override {
    ConnectionPool::Stats p = pool.stats();
    return {p.open,  p.lent,    std::max(0, ctx.options.max_connections),
            p.waits, p.wait_us, p.timeouts};
  }

  Result<std::unique_ptr<WriteTxn>> BeginCreateBase(const BaseInfo& base,
                                                    const std::vector<Table>& tables) override {
    return BeginWriteThen(base.id, [&](Connection& db) -> Status {
      RETURN_IF_ERROR(CheckIdsFree(db, base, tables));
      return CreateBaseOn(db, base, tables);
    });
  }

  // Drops every cache of StoreContext (after the database was replaced under it).
  void ForgetCaches() {
    {
      std::lock_guard lock(ctx.meta_mu);
      ctx.meta_version = -1;
      ctx.roles.clear();
      ctx.tagged.clear();
    }
    {
      std::lock_guard lock(ctx.schema_mu);
      ctx.schemas.clear();
    }
    std::lock_guard lock(ctx.index_mu);
    ctx.indexed.clear();
  }

  // copy.cc: any SqlStore into any other.
  Result<std::vector<std::pair<std::string, int64_t>>> CopyInto(
      Store& to, const CopyProgress& progress) override;

 private:
  LocalNoticeBoard local_notices_;
};

}  // namespace airbase::sql
