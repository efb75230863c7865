// Webhooks and their payloads.
// One part of SqlStore (sql_store.h); its statements are portable SQL run through the
// connection seam (connection.h). Safe for concurrent use.
#pragma once

#include "storage/sql/store_part.h"

namespace airbase::sql {

class SqlWebhookStore : public virtual WebhookStore, protected StorePart {
 public:
  explicit SqlWebhookStore(StoreContext* ctx) : StorePart(ctx) {}

  Status CreateWebhook(const WebhookRecord& h) override;
  Result<std::vector<WebhookRecord>> ListWebhooks(const std::string& base_id) override;
  Result<std::optional<WebhookRecord>> FindWebhook(const std::string& id) override;
  Status SaveWebhookState(const WebhookRecord& h) override;
  Status DeleteWebhook(const std::string& id) override;
  Result<std::vector<WebhookPayload>> ListWebhookPayloads(const std::string& webhook_id,
                                                          int64_t from_cursor, int limit) override;
  Status PruneWebhookPayloads(int64_t before_ms) override;
  Result<bool> ClaimJob(const std::string& name, int64_t now_ms, int64_t every_ms) override;
  Status QueueWebhookPings(const std::vector<std::string>& webhook_ids, int64_t now_ms) override;
  Result<std::optional<WebhookPingClaim>> ClaimWebhookPing(int64_t now_ms,
                                                           int64_t lease_ms) override;
  Status ReleaseWebhookPing(const WebhookPingClaim& claim, int retry, int64_t retry_at_ms,
                            int64_t now_ms) override;
  Result<int64_t> NextWebhookPingMs() override;
  Result<PingQueueDepth> WebhookPingQueue(int64_t now_ms) override;
};

// Queues pings on `db` (in the caller's transaction, if one is open): the statement both
// WebhookStore::QueueWebhookPings and a record write's WriteTxn run.
Status QueueWebhookPings(Connection& db, const std::vector<std::string>& webhook_ids,
                         int64_t now_ms);

}  // namespace airbase::sql
