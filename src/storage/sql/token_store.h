// Personal access tokens, their resources and the audit log.
// One part of SqlStore (sql_store.h); its statements are portable SQL run through the
// connection seam (connection.h). Safe for concurrent use.
#pragma once

#include "storage/sql/store_part.h"

namespace airbase::sql {

class SqlTokenStore : public virtual TokenStore, protected StorePart {
 public:
  explicit SqlTokenStore(StoreContext* ctx) : StorePart(ctx) {}

  Status CreateToken(const TokenRecord& t) override;
  Result<std::optional<TokenRecord>> FindToken(const std::string& id) override;
  Result<std::vector<TokenRecord>> ListTokens(const std::string& user_id) override;
  Status UpdateToken(const TokenRecord& t) override;
  Result<std::vector<std::string>> TouchTokens(
      const std::vector<std::pair<std::string, int64_t>>& uses, int64_t min_gap_ms) override;
  Status AppendAudit(const AuditEvent& e) override;
  Result<std::vector<AuditEvent>> ListAudit(const std::string& user_id, int limit) override;

 protected:
  Status WriteResources(Connection& db, const TokenRecord& t);
  Status ReadResources(Connection& db, TokenRecord* t);
  TokenRecord ReadToken(Statement* s);
};

}  // namespace airbase::sql
