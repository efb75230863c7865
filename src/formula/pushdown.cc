// Formula → Predicate: the step of a list request that decides what the database may filter.
// A node is pushed down only where the predicate means exactly what the evaluator would compute
// for every stored cell (blank numbers read as 0, blank text as "", a deleted select choice as
// blank, ...); anything else is refused and left to the evaluator.
#include "formula/pushdown.h"

#include <cmath>
#include <optional>
#include <tuple>

#include "common/text.h"
#include "formula/dates.h"
#include "formula/functions.h"

namespace airbase::formula {

namespace {

using Kind = Predicate::Kind;
using Op = Predicate::Op;

// What can be pushed down follows the field's kind of value and storage: stored text, numbers
// and instants (a count is a number computed per read: evaluator only).
bool IsTextLike(FieldType t) { return KindOf(t) == CellKind::kText; }
bool IsNumeric(FieldType t) { return KindOf(t) == CellKind::kNumber && !IsComputedAtRead(t); }
bool IsInstant(FieldType t) {
  // lastModifiedTime is not pushed down yet (no golden case covers it): the evaluator decides.
  return KindOf(t) == CellKind::kInstant && t != FieldType::kLastModifiedTime;
}

// True when `n` reads nothing from the record, so its value is the same for every row.
bool IsConstant(const Node& n) {
  if (n.kind == Node::Kind::kField) return false;
  if (n.kind == Node::Kind::kCall &&
      (n.text == "RECORD_ID" || n.text == "CREATED_TIME" || n.text == "LAST_MODIFIED_TIME"))
    return false;
  for (const auto& a : n.args)
    if (!IsConstant(*a)) return false;
  return true;
}

std::optional<Op> OpOf(const std::string& s) {
  if (s == "=") return Op::kEq;
  if (s == "!=") return Op::kNe;
  if (s == "<") return Op::kLt;
  if (s == ">") return Op::kGt;
  if (s == "<=") return Op::kLe;
  if (s == ">=") return Op::kGe;
  return std::nullopt;
}

// `a op b` as `b Flip(op) a`.
Op Flip(Op op) {
  switch (op) {
    case Op::kLt:
      return Op::kGt;
    case Op::kGt:
      return Op::kLt;
    case Op::kLe:
      return Op::kGe;
    case Op::kGe:
      return Op::kLe;
    default:
      return op;
  }
}

bool Holds(double a, Op op, double b) {
  switch (op) {
    case Op::kEq:
      return a == b;
    case Op::kNe:
      return a != b;
    case Op::kLt:
      return a < b;
    case Op::kGt:
      return a > b;
    case Op::kLe:
      return a <= b;
    case Op::kGe:
      return a >= b;
  }
  return false;
}

// A literal operand: number, string, TRUE()/FALSE()/BLANK(), a negated number, or any
// subexpression that reads no record, evaluated once.
struct Literal {
  enum class Kind { kNumber, kText, kBlank, kDate } kind = Kind::kBlank;
  double number = 0;
  std::string text;
  int64_t ms = 0;
};

std::optional<Literal> ConstantValue(const Node& n, int64_t now_ms) {
  EvalContext ctx;
  ctx.now_ms = now_ms;
  ctx.field = [](int) { return Value::Blank(); };
  Value v = Evaluate(n, ctx);
  switch (v.kind) {
    case Value::Kind::kNumber:
    case Value::Kind::kBool:
      if (std::isnan(v.number)) return std::nullopt;
      return Literal{Literal::Kind::kNumber, v.number, {}, 0};
    case Value::Kind::kText:
      return Literal{Literal::Kind::kText, 0, v.text, 0};
    case Value::Kind::kBlank:
      return Literal{};
    case Value::Kind::kDate:
      return Literal{Literal::Kind::kDate, 0, {}, v.ms};
    default:
      return std::nullopt;
  }
}

std::optional<Literal> AsLiteral(const Node& n, int64_t now_ms) {
  switch (n.kind) {
    case Node::Kind::kNumber:
    case Node::Kind::kBool:
      return Literal{Literal::Kind::kNumber, n.number, {}, 0};
    case Node::Kind::kString:
      return Literal{Literal::Kind::kText, 0, n.text, 0};
    case Node::Kind::kUnary:
      if (n.args[0]->kind == Node::Kind::kNumber)
        return Literal{Literal::Kind::kNumber, -n.args[0]->number, {}, 0};
      return std::nullopt;
    case Node::Kind::kCall:
      if (n.text == "TRUE" || n.text == "FALSE")
        return Literal{Literal::Kind::kNumber, n.text == "TRUE" ? 1.0 : 0.0, {}, 0};
      if (n.text == "BLANK") return Literal{};
      if (IsConstant(n)) return ConstantValue(n, now_ms);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

using Transform = Predicate::Transform;

class Pusher {
 public:
  Pusher(const std::vector<const Field*>& fields, int64_t now_ms, bool case_mapping,
         bool arithmetic)
      : fields_(fields), now_ms_(now_ms), case_mapping_(case_mapping), arithmetic_(arithmetic) {}

  // A predicate equal to IsTruthy(n) for every row, or nullopt when there is none.
  std::optional<Predicate> Push(const Node& n) const {
    switch (n.kind) {
      case Node::Kind::kCall:
        return Call(n);
      case Node::Kind::kField:
        return Truthy(FieldOf(n));
      case Node::Kind::kNumber:
        return Predicate::Constant(n.number != 0);
      case Node::Kind::kBinary:
        if (IsFindGreaterThanZero(n)) return Push(*n.args[0]);
        if (auto op = OpOf(n.text)) return Comparison(n, *op);
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

 private:
  const Field& FieldOf(const Node& n) const { return *fields_[static_cast<size_t>(n.field_index)]; }

  // FIND(...) > 0 is the common spelling of FIND(...) as a condition (and SEARCH's alike).
  static bool IsFindGreaterThanZero(const Node& n) {
    return n.text == ">" && n.args[0]->kind == Node::Kind::kCall &&
           (n.args[0]->text == "FIND" || n.args[0]->text == "SEARCH") &&
           n.args[0]->args.size() == 2 && n.args[1]->kind == Node::Kind::kNumber &&
           n.args[1]->number == 0;
  }

  // A text field seen through LOWER, UPPER, TRIM or LEN: the field and the function, or nullopt.
  // Only stored text qualifies (a select holds a choice id, a number is formatted first).
  std::optional<std::pair<const Field*, Transform>> Transformed(const Node& n) const {
    if (n.kind != Node::Kind::kCall || n.args.size() != 1 || n.args[0]->kind != Node::Kind::kField)
      return std::nullopt;
    const Field& f = FieldOf(*n.args[0]);
    if (!IsTextLike(f.type)) return std::nullopt;
    if (n.text == "LOWER" && case_mapping_) return std::pair{&f, Transform::kLower};
    if (n.text == "UPPER" && case_mapping_) return std::pair{&f, Transform::kUpper};
    if (n.text == "TRIM") return std::pair{&f, Transform::kTrim};
    if (n.text == "LEN") return std::pair{&f, Transform::kLength};
    return std::nullopt;
  }

  // LOWER/UPPER/TRIM({Text}) = or != non-empty text; LEN({Text}) compared with a number (a
  // blank cell's LEN is 0).
  static std::optional<Predicate> TransformedCompare(const Field& f, Transform t, Op op,
                                                     const Literal& lit) {
    std::optional<Predicate> p;
    if (t == Transform::kLength) {
      p = NumberCompare(f, op, lit);
    } else if ((op == Op::kEq || op == Op::kNe) && lit.kind == Literal::Kind::kText &&
               !lit.text.empty()) {
      // A function of a blank cell is "", unequal to non-empty text, as NULL is in SQL.
      p = Predicate::Cell(op == Op::kEq ? Kind::kSame : Kind::kNotSame, &f, lit.text);
    }
    if (p) p->transform = t;
    return p;
  }

  std::optional<Predicate> Call(const Node& n) const {
    const std::string& f = n.text;
    if ((f == "AND" || f == "OR") && !n.args.empty()) {
      std::vector<Predicate> terms;
      for (const auto& a : n.args) {
        auto p = Push(*a);
        if (!p) return std::nullopt;
        terms.push_back(std::move(*p));
      }
      return Predicate::Join(f == "AND" ? Kind::kAnd : Kind::kOr, std::move(terms));
    }
    if (f == "NOT" && n.args.size() == 1) {
      auto p = Push(*n.args[0]);
      if (!p) return std::nullopt;
      return Predicate::Not(std::move(*p));
    }
    if (f == "TRUE" || f == "FALSE") return Predicate::Constant(f == "TRUE");
    if ((f == "IS_AFTER" || f == "IS_BEFORE") && n.args.size() == 2)
      return DateCompare(*n.args[0], *n.args[1], f == "IS_AFTER" ? Op::kGt : Op::kLt);
    if ((f == "FIND" || f == "SEARCH") && n.args.size() == 2) return FindPositive(n);
    if (f == "IS_SAME" && (n.args.size() == 2 || n.args.size() == 3)) return SameUnitAs(n);
    return std::nullopt;
  }

  // A subexpression that reads no record, as an instant: a date, or text that parses as one.
  std::optional<int64_t> ConstantDate(const Node& n) const {
    auto lit = AsLiteral(n, now_ms_);
    if (!lit) return std::nullopt;
    if (lit->kind == Literal::Kind::kDate) return lit->ms;
    if (lit->kind != Literal::Kind::kText) return std::nullopt;
    auto p = ParseDateText(lit->text);
    if (!p) return std::nullopt;
    return p->ms;
  }

  static Predicate Both(Kind kind, Predicate a, Predicate b) {
    std::vector<Predicate> terms;
    terms.push_back(std::move(a));
    terms.push_back(std::move(b));
    return Predicate::Join(kind, std::move(terms));
  }

  // IS_SAME({Instant}, date[, 'unit']) (either way round): the cell lies in the unit that holds
  // the date (UnitSpan, the evaluator's own test), a range an index serves; a blank cell is not
  // the same as any date.
  std::optional<Predicate> SameUnitAs(const Node& n) const {
    const Node* cell = n.args[0].get();
    const Node* other = n.args[1].get();
    if (cell->kind != Node::Kind::kField) std::swap(cell, other);
    if (cell->kind != Node::Kind::kField || !IsInstant(FieldOf(*cell).type)) return std::nullopt;
    Unit unit = Unit::kMs;
    if (n.args.size() == 3) {
      if (n.args[2]->kind != Node::Kind::kString) return std::nullopt;
      auto u = ParseUnit(n.args[2]->text);
      if (!u) return std::nullopt;  // the evaluator's #ERROR!
      unit = *u;
    }
    auto date = ConstantDate(*other);
    if (!date) return std::nullopt;
    const Field* f = &FieldOf(*cell);
    const auto [first, after] = UnitSpan(*date, unit);
    return Both(Kind::kAnd, Predicate::Compare(f, Op::kGe, first, false),
                Predicate::Compare(f, Op::kLt, after, false));
  }

  // A field as a condition. Stored cells are never empty strings, never NaN: non-blank means
  // truthy, but for numbers, where 0 is falsy too.
  static std::optional<Predicate> Truthy(const Field& f) {
    if (IsNumeric(f.type)) return Predicate::Cell(Kind::kNonZero, &f);
    if (IsTextLike(f.type) || f.type == FieldType::kCheckbox || f.type == FieldType::kDate ||
        IsInstant(f.type))
      return Predicate::Cell(Kind::kNotBlank, &f);
    return std::nullopt;  // a select's deleted choice reads blank; other types: evaluator
  }

  // + - * / and negation over number cells and numbers, reading at least one cell (a divisor is
  // a non-zero number, since SQL's x / 0 is NULL where the evaluator's is Infinity): the
  // expression, or nullopt.
  std::optional<Predicate::Expr> Arithmetic(const Node& n) const {
    if (!arithmetic_) return std::nullopt;
    bool reads = false;
    auto e = ArithmeticPart(n, &reads);
    if (!e || !reads || n.kind == Node::Kind::kField) return std::nullopt;
    return e;
  }
  std::optional<Predicate::Expr> ArithmeticPart(const Node& n, bool* reads) const {
    using K = Predicate::Expr::Kind;
    Predicate::Expr e;
    switch (n.kind) {
      case Node::Kind::kNumber:
        e.number = n.number;
        return e;
      case Node::Kind::kField:
        if (!IsNumeric(FieldOf(n).type)) return std::nullopt;
        e.kind = K::kCell;
        e.field = &FieldOf(n);
        *reads = true;
        return e;
      case Node::Kind::kUnary: {
        auto x = ArithmeticPart(*n.args[0], reads);
        if (!x) return std::nullopt;
        e.kind = K::kNeg;
        e.args.push_back(std::move(*x));
        return e;
      }
      case Node::Kind::kBinary: {
        const std::string& op = n.text;
        if (op == "+")
          e.kind = K::kAdd;
        else if (op == "-")
          e.kind = K::kSub;
        else if (op == "*")
          e.kind = K::kMul;
        else if (op == "/")
          e.kind = K::kDiv;
        else
          return std::nullopt;
        if (e.kind == K::kDiv && (n.args[1]->kind != Node::Kind::kNumber || n.args[1]->number == 0))
          return std::nullopt;
        for (const auto& a : n.args) {
          auto x = ArithmeticPart(*a, reads);
          if (!x) return std::nullopt;
          e.args.push_back(std::move(*x));
        }
        return e;
      }
      default:
        return std::nullopt;
    }
  }

  // DATETIME_DIFF of an instant field and a constant date in a fixed unit (milliseconds to weeks),
  // compared with a number: bounds on the cell. The difference is a whole number of units,
  // monotone in the cell, so each bound is where DiffUnits itself first reaches a count (found by
  // bisection over it, so the SQL keeps the evaluator's rounding). A blank cell's difference is
  // blank, compared as 0.
  std::optional<Predicate> DiffCompare(const Node& call, Op op, const Node& number) const {
    if (call.kind != Node::Kind::kCall || call.text != "DATETIME_DIFF" || call.args.size() < 2)
      return std::nullopt;
    const bool cell_first = call.args[0]->kind == Node::Kind::kField;
    const Node& cell = *call.args[cell_first ? 0 : 1];
    const Node& other = *call.args[cell_first ? 1 : 0];
    if (cell.kind != Node::Kind::kField || !IsInstant(FieldOf(cell).type)) return std::nullopt;
    Unit unit = Unit::kSecond;  // the evaluator's default, also for a unit it does not know
    if (call.args.size() == 3) {
      if (call.args[2]->kind != Node::Kind::kString) return std::nullopt;
      if (auto u = ParseUnit(call.args[2]->text)) unit = *u;
    }
    if (unit == Unit::kMonth || unit == Unit::kQuarter || unit == Unit::kYear) return std::nullopt;
    auto date = ConstantDate(other);
    auto k = AsLiteral(number, now_ms_);
    if (!date || !k || k->kind != Literal::Kind::kNumber || std::isnan(k->number) ||
        std::fabs(k->number) > 1e12)
      return std::nullopt;
    const Field* f = &FieldOf(cell);
    const int64_t c = *date;
    const bool blank = Holds(0, op, k->number);
    // The smallest difference (cell - date, or date - cell) whose count of units is >= m.
    auto least = [&](double m) {
      int64_t lo = -(int64_t{1} << 55), hi = int64_t{1} << 55;  // DiffUnits(lo) < m <= (hi)
      while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        (DiffUnits(mid, 0, unit) >= m ? hi : lo) = mid;
      }
      return hi;
    };
    // "count >= m" and its negation, as a bound on the cell.
    auto at_least = [&](double m, bool holds) {
      const int64_t d = least(m);
      if (cell_first) return Predicate::Compare(f, holds ? Op::kGe : Op::kLt, c + d, blank);
      return Predicate::Compare(f, holds ? Op::kLe : Op::kGt, c - d, blank);
    };
    const double x = k->number;
    switch (op) {
      case Op::kGe:
        return at_least(std::ceil(x), true);
      case Op::kGt:
        return at_least(std::floor(x) + 1, true);
      case Op::kLe:
        return at_least(std::floor(x) + 1, false);
      case Op::kLt:
        return at_least(std::ceil(x), false);
      case Op::kEq:
        if (x != std::floor(x)) return Predicate::Constant(false);
        return Both(Kind::kAnd, at_least(x, true), at_least(x + 1, false));
      case Op::kNe:
        if (x != std::floor(x)) return Predicate::Constant(true);
        return Both(Kind::kOr, at_least(x, false), at_least(x + 1, true));
    }
    return std::nullopt;
  }

  std::optional<Predicate> Comparison(const Node& n, Op op) const {
    const Node* a = n.args[0].get();
    const Node* b = n.args[1].get();
    if (auto p = DiffCompare(*a, op, *b)) return p;
    if (auto p = DiffCompare(*b, Flip(op), *a)) return p;
    auto left = Arithmetic(*a);
    auto right = left ? std::nullopt : Arithmetic(*b);
    if (left || right) {
      auto lit = AsLiteral(*(left ? b : a), now_ms_);
      if (!lit || lit->kind != Literal::Kind::kNumber) return std::nullopt;
      Predicate p;
      p.kind = Kind::kArithmetic;
      p.op = left ? op : Flip(op);
      p.value = lit->number;
      p.expr = std::move(left ? *left : *right);
      return p;
    }
    if (a->kind != Node::Kind::kField && !IsRecordId(*a) && !Transformed(*a)) {
      std::swap(a, b);
      op = Flip(op);
    }
    auto lit = AsLiteral(*b, now_ms_);
    if (!lit) return std::nullopt;
    if (auto t = Transformed(*a)) return TransformedCompare(*t->first, t->second, op, *lit);
    if (IsRecordId(*a)) {  // RECORD_ID() = 'rec…' / != 'rec…'
      if (lit->kind != Literal::Kind::kText || (op != Op::kEq && op != Op::kNe))
        return std::nullopt;
      return Predicate::Cell(op == Op::kEq ? Kind::kSame : Kind::kNotSame, nullptr, lit->text);
    }
    if (a->kind != Node::Kind::kField) return std::nullopt;
    const Field& f = FieldOf(*a);
    if (IsNumeric(f.type) || f.type == FieldType::kCheckbox) return NumberCompare(f, op, *lit);
    if (IsTextLike(f.type) || f.type == FieldType::kSingleSelect) return TextCompare(f, op, *lit);
    if (IsInstant(f.type) && lit->kind == Literal::Kind::kDate) {
      // Date against date compares instants; a blank cell is unordered and unequal.
      if (op == Op::kNe) return Predicate::Cell(Kind::kNotSame, &f, lit->ms);
      return Predicate::Compare(&f, op, lit->ms, false);
    }
    if (IsInstant(f.type) && lit->kind == Literal::Kind::kText) {
      auto p = ParseDateText(lit->text);
      if (!p) return std::nullopt;
      // A blank cell compares as "" against the text: less than it, never equal.
      return InstantCompare(f, op, p->ms, /*blank_is_less=*/true);
    }
    return std::nullopt;
  }

  static bool IsRecordId(const Node& n) {
    return n.kind == Node::Kind::kCall && n.text == "RECORD_ID" && n.args.empty();
  }

  // Numeric comparison: blank is 0, "" is 0, numeric text is its number.
  static std::optional<Predicate> NumberCompare(const Field& f, Op op, const Literal& lit) {
    double x = 0;
    if (lit.kind == Literal::Kind::kNumber) {
      x = lit.number;
    } else if (lit.kind == Literal::Kind::kText) {
      Value v = Value::Text(lit.text);
      x = ToNumber(v);
      if (std::isnan(x)) return std::nullopt;
    } else if (lit.kind != Literal::Kind::kBlank) {
      return std::nullopt;
    }
    return Predicate::Compare(&f, op, x, /*blank_matches=*/Holds(0, op, x));
  }

  static std::optional<Predicate> TextCompare(const Field& f, Op op, const Literal& lit) {
    if (op != Op::kEq && op != Op::kNe) return std::nullopt;  // ordering of text: evaluator only
    std::string text;
    if (lit.kind == Literal::Kind::kText)
      text = lit.text;
    else if (lit.kind != Literal::Kind::kBlank)
      return std::nullopt;  // text against a number compares numerically: evaluator only
    if (text.empty()) {
      if (f.type == FieldType::kSingleSelect) return std::nullopt;
      return Predicate::Cell(op == Op::kEq ? Kind::kBlank : Kind::kNotBlank, &f);
    }
    if (f.type == FieldType::kSingleSelect) {
      int same_name = 0;
      for (const Choice& ch : f.choices) same_name += ch.name == text ? 1 : 0;
      if (same_name > 1) return std::nullopt;  // two choices share the name: evaluator only
      const Choice* c = f.ChoiceByName(text);
      if (!c) return Predicate::Constant(op != Op::kEq);  // no cell holds an unknown choice
      text = c->id;
    }
    return Predicate::Cell(op == Op::kEq ? Kind::kSame : Kind::kNotSame, &f, text);
  }

  static Predicate InstantCompare(const Field& f, Op op, int64_t ms, bool blank_is_less) {
    if (op == Op::kNe) return Predicate::Cell(Kind::kNotSame, &f, ms);
    if (op == Op::kEq) return Predicate::Cell(Kind::kSame, &f, ms);
    bool blank_matches = blank_is_less && (op == Op::kLt || op == Op::kLe);
    return Predicate::Compare(&f, op, ms, blank_matches);
  }

  // IS_AFTER({DateTime field}, constant) and IS_BEFORE: instants stored as UTC milliseconds.
  std::optional<Predicate> DateCompare(const Node& a, const Node& b, Op op) const {
    if (a.kind != Node::Kind::kField) return std::nullopt;
    const Field& f = FieldOf(a);
    auto date = ConstantDate(b);
    if (!date) return std::nullopt;
    if (IsInstant(f.type)) return InstantCompare(f, op, *date, /*blank_is_less=*/false);
    if (f.type == FieldType::kDate && *date % 86400000 == 0)  // midnights: ISO text orders alike
      return Predicate::Compare(&f, op, FormatDate(*date, "YYYY-MM-DD", "en"), false);
    return std::nullopt;
  }

  // FIND('literal', {Text}) as a truthy value: the position is > 0 exactly when it occurs. The
  // text may be seen through LOWER/UPPER/TRIM. SEARCH is FIND of the lower-cased needle in the
  // lower-cased text (blank, not 0, when absent: falsy alike).
  std::optional<Predicate> FindPositive(const Node& n) const {
    if (n.args[0]->kind != Node::Kind::kString || n.args[0]->text.empty()) return std::nullopt;
    const Field* f = nullptr;
    Transform t = Transform::kNone;
    if (n.args[1]->kind == Node::Kind::kField) {
      f = &FieldOf(*n.args[1]);
      if (!IsTextLike(f->type)) return std::nullopt;
    } else if (auto seen = Transformed(*n.args[1]); seen && seen->second != Transform::kLength) {
      std::tie(f, t) = *seen;
    } else {
      return std::nullopt;
    }
    std::string needle = n.args[0]->text;
    if (n.text == "SEARCH") {
      if (t != Transform::kNone || !case_mapping_) return std::nullopt;
      t = Transform::kLower;
      needle = Utf8MapCase(needle, false);
    }
    Predicate p = Predicate::Cell(Kind::kContains, f, std::move(needle));
    p.transform = t;
    return p;
  }

  const std::vector<const Field*>& fields_;
  int64_t now_ms_;
  bool case_mapping_;
  bool arithmetic_;
};

}  // namespace

PushedFilter PushDown(const CompiledFormula& formula, const std::vector<const Field*>& fields,
                      int64_t now_ms, bool case_mapping, bool arithmetic) {
  PushedFilter out;
  const Node& root = *formula.root;
  Pusher pusher(fields, now_ms, case_mapping, arithmetic);
  if (auto p = pusher.Push(root)) {
    out.predicate = std::move(p);
    out.exact = true;
    return out;
  }
  // AND(a, b, c): the terms that push down are a safe pre-filter; the evaluator checks the rest.
  if (root.kind == Node::Kind::kCall && root.text == "AND") {
    std::vector<Predicate> terms;
    for (const auto& a : root.args)
      if (auto p = pusher.Push(*a)) terms.push_back(std::move(*p));
    if (!terms.empty()) out.predicate = Predicate::Join(Kind::kAnd, std::move(terms));
  }
  return out;
}

}  // namespace airbase::formula
