// SqlRecordStore: records of user tables: lists, reads and the write transaction.
#include "storage/sql/record_store.h"

#include <malloc.h>

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "storage/sql/attachment_store.h"
#include "storage/sql/comment_store.h"
#include "storage/sql/link_sql.h"
#include "storage/sql/predicate_sql.h"
#include "storage/sql/record_sql.h"
#include "storage/sql/schema_store.h"
#include "storage/sql/webhook_store.h"

namespace airbase::sql {

Result<std::vector<StoredRecord>> SqlRecordStore::ReadRecords(Statement* s, size_t nfields) {
  std::vector<StoredRecord> out;
  RETURN_IF_ERROR(ReadRecordsInto(s, nfields, &out));
  return out;
}

Status SqlRecordStore::ReadRecordsInto(Statement* s, size_t nfields,
                                       std::vector<StoredRecord>* out) {
  size_t n = 0;
  SqlValue id;  // the id read into a reused buffer, then swapped into the row
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    if (n == out->size()) out->emplace_back();
    StoredRecord& r = (*out)[n++];  // an earlier batch's row: its buffers are reused
    r.rowid = s->Int(0);
    s->ValueInto(1, &id);
    if (auto* text = std::get_if<std::string>(&id)) r.id.swap(*text);
    r.created_ms = s->Int(2);
    r.modified_ms = s->Int(3);
    r.cells.resize(nfields);
    for (size_t i = 0; i < nfields; ++i) s->ValueInto(static_cast<int>(i) + 4, &r.cells[i]);
  }
  out->resize(n);
  return Status::Ok();
}

void SqlRecordStore::EnsureIndex(const Table& table, const Field& field, IndexKind kind) {
  static constexpr const char* kSuffix[] = {"|s", "|d", "|f"};
  EnsureIndex(table.id, table.id + "|" + field.id + kSuffix[static_cast<int>(kind)], [&] {
    return kind == IndexKind::kFilter
               ? FilterIndex(*ctx_->dialect, table, field)
               : SortIndex(*ctx_->dialect, table, field, kind == IndexKind::kSortDesc);
  });
}

void SqlRecordStore::EnsureIndex(const std::string& table_id, std::string key,
                                 const std::function<IndexSpec()>& spec) {
  {
    std::lock_guard lock(ctx_->index_mu);
    if (!ctx_->indexed.insert(key).second) return;  // made or queued: the common case
  }
  IndexSpec index = spec();
  if (index.name.empty()) return;
  if (ctx_->index_builder == nullptr) {
    // A connection of its own: an index made is a write, which the request's shared reads must
    // not hold open (Acquire() ends the sharing, so the list reads with the index).
    Result<Lease> db = Acquire();
    if (!db.ok()) return;
    if ((*db)->Exec("CREATE INDEX IF NOT EXISTS " + Quote(index.name) + " " + index.on).ok())
      if (std::string after = ctx_->dialect->AfterIndexBuilt(TableRef(table_id)); !after.empty())
        (void)(*db)->Exec(after);
    // The build read the whole table through this connection's page cache and sorted it in
    // memory: give both back (at 1,000,000 records ~60 MiB would stay with the process).
    (*db)->ReleaseMemory();
    malloc_trim(0);
    return;
  }
  // This list runs without the index; a later one finds it built. A failed build is forgotten,
  // so the next list asks again.
  ctx_->index_builder->Build(table_id, std::move(index.name), std::move(index.on),
                             [ctx = ctx_, key](bool ok) {
                               if (ok) return;
                               std::lock_guard lock(ctx->index_mu);
                               ctx->indexed.erase(key);
                             });
}

Result<std::vector<StoredRecord>> SqlRecordStore::List(const Table& table, const ListQuery& q) {
  std::vector<StoredRecord> out;
  RETURN_IF_ERROR(ListInto(table, q, &out));
  return out;
}

