// The PostgreSQL connection adapter (pg_connection.h).
#include "storage/postgres/pg_connection.h"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/budget.h"
#include "common/limits.h"

namespace airbase::postgres {

namespace {

// Type OIDs of pg_type (stable across versions: src/include/catalog/pg_type.dat).
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
              kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

// The key of the advisory lock every write transaction holds ("airbase" in ASCII, truncated).
constexpr int64_t kWriteLockKey = 0x61697262617365;

void IgnoreNotice(void*, const char*) {}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// bytea's text output (hex format: \x0a1b...) as its bytes.
std::string DecodeBytea(const char* text, size_t len) {
  if (len < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text, len);
  std::string out;
  out.reserve((len - 2) / 2);
  for (size_t i = 2; i + 1 < len; i += 2)
    out.push_back(static_cast<char>(HexDigit(text[i]) * 16 + HexDigit(text[i + 1])));
  return out;
}

}  // namespace

std::string NumberPlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int max = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // a literal or quoted identifier: copied as is ('' and "" too)
      size_t end = sql.find(c, i + 1);
      if (end == std::string_view::npos) end = sql.size() - 1;
      out.append(sql.substr(i, end - i + 1));
      i = end;
      continue;
    }
    if (c != '?') {
      out.push_back(c);
      continue;
    }
    size_t j = i + 1;
    int n = 0;
    while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])))
      n = n * 10 + (sql[j++] - '0');
    if (j == i + 1) n = max + 1;
    if (n > max) max = n;
    out += "$" + std::to_string(n);
    i = j - 1;
  }
  *count = max;
  return out;
}

// ---- Statement ----------------------------------------------------------------------------------

void Statement::Set(int i, std::optional<std::string> v, bool binary) {
  if (i < 1 || static_cast<size_t>(i) > values_.size()) return;  // as SQLite: out of range ignored
  const size_t k = static_cast<size_t>(i) - 1;
  binary_[k] = v && (binary || bytea_[k]) ? 1 : 0;
  values_[k] = std::move(v);
}

void Statement::BindReal(int i, double v) {
  if (std::isnan(v)) return Set(i, "NaN", false);
  if (std::isinf(v)) return Set(i, v > 0 ? "Infinity" : "-Infinity", false);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  Set(i, buf, false);
}

void Statement::Reset() {
  result_.reset();
  row_ = -1;
  rows_ = 0;
  for (auto& v : values_) v.reset();
  std::fill(binary_.begin(), binary_.end(), 0);
}

Result<bool> Statement::Step() {
  if (!result_) {
    ASSIGN_OR_RETURN(result_, db_->Execute(name_, text_, values_, binary_));
    rows_ = PQntuples(result_.get());
    row_ = -1;
  }
  if (row_ + 1 >= rows_) {
    row_ = rows_;
    return false;
  }
  ++row_;
  return true;
}

int64_t Statement::Int(int c) {
  const char* v = Cell(c);
  Oid t = PQftype(result_.get(), c);
  if (t == kBoolOid) return v[0] == 't' ? 1 : 0;
  if (t == kFloat8Oid || t == kFloat4Oid || t == kNumericOid)
    return static_cast<int64_t>(std::strtod(v, nullptr));
  return std::strtoll(v, nullptr, 10);
}

double Statement::Real(int c) {
  const char* v = Cell(c);
  if (PQftype(result_.get(), c) == kBoolOid) return v[0] == 't' ? 1 : 0;
  return std::strtod(v, nullptr);
}

std::string Statement::Text(int c) {
  if (IsNull(c)) return std::string();
  size_t len = static_cast<size_t>(PQgetlength(result_.get(), row_, c));
  if (PQftype(result_.get(), c) == kByteaOid) return DecodeBytea(Cell(c), len);
  return std::string(Cell(c), len);
}

std::string Statement::Blob(int c) { return Text(c); }

SqlValue Statement::Value(int c) {
  if (IsNull(c)) return SqlValue{};
  switch (PQftype(result_.get(), c)) {
    case kBoolOid:
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
      return SqlValue{Int(c)};
    case kFloat4Oid:
    case kFloat8Oid:
      return SqlValue{Real(c)};
    case kNumericOid: {  // sums and the like: an integer when it has no fraction
      const char* v = Cell(c);
      if (std::strpbrk(v, ".eEN") == nullptr) return SqlValue{Int(c)};
      return SqlValue{Real(c)};
    }
    case kByteaOid:
      return SqlValue{Blob(c)};
    default:
      return SqlValue{Text(c)};
  }
}

