// SqlTokenStore: personal access tokens, their resources and the audit log.
#include "storage/sql/token_store.h"

#include <boost/json.hpp>

namespace airbase::sql {

namespace json = boost::json;

namespace {

std::string JoinScopes(const std::vector<std::string>& scopes) {
  json::array a;
  for (const auto& s : scopes) a.emplace_back(s);
  return json::serialize(a);
}

std::vector<std::string> SplitScopes(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (!ec && v.is_array())
    for (const auto& s : v.as_array())
      if (s.is_string()) out.emplace_back(s.as_string());
  return out;
}

constexpr const char* kTokenColumns =
    "id, user_id, name, secret_hash, prev_secret_hash, prev_valid_until_ms, "
    "scopes, all_bases, created_ms, expires_ms, last_used_ms, revoked_ms";

}  // namespace

Status SqlTokenStore::WriteResources(Connection& db, const TokenRecord& t) {
  ASSIGN_OR_RETURN(StmtRef d, db.Prepare("DELETE FROM token_resources WHERE token_id=?"));
  d->Bind(1, t.id);
  RETURN_IF_ERROR(d->Run());
  auto add = [&](const char* kind, const std::string& rid) -> Status {
    ASSIGN_OR_RETURN(
        StmtRef s, db.Prepare("INSERT INTO token_resources VALUES(?,?,?) ON CONFLICT DO NOTHING"));
    s->Bind(1, t.id);
    s->Bind(2, std::string_view(kind));
    s->Bind(3, rid);
    return s->Run();
  };
  for (const auto& b : t.base_ids) RETURN_IF_ERROR(add("base", b));
  for (const auto& w : t.workspace_ids) RETURN_IF_ERROR(add("workspace", w));
  return Status::Ok();
}

Status SqlTokenStore::CreateToken(const TokenRecord& t) {
  Status st = InTransaction([&](Lease& db) -> Status {
    ASSIGN_OR_RETURN(StmtRef s,
                     db->Prepare("INSERT INTO tokens(id, user_id, name, secret_hash, scopes, "
                                 "all_bases, created_ms, expires_ms) VALUES(?,?,?,?,?,?,?,?)"));
    s->Bind(1, t.id);
    s->Bind(2, t.user_id);
    s->Bind(3, t.name);
    s->BindBlob(4, t.secret_hash);
    s->Bind(5, JoinScopes(t.scopes));
    s->Bind(6, t.all_bases ? 1 : 0);
    s->Bind(7, t.created_ms);
    s->Bind(8, t.expires_ms);
    RETURN_IF_ERROR(s->Run());
    return WriteResources(*db, t);
  });
  return st;
}

Status SqlTokenStore::ReadResources(Connection& db, TokenRecord* t) {
  ASSIGN_OR_RETURN(StmtRef r, db.Prepare("SELECT kind, resource_id FROM token_resources WHERE "
                                         "token_id=? ORDER BY rowid"));
  r->Bind(1, t->id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, r->Step());
    if (!row) break;
    (r->Text(0) == "base" ? t->base_ids : t->workspace_ids).push_back(r->Text(1));
  }
  return Status::Ok();
}

TokenRecord SqlTokenStore::ReadToken(Statement* s) {
  TokenRecord t;
  t.id = s->Text(0);
  t.user_id = s->Text(1);
  t.name = s->Text(2);
  t.secret_hash = s->Blob(3);
  t.prev_secret_hash = s->Blob(4);
  t.prev_valid_until_ms = s->Int(5);
  t.scopes = SplitScopes(s->Text(6));
  t.all_bases = s->Int(7) != 0;
  t.created_ms = s->Int(8);
  t.expires_ms = s->Int(9);
  t.last_used_ms = s->Int(10);
  t.revoked_ms = s->Int(11);
  return t;
}

Result<std::optional<TokenRecord>> SqlTokenStore::FindToken(const std::string& id) {
  ASSIGN_OR_RETURN(Lease db, AcquireRead());
  ASSIGN_OR_RETURN(StmtRef s,
                   db->Prepare(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE id=?"));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<TokenRecord>();
  TokenRecord t = ReadToken(s.get());
  s->Reset();
  RETURN_IF_ERROR(ReadResources(*db, &t));
  return std::optional<TokenRecord>(std::move(t));
}

Result<std::vector<TokenRecord>> SqlTokenStore::ListTokens(const std::string& user_id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare(std::string("SELECT ") + kTokenColumns +
                                          " FROM tokens WHERE user_id=? AND revoked_ms=0 "
                                          "ORDER BY created_ms, rowid"));
  s->Bind(1, user_id);
  std::vector<TokenRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadToken(s.get()));
  }
  s->Reset();
  for (auto& t : out) RETURN_IF_ERROR(ReadResources(*db, &t));
  return out;
}

Status SqlTokenStore::UpdateToken(const TokenRecord& t) {
  Status st = InTransaction([&](Lease& db) -> Status {
    ASSIGN_OR_RETURN(StmtRef s,
                     db->Prepare("UPDATE tokens SET name=?, secret_hash=?, prev_secret_hash=?, "
                                 "prev_valid_until_ms=?, scopes=?, all_bases=?, expires_ms=?, "
                                 "revoked_ms=? WHERE id=?"));
    s->Bind(1, t.name);
    s->BindBlob(2, t.secret_hash);
    s->BindBlob(3, t.prev_secret_hash);
    s->Bind(4, t.prev_valid_until_ms);
    s->Bind(5, JoinScopes(t.scopes));
    s->Bind(6, t.all_bases ? 1 : 0);
    s->Bind(7, t.expires_ms);
    s->Bind(8, t.revoked_ms);
    s->Bind(9, t.id);
    RETURN_IF_ERROR(s->Run());
    return WriteResources(*db, t);
  });
  return st;
}

Result<std::vector<std::string>> SqlTokenStore::TouchTokens(
    const std::vector<std::pair<std::string, int64_t>>& uses, int64_t min_gap_ms) {
  std::vector<std::string> written;
  if (uses.empty()) return written;
  Status st = InTransaction([&](Lease& db) -> Status {
    written.clear();  // a retried transaction starts again
    for (const auto& [id, ms] : uses) {
      ASSIGN_OR_RETURN(StmtRef s, db->Prepare("UPDATE tokens SET last_used_ms=? WHERE id=? AND "
                                              "last_used_ms <= ?"));
      s->Bind(1, ms);
      s->Bind(2, id);
      s->Bind(3, ms - min_gap_ms);
      RETURN_IF_ERROR(s->Run());
      if (db->Changes() > 0) written.push_back(id);
    }
    return Status::Ok();
  });
  RETURN_IF_ERROR(st);
  return written;
}

Status SqlTokenStore::AppendAudit(const AuditEvent& e) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO audit_log(at_ms, user_id, token_id, "
                                          "event, detail) VALUES(?,?,?,?,?)"));
  s->Bind(1, e.at_ms);
  s->Bind(2, e.user_id);
  s->Bind(3, e.token_id);
  s->Bind(4, e.event);
  s->Bind(5, e.detail);
  return s->Run();
}

Result<std::vector<AuditEvent>> SqlTokenStore::ListAudit(const std::string& user_id, int limit) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT at_ms, user_id, token_id, event, detail FROM "
                                          "audit_log WHERE user_id=? ORDER BY seq DESC LIMIT ?"));
  s->Bind(1, user_id);
  s->Bind(2, limit);
  std::vector<AuditEvent> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(AuditEvent{s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4)});
  }
  return out;
}

}  // namespace airbase::sql