Status SqlRecordStore::ListInto(const Table& table, const ListQuery& q,
                                std::vector<StoredRecord>* rows) {
  if (q.test && !TestsRowsInScan())
    return Error(ErrorCode::kInternal, "this store cannot test rows in its scan");
  if (!q.sort.empty())
    EnsureIndex(table, *q.sort[0].field,
                q.sort[0].desc ? IndexKind::kSortDesc : IndexKind::kSortAsc);
  if (q.filter) {
    std::vector<const Field*> compared;
    IndexableFields(*q.filter, &compared);
    for (const Field* f : compared) EnsureIndex(table, *f, IndexKind::kFilter);
    std::vector<std::pair<const Field*, Predicate::Transform>> transformed;
    TransformedFields(*q.filter, &transformed);
    for (const auto& [f, t] : transformed)
      EnsureIndex(table.id, table.id + "|" + f->id + "|x" + std::to_string(static_cast<int>(t)),
                  [&, f = f, t = t] { return TransformIndex(*ctx_->dialect, table, *f, t); });
    // An equality and a range (AND({Category} = 'a', {Quantity} >= 5, {Quantity} < 9)): one
    // index over both reads exactly the matching rows, where either alone reads every row of
    // its own term and checks the other per row.
    if (auto both = CompoundShape(*q.filter))
      EnsureIndex(table.id, table.id + "|" + both->first->id + "|" + both->second->id + "|c", [&] {
        return CompoundIndex(*ctx_->dialect, table, *both->first, *both->second);
      });
  }
  ASSIGN_OR_RETURN(Lease db, AcquireRead());
  BoundSql sql = SelectList(*ctx_->dialect, table, q);
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare(sql.text));
  int i = 1;
  for (const SqlValue& v : sql.params) s->Bind(i++, v);
  if (sql.test_param != 0) s->BindRowTest(sql.test_param, q.test);
  Status st = ReadRecordsInto(s.get(), q.fields.size(), rows);
  s->Reset();
  return st;
}

Result<int64_t> SqlRecordStore::Count(const Table& table) {
  ASSIGN_OR_RETURN(Lease db, AcquireRead());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT count(*) FROM " + TableRef(table.id)));
  ASSIGN_OR_RETURN(bool row, s->Step());
  int64_t n = row ? s->Int(0) : 0;
  s->Reset();
  return n;
}

Result<std::vector<StoredRecord>> SqlRecordStore::Get(const Table& table,
                                                      const std::vector<const Field*>& fields,
                                                      const std::vector<std::string>& ids) {
  ASSIGN_OR_RETURN(Lease db, AcquireRead());
  std::vector<StoredRecord> out;
  out.reserve(ids.size());
  // A few ids per statement (`id IN (...)`, padded to one of a few sizes so the statement cache
  // keeps few texts): each statement outside a transaction is a read transaction of its own (on
  // SQLite a lock and unlock of the WAL index, on PostgreSQL a round trip).
  static constexpr size_t kSizes[] = {1, 2, 5, 10, 20, 50, 100};
  std::vector<StoredRecord> rows;
  std::unordered_map<std::string_view, size_t> want;  // an id asked -> its first place
  std::vector<StoredRecord*> found;
  std::vector<size_t> placed;
  for (size_t begin = 0; begin < ids.size();) {
    const size_t left = ids.size() - begin;
    size_t k = kSizes[std::size(kSizes) - 1];
    for (size_t size : kSizes)
      if (size >= left) {
        k = size;
        break;
      }
    const size_t take = std::min(k, left);
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare(SelectByIds(*ctx_->dialect, table, fields, k)));
    for (size_t i = 0; i < k; ++i)
      s->Bind(static_cast<int>(i) + 1, ids[begin + std::min(i, take - 1)]);
    Status st = ReadRecordsInto(s.get(), fields.size(), &rows);
    s->Reset();
    RETURN_IF_ERROR(st);
    // Into the order asked for (an id asked twice comes twice, as one statement per id gave).
    want.clear();
    for (size_t i = 0; i < take; ++i) want.emplace(ids[begin + i], i);
    found.assign(take, nullptr);
    for (StoredRecord& r : rows)
      if (auto it = want.find(r.id); it != want.end()) found[it->second] = &r;
    placed.assign(take, SIZE_MAX);
    for (size_t i = 0; i < take; ++i) {
      const size_t first = want.find(ids[begin + i])->second;
      if (!found[first]) continue;
      if (placed[first] != SIZE_MAX) {
        out.push_back(out[placed[first]]);
        continue;
      }
      placed[first] = out.size();
      out.push_back(std::move(*found[first]));
    }
    begin += take;
  }
  return out;
}

