// Predicate → SQL (predicate_sql.h). Under a NOT each node is spelled so that a blank (NULL)
// cell gives true or false as the node says, so NOT keeps the evaluator's meaning; elsewhere a
// comparison keeps the plain `column op ?` form (NULL drops the row like false) that an index
// serves best.
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

void Append(const Dialect& d, const Predicate& p, bool negated, std::string* sql,
            std::vector<SqlValue>* params);

// An arithmetic expression in doubles: a cell as its number (a blank cell 0), a number bound.
void AppendExpr(const Dialect& d, const Predicate::Expr& e, std::string* sql,
                std::vector<SqlValue>* params) {
  using K = Predicate::Expr::Kind;
  switch (e.kind) {
    case K::kCell:
      *sql += "coalesce(CAST(" + ValueExpr(d, *e.field) + " AS " +
              std::string(d.ColumnType(SqlType::kReal)) + "), 0.0)";
      return;
    case K::kNumber:
      *sql += '?';
      params->emplace_back(std::in_place_type<double>, e.number);
      return;
    case K::kNeg:
      *sql += "(-";
      AppendExpr(d, e.args[0], sql, params);
      *sql += ')';
      return;
    default:
      break;
  }
  const char* op = e.kind == K::kAdd   ? " + "
                   : e.kind == K::kSub ? " - "
                   : e.kind == K::kMul ? " * "
                                       : " / ";
  *sql += '(';
  AppendExpr(d, e.args[0], sql, params);
  *sql += op;
  AppendExpr(d, e.args[1], sql, params);
  *sql += ')';
}

void AppendJoined(const Dialect& d, const Predicate& p, const char* joiner, bool negated,
                  std::string* sql, std::vector<SqlValue>* params) {
  for (size_t i = 0; i < p.terms.size(); ++i) {
    if (i) *sql += joiner;
    *sql += '(';
    Append(d, p.terms[i], negated, sql, params);
    *sql += ')';
  }
}

// `negated`: under an odd number of NOTs, where a NULL would turn into a match; elsewhere NULL
// and false both drop the row, so a comparison keeps the plain form an index serves best.
void Append(const Dialect& d, const Predicate& p, bool negated, std::string* sql,
            std::vector<SqlValue>* params) {
  using Kind = Predicate::Kind;
  const bool joins = p.kind == Kind::kConstant || p.kind == Kind::kAnd || p.kind == Kind::kOr ||
                     p.kind == Kind::kNot || p.kind == Kind::kArithmetic;
  const std::string col = joins      ? std::string()
                          : !p.field ? "id"
                          : p.transform == Predicate::Transform::kNone
                              ? ValueExpr(d, *p.field)
                              : d.TextFunction(p.transform, ValueExpr(d, *p.field));
  switch (p.kind) {
    case Kind::kConstant:
      *sql += p.truth ? "1 = 1" : "1 = 0";
      return;
    case Kind::kAnd:
      return AppendJoined(d, p, " AND ", negated, sql, params);
    case Kind::kOr:
      return AppendJoined(d, p, " OR ", negated, sql, params);
    case Kind::kNot:
      *sql += "NOT (";
      Append(d, p.terms[0], !negated, sql, params);
      *sql += ')';
      return;
    case Kind::kCompare:
      if (p.blank_matches)
        *sql += '(' + col + " IS NULL OR " + col + OpText(p.op) + ')';
      else if (negated)
        *sql += '(' + col + " IS NOT NULL AND " + col + OpText(p.op) + ')';
      else
        *sql += col + OpText(p.op);
      break;
    case Kind::kSame:
    case Kind::kNotSame:
      if (!p.field)  // a record id is never NULL: plain (in)equality
        *sql += p.kind == Kind::kSame ? "id = ?" : "id != ?";
      else if (p.kind == Kind::kSame && !std::holds_alternative<std::monostate>(p.value))
        // Equal to a value, never NULL: plain `=`, which every engine's index serves (PostgreSQL's
        // IS NOT DISTINCT FROM is not indexable); two-valued under NOT.
        *sql += negated ? '(' + col + " IS NOT NULL AND " + col + " = ?)" : col + " = ?";
      else
        *sql += d.SameAs(col, p.kind == Kind::kNotSame);
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
    case Kind::kArithmetic: {
      // NULL stands for the evaluator's NaN: unordered, unequal, so only != holds for it.
      std::string e;
      AppendExpr(d, p.expr, &e, params);
      if (p.op == Predicate::Op::kNe)
        *sql += "coalesce(" + e + " != ?, 1) = 1";
      else if (negated)
        *sql += "coalesce(" + e + OpText(p.op) + ", 0) = 1";
      else
        *sql += e + OpText(p.op);
      break;
    }
  }
  params->push_back(p.value);
}

}  // namespace

void AppendPredicate(const Dialect& d, const Predicate& p, std::string* sql,
                     std::vector<SqlValue>* params) {
  Append(d, p, /*negated=*/false, sql, params);
}

void IndexableFields(const Predicate& p, std::vector<const Field*>* out) {
  // A function of a cell is not served by the cell's index.
  if ((p.kind == Predicate::Kind::kCompare || p.kind == Predicate::Kind::kSame) && p.field &&
      p.transform == Predicate::Transform::kNone)
    out->push_back(p.field);
  for (const Predicate& t : p.terms) IndexableFields(t, out);
}

void TransformedFields(const Predicate& p,
                       std::vector<std::pair<const Field*, Predicate::Transform>>* out) {
  if ((p.kind == Predicate::Kind::kCompare || p.kind == Predicate::Kind::kSame) && p.field &&
      p.transform != Predicate::Transform::kNone)
    out->emplace_back(p.field, p.transform);
  for (const Predicate& t : p.terms) TransformedFields(t, out);
}

}  // namespace airbase::sql
