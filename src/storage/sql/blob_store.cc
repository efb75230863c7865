// SqlBlobStore (blob_store.h): the `blobs` table.
#include "storage/sql/blob_store.h"

#include <algorithm>

namespace airbase::sql {

// created_ms is when the key was last stored. A key already held is only marked (its bytes are
// not sent again); the INSERT's DO UPDATE covers a Put racing another or a removal.
Status SqlBlobStore::Put(const std::string& key, std::string_view bytes) {
  if (!IsBlobKey(key)) return Error(ErrorCode::kInvalidArgument, "bad blob key");
  ASSIGN_OR_RETURN(Lease db, Acquire());
  const int64_t now = options_.clock ? options_.clock->NowMs() : 0;
  ASSIGN_OR_RETURN(StmtRef mark, db->Prepare("UPDATE blobs SET created_ms=? WHERE key=?"));
  mark->Bind(1, now);
  mark->Bind(2, key);
  RETURN_IF_ERROR(mark->Run());
  if (db->Changes() > 0) return Status::Ok();
  ASSIGN_OR_RETURN(StmtRef s,
                   db->Prepare("INSERT INTO blobs(key, bytes, created_ms) VALUES(?,?,?) "
                               "ON CONFLICT(key) DO UPDATE SET created_ms=excluded.created_ms"));
  s->Bind(1, key);
  s->BindBlob(2, bytes);
  s->Bind(3, now);
  return s->Run();
}

Result<std::optional<std::string>> SqlBlobStore::Get(const std::string& key, int64_t offset,
                                                     int64_t length) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  offset = std::max<int64_t>(offset, 0);
  // substr counts from 1; a length past the end is clipped.
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT substr(bytes, ?, ?) FROM blobs WHERE key=?"));
  s->Bind(1, offset + 1);
  constexpr int64_t kMaxLength = 2147483647;  // substr takes an int4
  s->Bind(2, length < 0 ? kMaxLength : std::min(length, kMaxLength));
  s->Bind(3, key);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s->Blob(0));
}

Result<std::optional<int64_t>> SqlBlobStore::Size(const std::string& key) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT length(bytes) FROM blobs WHERE key=?"));
  s->Bind(1, key);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(s->Int(0));
}

Result<bool> SqlBlobStore::RemoveIfStoredBefore(const std::string& key, int64_t before_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM blobs WHERE key=? AND created_ms<?"));
  s->Bind(1, key);
  s->Bind(2, before_ms);
  RETURN_IF_ERROR(s->Run());
  return db->Changes() > 0;
}

Result<std::vector<std::string>> SqlBlobStore::Keys() {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT key FROM blobs ORDER BY key"));
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(s->Text(0));
  }
  return out;
}

}  // namespace airbase::sql