namespace {

class SqlWriteTxn final : public WriteTxn {
 public:
  // A transaction of its own on `lease`, begun by Begin().
  SqlWriteTxn(Lease lease, const Dialect* dialect, std::string base_id)
      : own_(std::move(lease)), db_(&**own_), dialect_(dialect), base_id_(std::move(base_id)) {}
  // A member of `group`'s shared transaction (write_group.h), in its turn.
  SqlWriteTxn(WriteGroup* group, WriteGroup::Turn turn, const Dialect* dialect, std::string base_id)
      : group_(group),
        turn_(std::move(turn)),
        db_(turn_.db),
        dialect_(dialect),
        base_id_(std::move(base_id)) {}
  ~SqlWriteTxn() override {
    if (done_) return;
    if (group_)
      (void)group_->Leave(turn_, /*keep=*/false);
    else
      (void)db_->Rollback();
  }

  Status Begin() { return db_->BeginWrite(); }

  void SetWriter(std::string person) override { writer_ = std::move(person); }

  Status Insert(const Table& table, const std::string& record_id,
                const std::vector<std::pair<const Field*, SqlValue>>& cells,
                int64_t now_ms) override {
    auto all = WithModifiedTimes(table, cells, now_ms, /*for_insert=*/true);
    auto links = TakeLinks(all);
    ASSIGN_OR_RETURN(StmtRef s, db_->Prepare(sql::Insert(table, all)));
    s->Bind(1, record_id);
    s->Bind(2, now_ms);
    for (size_t i = 0; i < all.size(); ++i) s->Bind(static_cast<int>(i) + 3, all[i].second);
    RETURN_IF_ERROR(s->Run());
    return WriteLinks(links, record_id);
  }

  Result<bool> Update(const Table& table, const std::string& record_id,
                      const std::vector<std::pair<const Field*, SqlValue>>& cells,
                      int64_t now_ms) override {
    ASSIGN_OR_RETURN(bool exists, Exists(table, record_id));
    if (!exists) return false;
    auto all = WithModifiedTimes(table, cells, now_ms, /*for_insert=*/false);
    if (all.empty()) return true;
    auto links = TakeLinks(all);
    ASSIGN_OR_RETURN(StmtRef s, db_->Prepare(sql::Update(table, all)));
    for (size_t i = 0; i < all.size(); ++i) s->Bind(static_cast<int>(i) + 1, all[i].second);
    s->Bind(static_cast<int>(all.size()) + 1, record_id);
    s->Bind(static_cast<int>(all.size()) + 2, now_ms);
    RETURN_IF_ERROR(s->Run());
    RETURN_IF_ERROR(WriteLinks(links, record_id));
    return true;
  }

  Status Touch(const Table& table, const std::string& record_id,
               const std::vector<const Field*>& changed, int64_t now_ms) override {
    std::vector<std::pair<const Field*, SqlValue>> cells;
    for (const Field* f : changed) cells.emplace_back(f, SqlValue{});
    auto all = WithModifiedTimes(table, cells, now_ms, /*for_insert=*/false);
    all.erase(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(cells.size()));
    ASSIGN_OR_RETURN(StmtRef s, db_->Prepare(sql::Update(table, all)));
    for (size_t i = 0; i < all.size(); ++i) s->Bind(static_cast<int>(i) + 1, all[i].second);
    s->Bind(static_cast<int>(all.size()) + 1, record_id);
    s->Bind(static_cast<int>(all.size()) + 2, now_ms);
    return s->Run();
  }

  Result<std::vector<std::string>> LinkedFrom(const Field& link,
                                              const std::string& record_id) override {
    return sql::LinkedFrom(*db_, link, record_id);
  }

