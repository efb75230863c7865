// Predicate → SQL (predicate_sql.h). Each node is spelled so that a blank (NULL) cell gives
// true or false as the node says, never NULL, so NOT and OR keep the evaluator's meaning; the
// plain `column op ?` term stays in every comparison so an index on the column serves it.
#include "storage/sql/predicate_sql.h"

#include "storage/sql/record_sql.h"

namespace airbase::sql {

namespace {

const char* OpText(Predicate::Op op) {
  switch (op) {
    case Predicate::Op::kEq:
      return " = ?";
    case Predicate::Op::kNe:
      return " != ?";
    case Predicate::Op::kLt:
      return " < ?";
    case Predicate::Op::kGt:
      return " > ?";
    case Predicate::Op::kLe:
      return " <= ?";
    case Predicate::Op::kGe:
      return " >= ?";
  }
  return " = ?";
}

void AppendJoined(const Dialect& d, const Predicate& p, const char* joiner, std::string* sql,
                  std::vector<SqlValue>* params) {
  for (size_t i = 0; i < p.terms.size(); ++i) {
    if (i) *sql += joiner;
    *sql += '(';
    AppendPredicate(d, p.terms[i], sql, params);
    *sql += ')';
  }
}

}  // namespace

void AppendPredicate(const Dialect& d, const Predicate& p, std::string* sql,
                     std::vector<SqlValue>* params) {
  using Kind = Predicate::Kind;
  const std::string col = p.field ? ValueExpr(d, *p.field) : "id";
  switch (p.kind) {
    case Kind::kConstant:
      *sql += p.truth ? "1 = 1" : "1 = 0";
      return;
    case Kind::kAnd:
      return AppendJoined(d, p, " AND ", sql, params);
    case Kind::kOr:
      return AppendJoined(d, p, " OR ", sql, params);
    case Kind::kNot:
      *sql += "NOT (";
      AppendPredicate(d, p.terms[0], sql, params);
      *sql += ')';
      return;
    case Kind::kCompare:
      *sql += '(' + col + (p.blank_matches ? " IS NULL OR " : " IS NOT NULL AND ") + col +
              OpText(p.op) + ')';
      break;
    case Kind::kSame:
    case Kind::kNotSame:
      if (p.field)  // a record id is never NULL: plain (in)equality
        *sql += d.SameAs(col, p.kind == Kind::kNotSame);
      else
        *sql += p.kind == Kind::kSame ? "id = ?" : "id != ?";
      break;
    case Kind::kBlank:
      *sql += col + " IS NULL";
      return;
    case Kind::kNotBlank:
      *sql += col + " IS NOT NULL";
      return;
    case Kind::kNonZero:
      *sql += "coalesce(" + col + ", 0) != 0";
      return;
    case Kind::kContains:
      *sql += "coalesce(" + d.Position(col) + ", 0) > 0";
      break;
  }
  params->push_back(p.value);
}

void IndexableFields(const Predicate& p, std::vector<const Field*>* out) {
  if ((p.kind == Predicate::Kind::kCompare || p.kind == Predicate::Kind::kSame) && p.field)
    out->push_back(p.field);
  for (const Predicate& t : p.terms) IndexableFields(t, out);
}

}  // namespace airbase::sql
