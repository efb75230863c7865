// The PostgreSQL adapter of the connection seam (storage/sql/connection.h): RAII wrappers over
// libpq. Together with postgres_store.cc, postgres_migrations.cc and postgres_dialect.cc this
// folder holds every line of airbase that knows libpq.
//
// The portable statements number their parameters the SQLite way (`?`, `?N`); Prepare rewrites
// them to `$N` once, when a statement is first prepared on a connection. Parameters go as text
// (blobs as binary) with their types inferred by the server from the statement; results come
// back as text and are converted by column type (integers, floating point, booleans as 0/1,
// bytea decoded). A statement's rows are fetched whole on the first Step.
//
// A write transaction takes one advisory lock for the whole database (BeginWrite), so writers
// are serialised across every server of a fleet as SQLite serialises them in one file: a
// transaction never fails half-way for another writer, and autoNumber, cursors and transaction
// numbers stay dense. No statement outlives its request: one running when the request's budget
// stops (deadline, client gone, shutdown) is cancelled (PQcancel) within 20 ms, and no further
// one runs; statement_timeout bounds any other statement by the request deadline. A unique
// violation is kAlreadyExists.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/budget.h"
#include "storage/sql/connection.h"

namespace airbase::postgres {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct CancelFreer {
  void operator()(PGcancel* c) const { PQfreeCancel(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

// `?` and `?N` placeholders as `$N` (SQLite's numbering: a bare `?` is one more than the largest
// number so far), leaving quoted literals and identifiers alone. *count is the largest number.
std::string NumberPlaceholders(std::string_view sql, int* count);

class Connection;

class Statement final : public sql::Statement {
 public:
  // `bytea_params[i]`: the server typed parameter i+1 as bytea (any value bound to it is sent
  // as its bytes, in binary format).
  Statement(Connection* db, std::string name, std::string text, std::vector<bool> bytea_params)
      : db_(db),
        name_(std::move(name)),
        text_(std::move(text)),
        bytea_(std::move(bytea_params)),
        values_(bytea_.size()),
        binary_(bytea_.size(), 0) {}
  void Reset() override;
  void BindText(int i, std::string_view v) override { Set(i, std::string(v), false); }
  void BindBlob(int i, std::string_view v) override { Set(i, std::string(v), true); }
  void BindInt(int i, int64_t v) override { Set(i, std::to_string(v), false); }
  void BindReal(int i, double v) override;
  void BindNull(int i) override { Set(i, std::nullopt, false); }
  Result<bool> Step() override;

  bool IsNull(int c) override { return PQgetisnull(result_.get(), row_, c) != 0; }
  int64_t Int(int c) override;
  double Real(int c) override;
  std::string Text(int c) override;
  std::string Blob(int c) override;
  SqlValue Value(int c) override;
  int ColumnCount() override { return result_ ? PQnfields(result_.get()) : 0; }
  std::string ColumnName(int c) override { return PQfname(result_.get(), c); }
  const std::string& name() const { return name_; }

 private:
  void Set(int i, std::optional<std::string> v, bool binary);
  const char* Cell(int c) const { return PQgetvalue(result_.get(), row_, c); }

  Connection* db_;
  std::string name_;
  std::string text_;  // as prepared: $N placeholders
  std::vector<bool> bytea_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> binary_;
  ResultPtr result_;
  int row_ = -1;
  int rows_ = 0;
};

class Connection final : public sql::Connection {
 public:
  // Connects to `url` (a libpq connection URI: postgres://user@host:port/db?options=...).
  static Result<std::unique_ptr<Connection>> Open(const std::string& url);

  Status Exec(std::string_view sql) override;
  Result<sql::StmtRef> Prepare(const std::string& sql) override;
  int64_t Changes() override { return changes_; }
  Status BeginWrite() override;
  Status Commit() override;
  Status Rollback() override;
  bool InTransaction() override { return PQtransactionStatus(conn_.get()) != PQTRANS_IDLE; }
  bool Broken() override;
  void SetSchemaEpoch(int64_t epoch) override;

  // Runs a prepared statement, unless the request's budget has stopped. Outside a transaction,
  // a statement whose cached plan a schema change invalidated is prepared again and retried.
  Result<ResultPtr> Execute(const std::string& name, const std::string& text,
                            const std::vector<std::optional<std::string>>& values,
                            const std::vector<int>& binary);
  // The status for a failed result (or a lost connection when `r` is null).
  Status ErrorStatus(const PGresult* r, std::string_view what);
  // Asks the server to cancel the statement running on this connection, if any. The one member
  // safe to call from another thread while the connection is in use.
  void Cancel();

 private:
  // Exec without the budget check (commit and rollback must run); answers the command tag.
  Result<std::string> ExecAlways(std::string_view sql);
  // Sends `sql` (one or more statements) and awaits it under `budget` (may be null).
  Result<std::string> Run(std::string_view sql, RequestBudget* budget);
  // The result of the statement just sent (the first error, else the last result; null when
  // the connection was lost). While it runs, the request's `budget` (if any) is checked every
  // 20 ms, and a stopped one (deadline, client gone, shutdown) cancels the statement.
  ResultPtr Await(RequestBudget* budget);

  std::unique_ptr<PGconn, ConnCloser> conn_;
  std::unique_ptr<PGcancel, CancelFreer> cancel_;  // made at connect, for Cancel()
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  int64_t changes_ = 0;
  // A statement was cancelled: a cancel that arrives late could stop the next one, so the pool
  // closes this connection rather than lend it again.
  bool cancelled_ = false;
  int64_t epoch_ = -1;  // the schema version the cached statements were prepared under
  int next_name_ = 0;
};

}  // namespace airbase::postgres
