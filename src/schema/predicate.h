// A filter over a table's records in terms of its fields, never of SQL: what the formula layer
// pushes down (formula/pushdown.h) and the store renders for its engine (storage/sql/
// predicate_sql.h). Every predicate is two-valued: a blank cell either matches or does not, as
// each node says, so NOT never meets an unknown.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "schema/field_type.h"

namespace airbase {

struct Field;

struct Predicate {
  enum class Kind {
    kConstant,    // `truth` for every record
    kAnd,         // every term (`terms` is never empty)
    kOr,          // some term (`terms` is never empty)
    kNot,         // terms[0] does not hold
    kCompare,     // cell `op` value; a blank cell matches when `blank_matches`
    kSame,        // cell equals value, a blank cell equal only to a null value
    kNotSame,     // the negation of kSame
    kBlank,       // the cell is blank
    kNotBlank,    // the cell is not blank
    kNonZero,     // a number cell that is neither blank nor 0
    kContains,    // a text cell contains `value` (non-empty text)
    kArithmetic,  // `expr` `op` value (a number); never blank (NaN, e.g. Inf - Inf: unordered)
  };
  enum class Op { kEq, kNe, kLt, kGt, kLe, kGe };
  // What a text cell is tested through: itself, or the formula function of that name. Each
  // store computes exactly the evaluator's function (common/text.h), or is never given it
  // (RecordStore::CaseMappingInSql); a blank cell stays blank through every one.
  enum class Transform { kNone, kLower, kUpper, kTrim, kLength };

  // + - * / over number cells (a blank cell is 0) and numbers, in IEEE doubles as the evaluator
  // computes them; a divisor is always a non-zero number. Only for a store that computes them so
  // (RecordStore::ArithmeticInSql).
  struct Expr {
    enum class Kind { kCell, kNumber, kAdd, kSub, kMul, kDiv, kNeg };
    Kind kind = Kind::kNumber;
    const Field* field = nullptr;  // kCell
    double number = 0;             // kNumber
    std::vector<Expr> args;        // the operands
  };

  Kind kind = Kind::kConstant;
  bool truth = true;
  // The field whose stored cell is tested; nullptr means the record's id (kSame, kNotSame only).
  const Field* field = nullptr;
  Op op = Op::kEq;
  SqlValue value;  // in the field's stored form (a select's choice id, a date's milliseconds)
  bool blank_matches = false;
  Transform transform = Transform::kNone;  // kCompare, kSame, kNotSame, kContains
  std::vector<Predicate> terms;
  Expr expr;  // kArithmetic

  static Predicate Constant(bool truth) {
    Predicate p;
    p.truth = truth;
    return p;
  }
  static Predicate Cell(Kind kind, const Field* field, SqlValue value = {}) {
    Predicate p;
    p.kind = kind;
    p.field = field;
    p.value = std::move(value);
    return p;
  }
  static Predicate Compare(const Field* field, Op op, SqlValue value, bool blank_matches) {
    Predicate p = Cell(Kind::kCompare, field, std::move(value));
    p.op = op;
    p.blank_matches = blank_matches;
    return p;
  }
  static Predicate Join(Kind kind, std::vector<Predicate> terms) {
    Predicate p;
    p.kind = kind;
    p.terms = std::move(terms);
    return p;
  }
  static Predicate Not(Predicate term) {
    std::vector<Predicate> t;
    t.push_back(std::move(term));
    return Join(Kind::kNot, std::move(t));
  }
};

}  // namespace airbase
