// Web app sessions (only a hash of each secret is stored), and the shared rate-limit windows.
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

// Rate-limit windows (RateStore): one row per key, its current second's count and any penalty.
class SqlRateStore : public virtual RateStore, protected StorePart {
 public:
  explicit SqlRateStore(StoreContext* ctx) : StorePart(ctx) {}

  Result<std::pair<int64_t, int64_t>> CountRequest(const std::string& key, int64_t now_ms) override;
  Status Penalize(const std::string& key, int64_t until_ms) override;
};

}  // namespace airbase::sql