// ---- Connection ---------------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  auto db = std::make_unique<Connection>();
  db->conn_.reset(PQconnectdb(url.c_str()));
  if (!db->conn_ || PQstatus(db->conn_.get()) != CONNECTION_OK) {
    std::string why = db->conn_ ? PQerrorMessage(db->conn_.get()) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Error(ErrorCode::kInternal, "cannot connect to PostgreSQL: " + why);
  }
  PQsetNoticeProcessor(db->conn_.get(), IgnoreNotice, nullptr);
  db->cancel_.reset(PQgetCancel(db->conn_.get()));
  // UTC and ISO output whatever the server's defaults; no statement outlives a request. Plans
  // are made for each execution's values: a generic plan cached while a table was small (a
  // sequential scan of a junction table, say) would otherwise stay as it grows, and a write's
  // cost would grow with the table.
  RETURN_IF_ERROR(db->Exec(
      "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'; SET plan_cache_mode = force_custom_plan; "
      "SET statement_timeout = " +
      std::to_string(kRequestDeadlineSeconds * 1000)));
  return db;
}

Status Connection::ErrorStatus(const PGresult* r, std::string_view what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg =
      std::string(what) + ": " + (r ? PQresultErrorMessage(r) : PQerrorMessage(conn_.get()));
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  std::string_view code = state ? state : "";
  if (code == "57014") {  // query_canceled: statement_timeout
    if (RequestBudget* b = CurrentBudget(); b != nullptr) {
      (void)b->StopNow();
      if (b->reason() != RequestBudget::Reason::kNone) return b->StopStatus();
    }
    return Error(ErrorCode::kRetriable, {});
  }
  if (code == "40001" || code == "40P01" || code == "55P03") {  // serialization, deadlock, lock
    conflicted_ = code != "55P03";
    return Error(ErrorCode::kRetriable, {});
  }
  if (code == "53100") {  // disk_full
    std::fprintf(stderr, "airbase: PostgreSQL's disk is full (%s)\n", msg.c_str());
    return Error(ErrorCode::kStorageFull, {});
  }
  if (code.substr(0, 2) == "23") return Error(ErrorCode::kAlreadyExists, msg);
  return Error(ErrorCode::kInternal, msg);
}

void Connection::Cancel() {
  char why[256];
  if (cancel_) (void)PQcancel(cancel_.get(), why, sizeof why);
}

ResultPtr Connection::Await(RequestBudget* budget) {
  PGconn* c = conn_.get();
  ResultPtr kept;  // the last result, or the first error (as PQexec answers)
  bool cancelled = false;
  while (true) {
    while (PQisBusy(c)) {
      pollfd fd{PQsocket(c), POLLIN, 0};
      int n = ::poll(&fd, 1, budget != nullptr && !cancelled ? 20 : -1);
      if (n < 0 && errno != EINTR) return ResultPtr();
      if (n > 0 && PQconsumeInput(c) == 0) return ResultPtr();  // the connection is lost
      if (n == 0 && budget->StopNow()) {
        Cancel();  // the statement ends with query_canceled, mapped to the budget's status
        cancelled = true;
        cancelled_ = true;
      }
    }
    PGresult* r = PQgetResult(c);
    if (r == nullptr) return kept;
    ExecStatusType st = PQresultStatus(r);
    bool failed = st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK;
    bool kept_failed = kept && PQresultStatus(kept.get()) != PGRES_COMMAND_OK &&
                       PQresultStatus(kept.get()) != PGRES_TUPLES_OK;
    if (kept_failed && !failed)
      PQclear(r);
    else
      kept.reset(r);
  }
}

Status Connection::Exec(std::string_view sql) {
  RequestBudget* b = CurrentBudget();
  if (b != nullptr && b->StopNow()) return b->StopStatus();
  return Run(sql, b).status();
}

Result<std::string> Connection::ExecAlways(std::string_view sql) { return Run(sql, nullptr); }

Result<std::string> Connection::Run(std::string_view sql, RequestBudget* budget) {
  if (PQsendQuery(conn_.get(), std::string(sql).c_str()) == 0) return ErrorStatus(nullptr, "exec");
  ResultPtr r = Await(budget);
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return ErrorStatus(r.get(), "exec");
  changes_ = std::atoll(PQcmdTuples(r.get()));
  return std::string(PQcmdStatus(r.get()));
}

