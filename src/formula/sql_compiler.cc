#include "formula/sql_compiler.h"

#include <cmath>
#include <optional>

#include "formula/dates.h"
#include "formula/functions.h"

namespace airbase::formula {

namespace {

std::string Col(const Field& f) { return f.ValueSql(); }

bool IsTextLike(FieldType t) {
  return t == FieldType::kSingleLineText || t == FieldType::kMultilineText ||
         t == FieldType::kEmail || t == FieldType::kUrl || t == FieldType::kPhoneNumber ||
         t == FieldType::kRichText;
}
bool IsNumeric(FieldType t) {
  return t == FieldType::kNumber || t == FieldType::kCurrency || t == FieldType::kPercent ||
         t == FieldType::kRating || t == FieldType::kAutoNumber || t == FieldType::kDuration;
}
bool IsInstant(FieldType t) { return t == FieldType::kDateTime || t == FieldType::kCreatedTime; }

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

class Compiler {
 public:
  Compiler(const std::vector<const Field*>& fields, int64_t now_ms, SqlDialect dialect)
      : fields_(fields), now_ms_(now_ms), dialect_(dialect) {}

  // NULL-safe equality against a bound parameter: the one spelling that differs by dialect.
  std::string IsEqual(const std::string& col) const {
    return dialect_ == SqlDialect::kPostgres ? col + " IS NOT DISTINCT FROM ?" : col + " IS ?";
  }
  std::string IsNotEqual(const std::string& col) const {
    return dialect_ == SqlDialect::kPostgres ? col + " IS DISTINCT FROM ?" : col + " IS NOT ?";
  }

