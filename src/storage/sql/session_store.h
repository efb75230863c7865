// Web app sessions (only a hash of each secret is stored).
// One part of SqlStore (sql_store.h); its statements are portable SQL run through the
// connection seam (connection.h). Safe for concurrent use.
#pragma once

#include "storage/sql/store_part.h"

namespace airbase::sql {

class SqlSessionStore : public virtual SessionStore, protected StorePart {
 public:
  explicit SqlSessionStore(StoreContext* ctx) : StorePart(ctx) {}

  Status CreateSession(const SessionRecord& r) override;
  Result<std::optional<SessionRecord>> FindSession(const std::string& id_hash) override;
  Status DeleteSession(const std::string& id_hash) override;
};

}  // namespace airbase::sql
