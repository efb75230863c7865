// The attachment fetch queue (attachment_store.h): claimed with a lease, like webhook pings, so
// a fetch outlives the server that queued it and each is made by one server of a fleet.
#include "storage/sql/attachment_store.h"

#include <limits>

#include "storage/sql/record_sql.h"

namespace airbase::sql {

Status QueueAttachmentFetch(Connection& db, const AttachmentFetch& f, int64_t now_ms) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("INSERT INTO attachment_fetches(attachment_id, base_id, "
                                         "table_id, record_id, field_id, url, user_id, due_ms) "
                                         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  s->Bind(1, f.attachment_id);
  s->Bind(2, f.base_id);
  s->Bind(3, f.table_id);
  s->Bind(4, f.record_id);
  s->Bind(5, f.field_id);
  s->Bind(6, f.url);
  s->Bind(7, f.user_id);
  s->Bind(8, now_ms);
  return s->Run();
}

Result<std::optional<AttachmentFetch>> SqlAttachmentStore::ClaimAttachmentFetch(int64_t now_ms,
                                                                                int64_t lease_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  // As ClaimWebhookPing: the inner SELECT picks the row due first that nobody holds (skipping,
  // on PostgreSQL, one another server is claiming this moment).
  ASSIGN_OR_RETURN(
      StmtRef s,
      db->Prepare("UPDATE attachment_fetches SET lease_until_ms=?1 WHERE attachment_id=("
                  "SELECT attachment_id FROM attachment_fetches WHERE due_ms<=?2 AND "
                  "lease_until_ms<=?2 ORDER BY due_ms LIMIT 1" +
                  std::string(ctx_->dialect->SkipLocked()) +
                  ") RETURNING attachment_id, base_id, table_id, record_id, field_id, url, "
                  "user_id, tries"));
  s->Bind(1, now_ms + lease_ms);
  s->Bind(2, now_ms);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<AttachmentFetch>();
  AttachmentFetch f{s->Text(0), s->Text(1), s->Text(2), s->Text(3),
                    s->Text(4), s->Text(5), s->Text(6), static_cast<int>(s->Int(7))};
  s->Reset();
  return std::optional<AttachmentFetch>(std::move(f));
}

Status SqlAttachmentStore::ReleaseAttachmentFetch(const std::string& attachment_id, int tries,
                                                  int64_t retry_at_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  StmtRef s(nullptr);
  if (retry_at_ms < 0) {
    ASSIGN_OR_RETURN(s, db->Prepare("DELETE FROM attachment_fetches WHERE attachment_id=?1"));
  } else {
    ASSIGN_OR_RETURN(s, db->Prepare("UPDATE attachment_fetches SET tries=?2, due_ms=?3, "
                                    "lease_until_ms=0 WHERE attachment_id=?1"));
    s->Bind(2, tries);
    s->Bind(3, retry_at_ms);
  }
  s->Bind(1, attachment_id);
  return s->Run();
}

Result<int64_t> SqlAttachmentStore::NextAttachmentFetchMs() {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s,
                   db->Prepare("SELECT MIN(" + ctx_->dialect->Greatest("due_ms", "lease_until_ms") +
                               ") FROM attachment_fetches"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row || s->IsNull(0)) return std::numeric_limits<int64_t>::max();
  return s->Int(0);
}

Status SqlAttachmentStore::ForEachAttachmentCell(
    const std::function<Status(std::string_view)>& fn) {
  std::vector<std::pair<std::string, std::string>> columns;  // table id, field id
  {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT table_id, id FROM fields_meta WHERE "
                                            "type='multipleAttachments' ORDER BY table_id, id"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      columns.emplace_back(s->Text(0), s->Text(1));
    }
  }
  // One connection per column, lent only while that column is read.
  for (const auto& [table_id, field_id] : columns) {
    Field f;
    f.id = field_id;
    f.type = FieldType::kMultipleAttachments;
    const std::string col = "\"" + ColumnName(f) + "\"";
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT " + col + " FROM " + TableRef(table_id) +
                                            " WHERE " + col + " IS NOT NULL"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      RETURN_IF_ERROR(fn(s->Text(0)));
    }
  }
  return Status::Ok();
}

Result<std::map<std::string, int64_t>> SqlAttachmentStore::OrphanFiles() {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT key, since_ms FROM orphan_files"));
  std::map<std::string, int64_t> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.emplace(s->Text(0), s->Int(1));
  }
  return out;
}

Status SqlAttachmentStore::NoteOrphanFile(const std::string& key, int64_t since_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  StmtRef s(nullptr);
  if (since_ms < 0) {
    ASSIGN_OR_RETURN(s, db->Prepare("DELETE FROM orphan_files WHERE key=?1"));
  } else {
    ASSIGN_OR_RETURN(s, db->Prepare("INSERT INTO orphan_files(key, since_ms) VALUES(?1, ?2) "
                                    "ON CONFLICT(key) DO NOTHING"));
    s->Bind(2, since_ms);
  }
  s->Bind(1, key);
  return s->Run();
}

}  // namespace airbase::sql
