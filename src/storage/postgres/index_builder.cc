// The background builder of a PostgreSQL store's lazy indexes (index_builder.h).
#include "storage/postgres/index_builder.h"

#include <cstdio>
#include <utility>

namespace airbase::postgres {

IndexBuilder::IndexBuilder(std::string url) : url_(std::move(url)) {}

IndexBuilder::~IndexBuilder() {
  std::shared_ptr<Connection> building;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();
    building = building_;
  }
  if (building) building->Cancel();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IndexBuilder::Build(std::string table_id, std::string name, std::string on,
                         std::function<void(bool ok)> done) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  queue_.push_back({std::move(table_id), std::move(name), std::move(on), std::move(done)});
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  wake_.notify_one();
}

void IndexBuilder::Run() {
  std::shared_ptr<Connection> db;
  while (true) {
    Job job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    if (!db || db->Broken()) {
      db.reset();
      auto opened = Connection::Open(url_);
      if (opened.ok() &&
          (*opened)->Exec("SET statement_timeout = 0").ok())  // builds outlast requests
        db = std::move(*opened);
    }
    Status st = db ? Status() : Error(ErrorCode::kInternal, "cannot connect to PostgreSQL");
    if (db) {
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        building_ = db;
      }
      st = BuildOne(*db, job);
      std::lock_guard lock(mu_);
      building_.reset();
      if (stopping_) return;
    }
    if (!st.ok())
      std::fprintf(stderr, "airbase: building index %s failed (a later list retries): %s\n",
                   job.name.c_str(),
                   st.message().empty() ? st.client_message().c_str() : st.message().c_str());
    job.done(st.ok());
  }
}

Status IndexBuilder::BuildOne(Connection& db, const Job& job) {
  // The lock is named within this store's schema (the tests run several stores in one database).
  const std::string lock_key = "hashtext(current_schema() || '.t_' || ?1)";
  {
    ASSIGN_OR_RETURN(sql::StmtRef s, db.Prepare("SELECT pg_advisory_lock(" + lock_key + ")"));
    s->Bind(1, job.table_id);
    RETURN_IF_ERROR(s->Run());
  }
  const std::string quoted = sql::Quote(job.name);
  auto build = [&]() -> Status {
    ASSIGN_OR_RETURN(sql::StmtRef s, db.Prepare("SELECT indisvalid FROM pg_index WHERE indexrelid "
                                                "= to_regclass(?1)"));
    s->Bind(1, quoted);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (row && s->Int(0) != 0) return Status();  // built already (by another server, say)
    bool invalid = row;
    s->Reset();
    if (invalid) RETURN_IF_ERROR(db.Exec("DROP INDEX CONCURRENTLY IF EXISTS " + quoted));
    return db.Exec("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + quoted + " " + job.on);
  };
  Status st = build();
  {
    ASSIGN_OR_RETURN(sql::StmtRef s, db.Prepare("SELECT pg_advisory_unlock(" + lock_key + ")"));
    s->Bind(1, job.table_id);
    (void)s->Step();
  }
  return st;
}

}  // namespace airbase::postgres