  Result<bool> Delete(const Table& table, const std::string& record_id) override {
    ASSIGN_OR_RETURN(StmtRef s, db_->Prepare("DELETE FROM " + TableRef(table.id) + " WHERE id=?"));
    s->Bind(1, record_id);
    RETURN_IF_ERROR(s->Run());
    bool deleted = db_->Changes() > 0;
    if (deleted) {  // a record's links and comments go with it
      RETURN_IF_ERROR(DeleteRecordLinks(*db_, table, record_id));
      ASSIGN_OR_RETURN(StmtRef c, db_->Prepare("DELETE FROM comments WHERE table_id=? AND "
                                               "record_id=?"));
      c->Bind(1, table.id);
      c->Bind(2, record_id);
      RETURN_IF_ERROR(c->Run());
    }
    return deleted;
  }

  Status AppendWebhookPayloads(const std::vector<std::pair<std::string, std::string>>& payloads,
                               int64_t now_ms) override {
    if (payloads.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(StmtRef t,
                     db_->Prepare("INSERT INTO base_txn VALUES(?, 1) ON CONFLICT(base_id) "
                                  "DO UPDATE SET n=base_txn.n+1 RETURNING n"));
    t->Bind(1, base_id_);
    ASSIGN_OR_RETURN(bool row, t->Step());
    int64_t txn = row ? t->Int(0) : 0;
    t->Reset();
    for (const auto& [hook, body] : payloads) {
      ASSIGN_OR_RETURN(StmtRef c, db_->Prepare("UPDATE webhooks SET next_cursor=next_cursor+1 "
                                               "WHERE id=? RETURNING next_cursor-1"));
      c->Bind(1, hook);
      ASSIGN_OR_RETURN(bool found, c->Step());
      if (!found) continue;
      int64_t cursor = c->Int(0);
      c->Reset();
      ASSIGN_OR_RETURN(StmtRef p, db_->Prepare("INSERT INTO webhook_payloads VALUES(?,?,?,?,?)"));
      p->Bind(1, hook);
      p->Bind(2, cursor);
      p->Bind(3, txn);
      p->Bind(4, now_ms);
      p->Bind(5, body);
      RETURN_IF_ERROR(p->Run());
    }
    return Status::Ok();
  }

  Status QueueWebhookPings(const std::vector<std::string>& webhook_ids, int64_t now_ms) override {
    return sql::QueueWebhookPings(*db_, webhook_ids, now_ms);
  }

  Status QueueAttachmentFetch(const AttachmentFetch& fetch, int64_t now_ms) override {
    return sql::QueueAttachmentFetch(*db_, fetch, now_ms);
  }

  Result<bool> Exists(const Table& table, const std::string& record_id) override {
    ASSIGN_OR_RETURN(StmtRef s,
                     db_->Prepare("SELECT 1 FROM " + TableRef(table.id) + " WHERE id=?"));
    s->Bind(1, record_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    s->Reset();
    return row;
  }

  Result<std::vector<std::string>> FindEqual(
      const Table& table, const std::vector<std::pair<const Field*, SqlValue>>& values,
      int limit) override {
    ASSIGN_OR_RETURN(StmtRef s, db_->Prepare(sql::SelectEqual(*dialect_, table, values)));
    for (size_t i = 0; i < values.size(); ++i) s->Bind(static_cast<int>(i) + 1, values[i].second);
    s->Bind(static_cast<int>(values.size()) + 1, limit);
    std::vector<std::string> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(s->Text(0));
    }
    s->Reset();
    return out;
  }

  Result<std::optional<std::vector<SqlValue>>> Read(const Table& table,
                                                    const std::vector<const Field*>& fields,
                                                    const std::string& record_id) override {
    ASSIGN_OR_RETURN(StmtRef s, db_->Prepare(sql::SelectById(*dialect_, table, fields)));
    s->Bind(1, record_id);
    ASSIGN_OR_RETURN(auto rows, SqlRecordStore::ReadRecords(s.get(), fields.size()));
    s->Reset();
    if (rows.empty()) return std::optional<std::vector<SqlValue>>();
    return std::optional<std::vector<SqlValue>>(std::move(rows[0].cells));
  }

  Status SaveFieldOptions(const Field& field) override {
    RETURN_IF_ERROR(SqlSchemaStore::SaveFieldOn(*db_, field));
    return SqlSchemaStore::BumpSchema(*db_, base_id_);
  }

  Status InsertComment(const CommentRecord& c) override {
    ASSIGN_OR_RETURN(StmtRef f, db_->Prepare("SELECT 1 FROM comments WHERE id=?"));
    f->Bind(1, c.id);
    ASSIGN_OR_RETURN(bool taken, f->Step());
    f->Reset();
    if (taken) return Error(ErrorCode::kAlreadyExists, "comment id " + c.id + " is taken");
    return SqlCommentStore::InsertCommentOn(*db_, c);
  }

  Status Commit() override {
    done_ = true;
    return group_ ? group_->Leave(turn_, /*keep=*/true) : db_->Commit();
  }

 private:
  // Moves the link cells out of `cells`: they live in junction tables, not columns.
  static std::vector<std::pair<const Field*, SqlValue>> TakeLinks(
      std::vector<std::pair<const Field*, SqlValue>>& cells) {
    std::vector<std::pair<const Field*, SqlValue>> links;
    auto is_link = [](const auto& c) { return c.first->type == FieldType::kMultipleRecordLinks; };
    for (auto& c : cells)
      if (is_link(c)) links.push_back(std::move(c));
    cells.erase(std::remove_if(cells.begin(), cells.end(), is_link), cells.end());
    return links;
  }

  Status WriteLinks(const std::vector<std::pair<const Field*, SqlValue>>& links,
                    const std::string& record_id) {
    for (const auto& [field, ids] : links) RETURN_IF_ERROR(SetLinks(*db_, *field, record_id, ids));
    return Status::Ok();
  }

  // The cells with the lastModifiedTime and lastModifiedBy cells this write touches, and for an
  // insert the createdBy cells.
  std::vector<std::pair<const Field*, SqlValue>> WithModifiedTimes(
      const Table& table, const std::vector<std::pair<const Field*, SqlValue>>& cells,
      int64_t now_ms, bool for_insert) {
    std::vector<std::pair<const Field*, SqlValue>> all = cells;
    // A cell given explicitly (a base import's stored times and people) is kept.
    auto given = [&](const Field& f) {
      return std::any_of(cells.begin(), cells.end(), [&](const auto& c) { return c.first == &f; });
    };
    for (const Field& f : table.fields) {
      if (f.type == FieldType::kCreatedBy && for_insert && !writer_.empty() && !given(f))
        all.emplace_back(&f, SqlValue{writer_});
      const bool by = f.type == FieldType::kLastModifiedBy;
      if (f.type != FieldType::kLastModifiedTime && !(by && !writer_.empty())) continue;
      if (given(f)) continue;
      bool touched = false;
      for (const auto& [cf, v] : cells) {
        bool referenced = f.referenced_field_ids.empty() ||
                          std::find(f.referenced_field_ids.begin(), f.referenced_field_ids.end(),
                                    cf->id) != f.referenced_field_ids.end();
        if (referenced && (!for_insert || !std::holds_alternative<std::monostate>(v)))
          touched = true;
      }
      if (touched) all.emplace_back(&f, by ? SqlValue{writer_} : SqlValue{now_ms});
    }
    return all;
  }

  std::optional<Lease> own_;     // a transaction of its own, or
  WriteGroup* group_ = nullptr;  // a turn in a group's
  WriteGroup::Turn turn_;
  Connection* db_;
  const Dialect* dialect_;
  std::string base_id_;
  std::string writer_;  // SetWriter
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<WriteTxn>> SqlRecordStore::BeginWrite(const std::string& base_id) {
  ASSIGN_OR_RETURN(WriteGroup::Turn turn, group_.Enter());
  return std::unique_ptr<WriteTxn>(
      std::make_unique<SqlWriteTxn>(&group_, std::move(turn), ctx_->dialect, base_id));
}

Result<std::unique_ptr<WriteTxn>> SqlRecordStore::BeginWriteThen(
    const std::string& base_id, const std::function<Status(Connection&)>& first) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  Connection& conn = *db;
  auto txn = std::make_unique<SqlWriteTxn>(std::move(db), ctx_->dialect, base_id);
  RETURN_IF_ERROR(txn->Begin());
  if (first) RETURN_IF_ERROR(first(conn));  // rolled back with `txn` on failure
  return std::unique_ptr<WriteTxn>(std::move(txn));
}

}  // namespace airbase::sql
