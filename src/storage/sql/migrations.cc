// The migration runner (migrations.h).
#include "storage/sql/migrations.h"

namespace airbase::sql {

Status Migrate(ConnectionPool& pool, const std::vector<Migration>& migrations, const Clock* clock) {
  ASSIGN_OR_RETURN(Lease db, pool.Acquire());
  // Under the write lock, so that servers of a fleet starting together migrate one at a time.
  RETURN_IF_ERROR(db->BeginWrite());
  Status created = db->Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, "
      "applied_ms BIGINT NOT NULL)");
  if (!created.ok()) {
    (void)db->Rollback();
    return created;
  }
  RETURN_IF_ERROR(db->Commit());
  for (size_t i = 0; i < migrations.size(); ++i) {
    const int v = static_cast<int>(i) + 1;
    RETURN_IF_ERROR(db->BeginWrite());
    Status st = [&]() -> Status {
      ASSIGN_OR_RETURN(StmtRef q, db->Prepare("SELECT 1 FROM schema_migrations WHERE version=?"));
      q->Bind(1, v);
      ASSIGN_OR_RETURN(bool applied, q->Step());
      if (applied) return Status::Ok();
      const Migration& m = migrations[i];
      RETURN_IF_ERROR(m.run ? m.run(*db) : db->Exec(m.sql));
      ASSIGN_OR_RETURN(StmtRef ins, db->Prepare("INSERT INTO schema_migrations VALUES(?, ?)"));
      ins->Bind(1, v);
      ins->Bind(2, clock->NowMs());
      return ins->Run();
    }();
    if (!st.ok()) {
      (void)db->Rollback();
      return st;
    }
    RETURN_IF_ERROR(db->Commit());
  }
  return Status::Ok();
}

}  // namespace airbase::sql
