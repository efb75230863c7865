// The queue of attachment files to fetch from URLs (store.h AttachmentStore).
// One part of SqlStore (sql_store.h); portable SQL through the connection seam. Safe for
// concurrent use.
#pragma once

#include "storage/sql/store_part.h"

namespace airbase::sql {

class SqlAttachmentStore : public virtual AttachmentStore, protected StorePart {
 public:
  explicit SqlAttachmentStore(StoreContext* ctx) : StorePart(ctx) {}

  Result<std::optional<AttachmentFetch>> ClaimAttachmentFetch(int64_t now_ms,
                                                              int64_t lease_ms) override;
  Status ReleaseAttachmentFetch(const std::string& attachment_id, int tries,
                                int64_t retry_at_ms) override;
  Result<int64_t> NextAttachmentFetchMs() override;
  Status ForEachAttachmentCell(const std::function<Status(std::string_view)>& fn) override;
  Result<std::map<std::string, int64_t>> OrphanFiles() override;
  Status NoteOrphanFile(const std::string& key, int64_t since_ms) override;
};

// Queues a fetch on `db` in the caller's transaction: what a record write's WriteTxn runs.
Status QueueAttachmentFetch(Connection& db, const AttachmentFetch& fetch, int64_t now_ms);

}  // namespace airbase::sql
