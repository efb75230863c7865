// SqlCommentStore: record comments.
#include "storage/sql/comment_store.h"

namespace airbase::sql {

namespace {

CommentRecord CommentFrom(Statement& s) {
  CommentRecord c;
  c.seq = s.Int(0);
  c.id = s.Text(1);
  c.base_id = s.Text(2);
  c.table_id = s.Text(3);
  c.record_id = s.Text(4);
  c.author_id = s.Text(5);
  c.text = s.Text(6);
  c.parent_id = s.Text(7);
  c.created_ms = s.Int(8);
  c.updated_ms = s.Int(9);
  return c;
}

constexpr const char* kCommentColumns =
    "seq, id, base_id, table_id, record_id, author_id, text, parent_id, created_ms, updated_ms";

}  // namespace

Status SqlCommentStore::InsertCommentOn(Connection& db, const CommentRecord& c) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("INSERT INTO comments(id, base_id, table_id, "
                                         "record_id, author_id, text, parent_id, created_ms, "
                                         "updated_ms) VALUES(?,?,?,?,?,?,?,?,?)"));
  s->Bind(1, c.id);
  s->Bind(2, c.base_id);
  s->Bind(3, c.table_id);
  s->Bind(4, c.record_id);
  s->Bind(5, c.author_id);
  s->Bind(6, c.text);
  s->Bind(7, c.parent_id);
  s->Bind(8, c.created_ms);
  s->Bind(9, c.updated_ms);
  return s->Run();
}

Status SqlCommentStore::CreateComment(const CommentRecord& c) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  return InsertCommentOn(*db, c);
}

Result<std::optional<CommentRecord>> SqlCommentStore::FindComment(const std::string& id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare(std::string("SELECT ") + kCommentColumns +
                                          " FROM comments WHERE id=?"));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<CommentRecord>();
  return std::optional<CommentRecord>(CommentFrom(*s.get()));
}

Status SqlCommentStore::UpdateComment(const std::string& id, const std::string& text,
                                      int64_t updated_ms) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("UPDATE comments SET text=?, updated_ms=? WHERE id=?"));
  s->Bind(1, text);
  s->Bind(2, updated_ms);
  s->Bind(3, id);
  return s->Run();
}

Status SqlCommentStore::DeleteComment(const std::string& id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM comments WHERE id=?"));
  s->Bind(1, id);
  return s->Run();
}

Result<std::vector<CommentRecord>> SqlCommentStore::ListComments(const std::string& table_id,
                                                                 const std::string& record_id,
                                                                 int64_t before_seq, int limit) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare(std::string("SELECT ") + kCommentColumns +
                                          " FROM comments WHERE table_id=? AND record_id=? "
                                          "AND seq < ? ORDER BY seq DESC LIMIT ?"));
  s->Bind(1, table_id);
  s->Bind(2, record_id);
  s->Bind(3, before_seq > 0 ? before_seq : std::numeric_limits<int64_t>::max());
  s->Bind(4, limit);
  std::vector<CommentRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(CommentFrom(*s.get()));
  }
  return out;
}

Result<std::vector<int64_t>> SqlCommentStore::CountComments(
    const std::string& table_id, const std::vector<std::string>& record_ids) {
  std::vector<int64_t> out(record_ids.size(), 0);
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT count(*) FROM comments WHERE table_id=? AND "
                                          "record_id=?"));
  for (size_t i = 0; i < record_ids.size(); ++i) {
    s->Bind(1, table_id);
    s->Bind(2, record_ids[i]);
    ASSIGN_OR_RETURN(bool row, s->Step());
    out[i] = row ? s->Int(0) : 0;
    s->Reset();
  }
  return out;
}

}  // namespace airbase::sql