Result<sql::StmtRef> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return sql::StmtRef(it->second.get());
  }
  // Statements over user tables are keyed by their text; bound the cache so a long-running
  // server with many tables does not grow without limit.
  // (keeping those borrowed now).
  if (cache_.size() > 2000) {
    for (auto it = cache_.begin(); it != cache_.end();) {
      if (it->second->borrows > 0) {
        ++it;
        continue;
      }
      RETURN_IF_ERROR(Exec("DEALLOCATE " + it->second->name()));
      it = cache_.erase(it);
    }
  }
  int params = 0;
  std::string text = NumberPlaceholders(sql, &params);
  std::string name = "s" + std::to_string(next_name_++);
  ResultPtr r(PQprepare(conn_.get(), name.c_str(), text.c_str(), 0, nullptr));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return ErrorStatus(r.get(), "prepare");
  ResultPtr d(PQdescribePrepared(conn_.get(), name.c_str()));
  if (!d || PQresultStatus(d.get()) != PGRES_COMMAND_OK) return ErrorStatus(d.get(), "describe");
  std::vector<bool> bytea(static_cast<size_t>(params));
  for (int i = 0; i < params && i < PQnparams(d.get()); ++i)
    bytea[static_cast<size_t>(i)] = PQparamtype(d.get(), i) == kByteaOid;
  auto stmt = std::make_unique<Statement>(this, std::move(name), std::move(text), std::move(bytea));
  Statement* out = stmt.get();
  cache_.emplace(sql, std::move(stmt));
  return sql::StmtRef(out);
}

Result<ResultPtr> Connection::Execute(const std::string& name, const std::string& text,
                                      const std::vector<std::optional<std::string>>& values,
                                      const std::vector<int>& binary) {
  RequestBudget* budget = CurrentBudget();
  if (budget != nullptr && budget->StopNow()) return budget->StopStatus();
  std::vector<const char*> ptrs(values.size());
  std::vector<int> lengths(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ptrs[i] = values[i] ? values[i]->data() : nullptr;
    lengths[i] = values[i] ? static_cast<int>(values[i]->size()) : 0;
  }
  auto run = [&] {
    if (PQsendQueryPrepared(conn_.get(), name.c_str(), static_cast<int>(values.size()), ptrs.data(),
                            lengths.data(), binary.data(), 0) == 0)
      return ResultPtr();
    return Await(budget);
  };
  ResultPtr r = run();
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_FATAL_ERROR && r && !InTransaction()) {
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    if (state && std::string_view(state) == "0A000") {  // "cached plan must not change result type"
      (void)ExecAlways("DEALLOCATE " + name);
      ResultPtr p(PQprepare(conn_.get(), name.c_str(), text.c_str(), 0, nullptr));
      if (!p || PQresultStatus(p.get()) != PGRES_COMMAND_OK) return ErrorStatus(p.get(), "prepare");
      r = run();
      st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    }
  }
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return ErrorStatus(r.get(), "step");
  changes_ = std::atoll(PQcmdTuples(r.get()));
  return r;
}

Status Connection::BeginWrite() {
  RETURN_IF_ERROR(Exec("BEGIN"));
  Status st = Exec("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLockKey) + ")");
  if (!st.ok()) (void)ExecAlways("ROLLBACK");
  return st;
}

Status Connection::Commit() {
  // COMMIT of a transaction a failed statement aborted answers ROLLBACK, not an error.
  auto tag = ExecAlways("COMMIT");
  if (!tag.ok()) {
    if (InTransaction()) (void)ExecAlways("ROLLBACK");
    return tag.status();
  }
  if (*tag != "COMMIT") return Error(ErrorCode::kInternal, "the transaction was rolled back");
  return Status::Ok();
}

Status Connection::Rollback() { return ExecAlways("ROLLBACK").status(); }

void Connection::SetSchemaEpoch(int64_t epoch) {
  if (epoch == epoch_) return;
  if (epoch_ >= 0 && !cache_.empty() && !InTransaction()) {
    cache_.clear();
    (void)ExecAlways("DEALLOCATE ALL");
  }
  epoch_ = epoch;
}

bool Connection::Broken() { return cancelled_ || PQstatus(conn_.get()) != CONNECTION_OK; }

}  // namespace airbase::postgres
