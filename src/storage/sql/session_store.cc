// SqlSessionStore: web app sessions (only a hash of each secret is stored).
#include "storage/sql/session_store.h"

namespace airbase::sql {

Status SqlSessionStore::CreateSession(const SessionRecord& r) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO sessions VALUES(?,?,?,?,?)"));
  s->BindBlob(1, r.id_hash);
  s->Bind(2, r.user_id);
  s->Bind(3, r.csrf);
  s->Bind(4, r.created_ms);
  s->Bind(5, r.expires_ms);
  return s->Run();
}

Result<std::optional<SessionRecord>> SqlSessionStore::FindSession(const std::string& id_hash) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT user_id, csrf, created_ms, expires_ms FROM "
                                          "sessions WHERE id_hash=?"));
  s->BindBlob(1, id_hash);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<SessionRecord>();
  return std::optional<SessionRecord>(
      SessionRecord{id_hash, s->Text(0), s->Text(1), s->Int(2), s->Int(3)});
}

Status SqlSessionStore::DeleteSession(const std::string& id_hash) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM sessions WHERE id_hash=?"));
  s->BindBlob(1, id_hash);
  return s->Run();
}

Result<std::pair<int64_t, int64_t>> SqlRateStore::CountRequest(const std::string& key,
                                                               int64_t now_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  // One statement: a new second starts the count again; the penalty stays until it ends.
  ASSIGN_OR_RETURN(
      StmtRef s,
      db->Prepare("INSERT INTO rate_windows VALUES(?1, ?2, 1, 0) ON CONFLICT(key) DO UPDATE SET "
                  "count = CASE WHEN rate_windows.second = excluded.second THEN "
                  "rate_windows.count + 1 ELSE 1 END, second = excluded.second "
                  "RETURNING count, blocked_until_ms"));
  s->Bind(1, key);
  s->Bind(2, now_ms / 1000);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Error(ErrorCode::kInternal, "rate window missing");
  return std::pair<int64_t, int64_t>{s->Int(0), s->Int(1)};
}

Status SqlRateStore::Penalize(const std::string& key, int64_t until_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s,
                   db->Prepare("UPDATE rate_windows SET blocked_until_ms=? WHERE key=?"));
  s->Bind(1, until_ms);
  s->Bind(2, key);
  return s->Run();
}

}  // namespace airbase::sql
