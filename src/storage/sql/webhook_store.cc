// SqlWebhookStore: webhooks and their payloads.
#include "storage/sql/webhook_store.h"

#include <limits>

namespace airbase::sql {

namespace {

constexpr const char* kHookColumns =
    "id, base_id, user_id, notification_url, specification, mac_secret, notifications_enabled, "
    "expires_ms, created_ms, next_cursor, last_result, last_success_ms";

WebhookRecord HookFrom(Statement& s) {
  WebhookRecord h;
  h.id = s.Text(0);
  h.base_id = s.Text(1);
  h.user_id = s.Text(2);
  h.notification_url = s.Text(3);
  h.specification = s.Text(4);
  h.mac_secret = s.Blob(5);
  h.notifications_enabled = s.Int(6) != 0;
  h.expires_ms = s.Int(7);
  h.created_ms = s.Int(8);
  h.next_cursor = s.Int(9);
  h.last_result = s.Text(10);
  h.last_success_ms = s.Int(11);
  return h;
}

}  // namespace

Status SqlWebhookStore::CreateWebhook(const WebhookRecord& h) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO webhooks(id, base_id, user_id, "
                                          "notification_url, specification, mac_secret, "
                                          "notifications_enabled, expires_ms, created_ms) "
                                          "VALUES(?,?,?,?,?,?,?,?,?)"));
  s->Bind(1, h.id);
  s->Bind(2, h.base_id);
  s->Bind(3, h.user_id);
  s->Bind(4, h.notification_url);
  s->Bind(5, h.specification);
  s->BindBlob(6, h.mac_secret);
  s->Bind(7, h.notifications_enabled ? 1 : 0);
  s->Bind(8, h.expires_ms);
  s->Bind(9, h.created_ms);
  return s->Run();
}

Result<std::vector<WebhookRecord>> SqlWebhookStore::ListWebhooks(const std::string& base_id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s,
                   db->Prepare(std::string("SELECT ") + kHookColumns +
                               " FROM webhooks WHERE base_id=? ORDER BY created_ms, id"));
  s->Bind(1, base_id);
  std::vector<WebhookRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(HookFrom(*s.get()));
  }
  return out;
}

Result<std::optional<WebhookRecord>> SqlWebhookStore::FindWebhook(const std::string& id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(
      StmtRef s, db->Prepare(std::string("SELECT ") + kHookColumns + " FROM webhooks WHERE id=?"));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<WebhookRecord>();
  return std::optional<WebhookRecord>(HookFrom(*s.get()));
}

Status SqlWebhookStore::SaveWebhookState(const WebhookRecord& h) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("UPDATE webhooks SET notifications_enabled=?, "
                                          "expires_ms=?, last_result=?, last_success_ms=? "
                                          "WHERE id=?"));
  s->Bind(1, h.notifications_enabled ? 1 : 0);
  s->Bind(2, h.expires_ms);
  s->Bind(3, h.last_result);
  s->Bind(4, h.last_success_ms);
  s->Bind(5, h.id);
  return s->Run();
}

Status SqlWebhookStore::DeleteWebhook(const std::string& id) {
  return InTransaction([&](Lease& db) -> Status {
    for (const char* sql :
         {"DELETE FROM webhook_payloads WHERE webhook_id=?",
          "DELETE FROM webhook_pings WHERE webhook_id=?", "DELETE FROM webhooks WHERE id=?"}) {
      ASSIGN_OR_RETURN(StmtRef s, db->Prepare(sql));
      s->Bind(1, id);
      RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  });
}

Result<std::vector<WebhookPayload>> SqlWebhookStore::ListWebhookPayloads(
    const std::string& webhook_id, int64_t from_cursor, int limit) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT cursor, txn, created_ms, payload FROM "
                                          "webhook_payloads WHERE webhook_id=? AND cursor>=? "
                                          "ORDER BY cursor LIMIT ?"));
  s->Bind(1, webhook_id);
  s->Bind(2, from_cursor);
  s->Bind(3, limit);
  std::vector<WebhookPayload> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(WebhookPayload{s->Int(0), s->Int(1), s->Int(2), s->Text(3)});
  }
  return out;
}

Status SqlWebhookStore::PruneWebhookPayloads(int64_t before_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM webhook_payloads WHERE created_ms<?"));
  s->Bind(1, before_ms);
  return s->Run();
}