  // A predicate equal to IsTruthy(node) for every row, or false when not expressible.
  bool Predicate(const Node& n, std::string* sql) {
    if (n.kind == Node::Kind::kCall) {
      const std::string& f = n.text;
      if ((f == "AND" || f == "OR") && !n.args.empty()) {
        std::string out;
        for (const auto& a : n.args) {
          std::string p;
          if (!Predicate(*a, &p)) return false;
          if (!out.empty()) out += f == "AND" ? " AND " : " OR ";
          out += "(" + p + ")";
        }
        *sql = out;
        return true;
      }
      if (f == "NOT" && n.args.size() == 1) {
        std::string p;
        if (!Predicate(*n.args[0], &p)) return false;
        *sql = "NOT (" + p + ")";
        return true;
      }
      if (f == "TRUE" || f == "FALSE") {
        *sql = f == "TRUE" ? "1" : "0";
        return true;
      }
      if ((f == "IS_AFTER" || f == "IS_BEFORE") && n.args.size() == 2)
        return DateCompare(*n.args[0], *n.args[1], f == "IS_AFTER" ? ">" : "<", sql);
      if (f == "FIND" && n.args.size() == 2) return FindPositive(n, sql);
      return false;
    }
    if (n.kind == Node::Kind::kField) {
      const Field& fld = *fields_[static_cast<size_t>(n.field_index)];
      // Stored cells are never empty strings, never NaN: non-NULL means truthy, but for numbers.
      if (IsNumeric(fld.type)) {
        *sql = "coalesce(" + Col(fld) + ", 0) != 0";
        return true;
      }
      if (IsTextLike(fld.type) || fld.type == FieldType::kCheckbox ||
          fld.type == FieldType::kSingleSelect || fld.type == FieldType::kDate ||
          IsInstant(fld.type)) {
        if (fld.type == FieldType::kSingleSelect) return false;  // a deleted choice reads empty
        *sql = Col(fld) + " IS NOT NULL";
        return true;
      }
      return false;
    }
    if (n.kind == Node::Kind::kNumber) {
      *sql = n.number != 0 ? "1" : "0";
      return true;
    }
    if (n.kind == Node::Kind::kBinary) {
      const std::string& op = n.text;
      if (op == "=" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=")
        return Comparison(n, sql);
      if (op == "&" || op == "+" || op == "-" || op == "*" || op == "/") return false;
    }
    return false;
  }

  std::vector<SqlValue> params;
  std::vector<const Field*> indexable;

 private:
  // A literal operand: number, string, TRUE()/FALSE()/BLANK(), or a negated number.
  struct Literal {
    enum class Kind { kNumber, kText, kBlank, kDate } kind;
    double number = 0;
    std::string text;
    int64_t ms = 0;
  };
  bool AsLiteral(const Node& n, Literal* lit) {
    if (n.kind == Node::Kind::kCall && n.text != "TRUE" && n.text != "FALSE" && n.text != "BLANK" &&
        IsConstant(n)) {
      EvalContext ctx;
      ctx.now_ms = now_ms_;
      ctx.field = [](int) { return Value::Blank(); };
      Value v = Evaluate(n, ctx);
      switch (v.kind) {
        case Value::Kind::kNumber:
        case Value::Kind::kBool:
          if (std::isnan(v.number)) return false;
          *lit = {Literal::Kind::kNumber, v.number, {}, 0};
          return true;
        case Value::Kind::kText:
          *lit = {Literal::Kind::kText, 0, v.text, 0};
          return true;
        case Value::Kind::kBlank:
          *lit = {Literal::Kind::kBlank, 0, {}, 0};
          return true;
        case Value::Kind::kDate:
          *lit = {Literal::Kind::kDate, 0, {}, v.ms};
          return true;
        default:
          return false;
      }
    }
    switch (n.kind) {
      case Node::Kind::kNumber:
        *lit = {Literal::Kind::kNumber, n.number, {}};
        return true;
      case Node::Kind::kBool:
        *lit = {Literal::Kind::kNumber, n.number, {}};
        return true;
      case Node::Kind::kString:
        *lit = {Literal::Kind::kText, 0, n.text};
        return true;
      case Node::Kind::kUnary:
        if (n.args[0]->kind == Node::Kind::kNumber) {
          *lit = {Literal::Kind::kNumber, -n.args[0]->number, {}, 0};
          return true;
        }
        return false;
      case Node::Kind::kCall:
        if (n.text == "TRUE" || n.text == "FALSE") {
          *lit = {Literal::Kind::kNumber, n.text == "TRUE" ? 1.0 : 0.0, {}, 0};
          return true;
        }
        if (n.text == "BLANK") {
          *lit = {Literal::Kind::kBlank, 0, {}, 0};
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  static std::string Flip(const std::string& op) {
    if (op == "<") return ">";
    if (op == ">") return "<";
    if (op == "<=") return ">=";
    if (op == ">=") return "<=";
    return op;
  }

  bool Comparison(const Node& n, std::string* sql) {
    const Node* a = n.args[0].get();
    const Node* b = n.args[1].get();
    std::string op = n.text;
    if (a->kind != Node::Kind::kField &&
        !(a->kind == Node::Kind::kCall && a->text == "RECORD_ID" && a->args.empty())) {
      std::swap(a, b);
      op = Flip(op);
    }
    Literal lit;
    if (!AsLiteral(*b, &lit)) return false;
    if (a->kind == Node::Kind::kCall) {  // RECORD_ID() = 'rec…' / != 'rec…'
      if (lit.kind != Literal::Kind::kText || (op != "=" && op != "!=")) return false;
      params.push_back(SqlValue{lit.text});
      *sql = op == "=" ? "id = ?" : "id != ?";
      return true;
    }
    if (a->kind != Node::Kind::kField) return false;
    const Field& f = *fields_[static_cast<size_t>(a->field_index)];
    std::string col = Col(f);

    if (IsNumeric(f.type) || f.type == FieldType::kCheckbox) {
      // Numeric comparison: blank is 0, "" is 0, numeric text is its number.
      double x;
      if (lit.kind == Literal::Kind::kNumber)
        x = lit.number;
      else if (lit.kind == Literal::Kind::kBlank)
        x = 0;
      else {
        Value v = Value::Text(lit.text);
        x = ToNumber(v);
        if (std::isnan(x)) return false;
      }
      params.push_back(SqlValue{x});
      // Blank reads as 0. When `0 op x` is false a blank never matches and the plain column
      // comparison (which an index serves) is exact; otherwise blanks are added explicitly.
      bool zero_matches = op == "="    ? 0 == x
                          : op == "!=" ? 0 != x
                          : op == "<"  ? 0 < x
                          : op == ">"  ? 0 > x
                          : op == "<=" ? 0 <= x
                                       : 0 >= x;
      *sql = zero_matches ? "(" + col + " IS NULL OR " + col + " " + op + " ?)"
                          : col + " " + op + " ?";
      indexable.push_back(&f);
      return true;
    }
    if (IsTextLike(f.type) || f.type == FieldType::kSingleSelect) {
      if (op != "=" && op != "!=") return false;  // ordering of text: evaluator only
      std::string text;
      if (lit.kind == Literal::Kind::kText)
        text = lit.text;
      else if (lit.kind == Literal::Kind::kBlank)
        text = "";
      else
        return false;  // text against a number compares numerically: evaluator only
      if (text.empty()) {
        if (f.type == FieldType::kSingleSelect) return false;
        *sql = op == "=" ? col + " IS NULL" : col + " IS NOT NULL";
        return true;
      }
      if (f.type == FieldType::kSingleSelect) {
        int same_name = 0;
        for (const Choice& ch : f.choices) same_name += ch.name == text ? 1 : 0;
        if (same_name > 1) return false;  // two choices share the name: evaluator only
        const Choice* c = f.ChoiceByName(text);
        if (!c) {
          *sql = op == "=" ? "0" : "1";  // no cell can hold an unknown choice
          return true;
        }
        text = c->id;
      }
      params.push_back(SqlValue{text});
      *sql = op == "=" ? IsEqual(col) : IsNotEqual(col);
      if (op == "=") indexable.push_back(&f);
      return true;
    }
    if (IsInstant(f.type) && lit.kind == Literal::Kind::kDate) {
      // Date against date compares instants; a blank cell is unordered and unequal.
      params.push_back(SqlValue{lit.ms});
      if (op == "!=")
        *sql = IsNotEqual(col);
      else
        *sql = "(" + col + " IS NOT NULL AND " + col + " " + op + " ?)";
      return true;
    }
    if (IsInstant(f.type) && lit.kind == Literal::Kind::kText) {
      auto p = ParseDateText(lit.text);
      if (!p) return false;
      // A blank cell compares as "" against the text: less than it, never equal.
      return InstantCompare(col, op, p->ms, /*blank_is_less=*/true, sql);
    }
    return false;
  }

  bool InstantCompare(const std::string& col, const std::string& op, int64_t ms, bool blank_is_less,
                      std::string* sql) {
    params.push_back(SqlValue{ms});
    for (const Field* f : fields_)
      if (Col(*f) == col) indexable.push_back(f);
    if (op == "!=")
      *sql = IsNotEqual(col);
    else if (op == "=")
      *sql = IsEqual(col);
    else if (blank_is_less && (op == "<" || op == "<="))
      *sql = "(" + col + " IS NULL OR " + col + " " + op + " ?)";
    else
      *sql = "(" + col + " IS NOT NULL AND " + col + " " + op + " ?)";
    return true;
  }

  // IS_AFTER({DateTime field}, constant) and IS_BEFORE: instants stored as UTC milliseconds.
  bool DateCompare(const Node& a, const Node& b, const std::string& op, std::string* sql) {
    if (a.kind != Node::Kind::kField) return false;
    const Field& f = *fields_[static_cast<size_t>(a.field_index)];
    Literal lit;
    if (!AsLiteral(b, &lit)) return false;
    std::optional<ParsedDate> p;
    if (lit.kind == Literal::Kind::kText) p = ParseDateText(lit.text);
    if (lit.kind == Literal::Kind::kDate) p = ParsedDate{lit.ms, false};
    if (!p) return false;
    if (IsInstant(f.type)) return InstantCompare(Col(f), op, p->ms, /*blank_is_less=*/false, sql);
    if (f.type == FieldType::kDate && p->ms % 86400000 == 0) {
      // Both are midnights: ISO date text orders like the instants.
      params.push_back(SqlValue{FormatDate(p->ms, "YYYY-MM-DD", "en")});
      *sql = "(" + Col(f) + " IS NOT NULL AND " + Col(f) + " " + op + " ?)";
      return true;
    }
    return false;
  }

  // FIND('literal', {Text}) as a truthy value: the position is > 0 exactly when it occurs.
  bool FindPositive(const Node& n, std::string* sql) {
    if (n.args[0]->kind != Node::Kind::kString || n.args[0]->text.empty() ||
        n.args[1]->kind != Node::Kind::kField)
      return false;
    const Field& f = *fields_[static_cast<size_t>(n.args[1]->field_index)];
    if (!IsTextLike(f.type)) return false;
    params.push_back(SqlValue{n.args[0]->text});
    *sql = dialect_ == SqlDialect::kPostgres ? "coalesce(strpos(" + Col(f) + ", ?), 0) > 0"
                                             : "coalesce(instr(" + Col(f) + ", ?), 0) > 0";
    return true;
  }

  const std::vector<const Field*>& fields_;
  int64_t now_ms_;
  SqlDialect dialect_;
};

// FIND(...) > 0 is the common spelling; rewrite it to FIND(...) as a predicate.
bool IsFindGreaterThanZero(const Node& n) {
  return n.kind == Node::Kind::kBinary && n.text == ">" && n.args[0]->kind == Node::Kind::kCall &&
         n.args[0]->text == "FIND" && n.args[1]->kind == Node::Kind::kNumber &&
         n.args[1]->number == 0;
}

bool CompileNode(Compiler& c, const Node& n, std::string* sql) {
  if (IsFindGreaterThanZero(n)) return c.Predicate(*n.args[0], sql);
  if (n.kind == Node::Kind::kCall && (n.text == "AND" || n.text == "OR")) {
    std::string out;
    for (const auto& a : n.args) {
      std::string p;
      if (!CompileNode(c, *a, &p)) return false;
      if (!out.empty()) out += n.text == "AND" ? " AND " : " OR ";
      out += "(" + p + ")";
    }
    *sql = out;
    return !out.empty();
  }
  if (n.kind == Node::Kind::kCall && n.text == "NOT" && n.args.size() == 1) {
    std::string p;
    if (!CompileNode(c, *n.args[0], &p)) return false;
    *sql = "NOT (" + p + ")";
    return true;
  }
  return c.Predicate(n, sql);
}

}  // namespace

SqlFilter CompileToSql(const CompiledFormula& formula, const std::vector<const Field*>& fields,
                       int64_t now_ms, SqlDialect dialect) {
  SqlFilter out;
  const Node& root = *formula.root;
  {
    Compiler c(fields, now_ms, dialect);
    std::string sql;
    if (CompileNode(c, root, &sql)) {
      out.where = sql;
      out.params = std::move(c.params);
      out.indexable = std::move(c.indexable);
      out.exact = true;
      return out;
    }
  }
  // AND(a, b, c): the compilable terms are a safe pre-filter; the evaluator checks the rest.
  if (root.kind == Node::Kind::kCall && root.text == "AND") {
    Compiler c(fields, now_ms, dialect);
    std::string where;
    for (const auto& a : root.args) {
      Compiler one(fields, now_ms, dialect);
      std::string p;
      if (!CompileNode(one, *a, &p)) continue;
      if (!where.empty()) where += " AND ";
      where += "(" + p + ")";
      for (auto& v : one.params) c.params.push_back(std::move(v));
      for (const Field* f : one.indexable) c.indexable.push_back(f);
    }
    out.where = where;
    out.params = std::move(c.params);
    out.indexable = std::move(c.indexable);
  }
  return out;
}

}  // namespace airbase::formula
