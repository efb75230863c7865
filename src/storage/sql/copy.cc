// Copying a database between engines (copy.h).
#include "storage/sql/copy.h"

#include <set>

#include "storage/sql/link_sql.h"
#include "storage/sql/record_sql.h"
#include "storage/sql/sql_store.h"

namespace airbase::sql {

namespace {

// airbase's own tables, parents before children. meta_version and schema_migrations are the
// destination's own (its migrations made them; its triggers keep the version).
constexpr const char* kOwnTables[] = {
    "settings",         "users",         "workspaces",  "workspace_members", "bases",
    "base_members",     "tables_meta",   "fields_meta", "views_meta",        "tokens",
    "token_resources",  "audit_log",     "sessions",    "comments",          "webhooks",
    "webhook_payloads", "webhook_pings", "base_txn",    "attachment_fetches"};

// Identity columns whose counters must pass the copied values (engines without such counters
// answer "" for them).
constexpr std::pair<const char*, const char*> kIdentities[] = {
    {"audit_log", "seq"}, {"comments", "seq"}, {"users", "rowid"},          {"workspaces", "rowid"},
    {"bases", "rowid"},   {"tokens", "rowid"}, {"token_resources", "rowid"}};

Result<int64_t> Count(Connection& db, const std::string& table) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("SELECT count(*) FROM " + Quote(table)));
  ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Int(0) : int64_t{0};
}

// Copies every row of `table`; `keep_identity` lets the INSERT give the identity column its value.
Result<int64_t> CopyRows(Connection& from, const Dialect& from_dialect, Connection& to,
                         const std::string& table, std::string_view keep_identity,
                         const CopyProgress& progress) {
  ASSIGN_OR_RETURN(int64_t total, Count(from, table));
  ASSIGN_OR_RETURN(StmtRef rows, from.Prepare("SELECT * FROM " + Quote(table) +
                                              std::string(from_dialect.ScanOrder())));
  int64_t done = 0;
  StmtRef put(nullptr);
  int columns = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, rows->Step());
    if (!row) break;
    if (!put.get()) {  // the statement, from the first row's columns
      columns = rows->ColumnCount();
      std::string names, marks;
      for (int c = 0; c < columns; ++c) {
        names += (c ? ", " : "") + Quote(rows->ColumnName(c));
        marks += c ? ", ?" : "?";
      }
      ASSIGN_OR_RETURN(put, to.Prepare("INSERT INTO " + Quote(table) + "(" + names + ")" +
                                       std::string(keep_identity) + " VALUES(" + marks + ")"));
    }
    for (int c = 0; c < columns; ++c) put->Bind(c + 1, rows->Value(c));
    RETURN_IF_ERROR(put->Run());
    put->Reset();
    if (++done % 1000 == 0 && progress) progress(table, done, total);
  }
  if (progress) progress(table, done, total);
  return done;
}

}  // namespace

Result<std::vector<CopiedTable>> CopyDatabase(Connection& from, const Dialect& from_dialect,
                                              Connection& to, const Dialect& to_dialect,
                                              const std::vector<RecordTableCopy>& record_tables,
                                              const CopyProgress& progress) {
  for (const char* t : {"users", "bases", "settings"}) {
    ASSIGN_OR_RETURN(int64_t n, Count(to, t));
    if (n > 0)
      return Error(ErrorCode::kInvalidArgument, "the destination already holds data (" +
                                                    std::string(t) +
                                                    "): migrate into an empty database");
  }
  std::vector<CopiedTable> out;
  RETURN_IF_ERROR(to.BeginWrite());
  Status st = [&]() -> Status {
    for (const char* t : kOwnTables) {
      ASSIGN_OR_RETURN(int64_t n, CopyRows(from, from_dialect, to, t, "", progress));
      out.push_back({t, n});
    }
    for (const RecordTableCopy& r : record_tables) {
      for (const std::string& stmt : r.create) RETURN_IF_ERROR(to.Exec(stmt));
      ASSIGN_OR_RETURN(int64_t n, CopyRows(from, from_dialect, to, r.name,
                                           r.identity ? to_dialect.KeepIdentity() : "", progress));
      out.push_back({r.name, n});
      if (r.identity) {
        std::string reset = to_dialect.ResetIdentity(Quote(r.name), "rowid");
        if (!reset.empty()) RETURN_IF_ERROR(to.Exec(reset));
      }
    }
    for (const auto& [table, column] : kIdentities) {
      std::string reset = to_dialect.ResetIdentity(table, column);
      if (!reset.empty()) RETURN_IF_ERROR(to.Exec(reset));
    }
    for (const CopiedTable& c : out) {  // every row arrived
      ASSIGN_OR_RETURN(int64_t n, Count(to, c.table));
      if (n != c.rows)
        return Error(ErrorCode::kInternal, c.table + ": " + std::to_string(c.rows) +
                                               " rows in the source, " + std::to_string(n) +
                                               " in the destination");
    }
    return Status::Ok();
  }();
  if (!st.ok()) {
    (void)to.Rollback();
    return st;
  }
  RETURN_IF_ERROR(to.Commit());
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> SqlStore::CopyInto(
    Store& to_store, const CopyProgress& progress) {
  auto* to = dynamic_cast<SqlStore*>(&to_store);
  if (!to) return Error(ErrorCode::kInvalidArgument, "the destination is not a SQL store");
  // The record and junction tables, from every base's schema, in the destination's dialect.
  std::vector<RecordTableCopy> record_tables;
  std::set<std::string> junctions;
  {
    ASSIGN_OR_RETURN(Lease db, pool.Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT id FROM bases ORDER BY id"));
    std::vector<std::string> bases;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      bases.push_back(s->Text(0));
    }
    s = StmtRef(nullptr);
    for (const std::string& base : bases) {
      ASSIGN_OR_RETURN(auto schema, LoadSchema(base, -1));
      for (const Table& t : schema->tables) {
        record_tables.push_back(
            {"t_" + t.id, {CreateRecordTable(*to->ctx.dialect, t)}, /*identity=*/true});
        for (const Field& f : t.fields) {
          if (f.type != FieldType::kMultipleRecordLinks) continue;
          std::string quoted = SideOf(f).table;
          std::string name = quoted.substr(1, quoted.size() - 2);
          if (junctions.insert(name).second)
            record_tables.push_back({name, {CreateJunctionSql(f)}, /*identity=*/false});
        }
      }
    }
  }
  // The attachment files first: a copy cut short then leaves files no row names (harmless, and
  // kept by an idempotent Put on the next try), never a row naming a missing file.
  ASSIGN_OR_RETURN(std::vector<std::string> blob_keys, Blobs().Keys());
  int64_t blobs_done = 0;
  for (const std::string& key : blob_keys) {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, Blobs().Get(key));
    if (bytes) RETURN_IF_ERROR(to->Blobs().Put(key, *bytes));
    if (progress) progress("files", ++blobs_done, static_cast<int64_t>(blob_keys.size()));
  }
  ASSIGN_OR_RETURN(Lease from, pool.Acquire());
  ASSIGN_OR_RETURN(Lease dest, to->pool.Acquire());
  ASSIGN_OR_RETURN(
      std::vector<CopiedTable> copied,
      CopyDatabase(*from, *ctx.dialect, *dest, *to->ctx.dialect, record_tables, progress));
  std::vector<std::pair<std::string, int64_t>> out;
  out.emplace_back("files", blobs_done);
  for (CopiedTable& c : copied) out.emplace_back(std::move(c.table), c.rows);
  return out;
}

}  // namespace airbase::sql