Result<bool> SqlWebhookStore::ClaimJob(const std::string& name, int64_t now_ms, int64_t every_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  // One statement decides: the first claim inserts, a due one moves the next run on, and a claim
  // of a period already taken changes no row and returns none.
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO jobs VALUES(?1, ?2) ON CONFLICT(name) DO "
                                          "UPDATE SET next_ms = excluded.next_ms WHERE "
                                          "jobs.next_ms <= ?3 RETURNING name"));
  s->Bind(1, name);
  s->Bind(2, now_ms + every_ms);
  s->Bind(3, now_ms);
  ASSIGN_OR_RETURN(bool claimed, s->Step());
  return claimed;
}

Status QueueWebhookPings(Connection& db, const std::vector<std::string>& webhook_ids,
                         int64_t now_ms) {
  if (webhook_ids.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("INSERT INTO webhook_pings(webhook_id, due_ms) "
                                         "VALUES(?1, ?2) ON CONFLICT(webhook_id) DO UPDATE SET "
                                         "seq=webhook_pings.seq+1, due_ms=?2, retry=0"));
  for (const std::string& id : webhook_ids) {
    s->Bind(1, id);
    s->Bind(2, now_ms);
    RETURN_IF_ERROR(s->Run());
    s->Reset();
  }
  return Status::Ok();
}

Status SqlWebhookStore::QueueWebhookPings(const std::vector<std::string>& webhook_ids,
                                          int64_t now_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  return sql::QueueWebhookPings(*db, webhook_ids, now_ms);
}

Result<std::optional<WebhookPingClaim>> SqlWebhookStore::ClaimWebhookPing(int64_t now_ms,
                                                                          int64_t lease_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  // The inner SELECT picks the row due first that nobody holds; on PostgreSQL it skips a row
  // another server is claiming at this moment, and a row claimed since this statement began is
  // checked again against the lease, so it is not claimed twice.
  ASSIGN_OR_RETURN(
      StmtRef s,
      db->Prepare("UPDATE webhook_pings SET lease_until_ms=?1 WHERE webhook_id=("
                  "SELECT webhook_id FROM webhook_pings WHERE due_ms<=?2 AND "
                  "lease_until_ms<=?2 ORDER BY due_ms LIMIT 1" +
                  std::string(ctx_->dialect->SkipLocked()) + ") RETURNING webhook_id, retry, seq"));
  s->Bind(1, now_ms + lease_ms);
  s->Bind(2, now_ms);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<WebhookPingClaim>();
  WebhookPingClaim claim{s->Text(0), static_cast<int>(s->Int(1)), s->Int(2)};
  s->Reset();
  return std::optional<WebhookPingClaim>(std::move(claim));
}

Status SqlWebhookStore::ReleaseWebhookPing(const WebhookPingClaim& claim, int retry,
                                           int64_t retry_at_ms, int64_t now_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  StmtRef s(nullptr);
  if (retry_at_ms < 0) {
    ASSIGN_OR_RETURN(s, db->Prepare("DELETE FROM webhook_pings WHERE webhook_id=?1 AND seq=?2"));
  } else {
    ASSIGN_OR_RETURN(s, db->Prepare("UPDATE webhook_pings SET retry=?3, due_ms=?4, "
                                    "lease_until_ms=0 WHERE webhook_id=?1 AND seq=?2"));
    s->Bind(3, retry);
    s->Bind(4, retry_at_ms);
  }
  s->Bind(1, claim.webhook_id);
  s->Bind(2, claim.seq);
  RETURN_IF_ERROR(s->Run());
  if (db->Changes() > 0) return Status::Ok();
  // Queued again while the ping was out: a first try of the newer change, now. (The row still
  // carries this claim's lease, so nobody else has claimed it in between.)
  ASSIGN_OR_RETURN(StmtRef again, db->Prepare("UPDATE webhook_pings SET due_ms=?, retry=0, "
                                              "lease_until_ms=0 WHERE webhook_id=?"));
  again->Bind(1, now_ms);
  again->Bind(2, claim.webhook_id);
  return again->Run();
}

Result<int64_t> SqlWebhookStore::NextWebhookPingMs() {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s,
                   db->Prepare("SELECT MIN(" + ctx_->dialect->Greatest("due_ms", "lease_until_ms") +
                               ") FROM webhook_pings"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row || s->IsNull(0)) return std::numeric_limits<int64_t>::max();
  return s->Int(0);
}

Result<WebhookStore::PingQueueDepth> SqlWebhookStore::WebhookPingQueue(int64_t now_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT count(*), coalesce(sum(CASE WHEN due_ms <= ?1 "
                                          "AND lease_until_ms <= ?1 THEN 1 ELSE 0 END), 0) "
                                          "FROM webhook_pings"));
  s->Bind(1, now_ms);
  ASSIGN_OR_RETURN(bool row, s->Step());
  PingQueueDepth depth;
  if (row) depth = {s->Int(0), s->Int(1)};
  return depth;
}

}  // namespace airbase::sql
