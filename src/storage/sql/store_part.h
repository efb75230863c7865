// What the parts of SqlStore share: the store's options, its connection pool and the caches that
// span parts (roles and schemas kept exact by meta_version, the lazy indexes already made, the
// server key). Each part (account_store.h, schema_store.h, ...) is a StorePart.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "storage/sql/dialect.h"
#include "storage/sql/pool.h"
#include "storage/store.h"

namespace airbase::sql {

// Builds lazy indexes away from the read path, for an engine whose index build would otherwise
// lock a table's writers out (postgres/index_builder.h). Safe for concurrent use.
class IndexBuilder {
 public:
  virtual ~IndexBuilder() = default;
  // Queues the index `name` on the record table of `table_id` (created by "CREATE INDEX ...
  // <name> <on>"); `done(false)` is called when the build failed, from the builder's thread.
  virtual void Build(std::string table_id, std::string name, std::string on,
                     std::function<void(bool ok)> done) = 0;
};

struct StoreContext {  // The mutexes guard what follows them.
  StoreOptions options;
  ConnectionPool* pool = nullptr;
  const Dialect* dialect = nullptr;  // the engine's spellings, set by the engine adapter
  // Set by an engine adapter whose lazy indexes are built in the background; without one they
  // are built inline by the list that first needs them.
  IndexBuilder* index_builder = nullptr;

  // Drops the cached roles when the meta version moved. Holds meta_mu.
  void SyncMetaCache(int64_t version) {
    if (version != meta_version) {
      meta_version = version;
      roles.clear();
    }
  }
  std::mutex meta_mu;
  int64_t meta_version = -1;                    // GUARDED_BY(meta_mu)
  std::unordered_map<std::string, Role> roles;  // "user|base" -> role, GUARDED_BY(meta_mu)
  std::unordered_map<std::string, std::pair<int64_t, std::shared_ptr<const BaseSchema>>>
      tagged;  // base -> (meta_version, schema), GUARDED_BY(meta_mu)

  std::mutex schema_mu;
  std::map<std::string, std::shared_ptr<const BaseSchema>> schemas;  // GUARDED_BY(schema_mu)

  std::mutex index_mu;
  std::set<std::string> indexed;  // "table|field|kind" of lazy indexes made, GUARDED_BY(index_mu)

  std::mutex key_mu;
  std::string server_key;  // GUARDED_BY(key_mu)
};

class StorePart {
 protected:
  explicit StorePart(StoreContext* ctx) : ctx_(ctx), options_(ctx->options) {}
  Result<Lease> Acquire() { return ctx_->pool->Acquire(); }
  // For a call that only reads: shares the request's read transaction (pool.h, ReadShare).
  Result<Lease> AcquireRead() { return ctx_->pool->AcquireRead(); }
  template <typename F>
  Status InTransaction(F&& body) {
    return ctx_->pool->InTransaction(std::forward<F>(body));
  }

  // Renames the row `id` of one of airbase's own tables (`table` is never user input).
  Status SetName(const char* table, const std::string& id, const std::string& name) {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s,
                     db->Prepare(std::string("UPDATE ") + table + " SET name=? WHERE id=?"));
    s->Bind(1, name);
    s->Bind(2, id);
    return s->Run();
  }

  StoreContext* ctx_;
  const StoreOptions& options_;
};

}  // namespace airbase::sql
