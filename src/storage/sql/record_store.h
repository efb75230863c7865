// Records of user tables: lists, reads and the write transaction.
// One part of SqlStore (sql_store.h); its statements are portable SQL run through the
// connection seam (connection.h). Safe for concurrent use.
#pragma once

#include "storage/sql/record_sql.h"
#include "storage/sql/store_part.h"
#include "storage/sql/write_group.h"

namespace airbase::sql {

class SqlRecordStore : public virtual RecordStore, protected StorePart {
 public:
  explicit SqlRecordStore(StoreContext* ctx) : StorePart(ctx), group_(ctx->pool) {}

  Result<std::vector<StoredRecord>> List(const Table& table, const ListQuery& q) override;
  Status ListInto(const Table& table, const ListQuery& q, std::vector<StoredRecord>* rows) override;
  Result<int64_t> Count(const Table& table) override;
  Result<std::vector<StoredRecord>> Get(const Table& table, const std::vector<const Field*>& fields,
                                        const std::vector<std::string>& ids) override;
  Result<std::unique_ptr<WriteTxn>> BeginWrite(const std::string& base_id) override;
  bool TestsRowsInScan() const override { return !ctx_->dialect->RowTestFunction().empty(); }

  // Reads the rows of a statement selecting rowid, id, created_ms, modified_ms, cells...
  static Result<std::vector<StoredRecord>> ReadRecords(Statement* s, size_t nfields);
  // The same into `out`, reusing its rows' buffers (a scan reads batch after batch).
  static Status ReadRecordsInto(Statement* s, size_t nfields, std::vector<StoredRecord>* out);

 protected:
  // BeginWrite, with `first` run in the transaction before it is answered (BeginCreateBase).
  Result<std::unique_ptr<WriteTxn>> BeginWriteThen(const std::string& base_id,
                                                   const std::function<Status(Connection&)>& first);
  // Sorted and filtered lists use an index on their first sort key and on the columns a filter
  // compares, created the first time they are needed (indexing every field up front would tax
  // every write for queries nobody asks for): inline, or by the context's IndexBuilder.
  enum class IndexKind { kSortAsc, kSortDesc, kFilter };
  void EnsureIndex(const Table& table, const Field& field, IndexKind kind);
  // Builds the index `spec` describes once: `key` names it in the context's set of indexes made
  // or queued, and `spec` is called only the first time.
  void EnsureIndex(const std::string& table_id, std::string key,
                   const std::function<IndexSpec()>& spec);

 private:
  WriteGroup group_;  // BeginWrite's transactions share commits
};

}  // namespace airbase::sql
