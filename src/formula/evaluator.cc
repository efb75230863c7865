// The reference evaluator (formula.md §4, §14): operators with Airtable's coercions; errors
// propagate; a step budget bounds the work one record can cost.
#include <cmath>

#include "common/budget.h"
#include "formula/functions.h"

namespace airbase::formula {

namespace {
Value Arith(char op, const Value& a, const Value& b) {
  double x = ToNumber(a), y = ToNumber(b);
  if (op == '+') return Value::Number(x + y);
  if (op == '-') return Value::Number(x - y);
  if (op == '*') return Value::Number(x * y);
  return Value::Number(x / y);  // x/0 is ±Infinity, 0/0 NaN, as in JavaScript
}
}  // namespace

Value Evaluator::Eval(const Node& n) {
  if (++steps_ > kMaxEvalSteps) return Value::Error("#ERROR!");
  if (steps_ >= next_check_) {
    next_check_ = steps_ + 256;
    if (RequestBudget* b = CurrentBudget(); b != nullptr && b->StopNow())
      return Value::Error("#ERROR!");
  }
  switch (n.kind) {
    case Node::Kind::kNumber:
      return Value::Number(n.number);
    case Node::Kind::kString:
      return Value::Text(n.text);
    case Node::Kind::kBool:
      return Value::Bool(n.number != 0);
    case Node::Kind::kField:
      return ctx_.field(n.field_index);
    case Node::Kind::kUnary: {
      Value v = Eval(*n.args[0]);
      if (v.is_error()) return v;
      return Value::Number(-ToNumber(v));
    }
    case Node::Kind::kBinary: {
      Value a = Eval(*n.args[0]);
      if (a.is_error()) return a;
      Value b = Eval(*n.args[1]);
      if (b.is_error()) return b;
      // The parser's operators: & = != < > <= >= + - * / (told apart by their characters).
      const char op = n.text[0];
      const bool or_equal = n.text.size() > 1;
      switch (op) {
        case '&': {
          std::string s = ToText(a);
          s += ToText(b);
          if (s.size() > kMaxTextLength) return Value::Error();
          return Value::Text(std::move(s));
        }
        case '=':
          return Value::Bool(Equal(a, b));
        case '!':
          return Value::Bool(!Equal(a, b));
        case '<':
        case '>': {
          const int c = Compare(a, b);
          if (c == 2) return Value::Bool(false);
          if (c == 0) return Value::Bool(or_equal);
          return Value::Bool((c < 0) == (op == '<'));
        }
        default:
          return Arith(op, a, b);
      }
    }
    case Node::Kind::kCall: {
      Value v = FunctionAt(n.function).impl(*this, n);
      // Text work (REPT, SUBSTITUTE, ...) costs in proportion to the bytes built.
      if (v.kind == Value::Kind::kText) steps_ += static_cast<int64_t>(v.text.size() >> 6);
      return v;
    }
  }
  return Value::Error();
}

Value Evaluate(const CompiledFormula& formula, const EvalContext& ctx) {
  return Evaluate(*formula.root, ctx);
}

Value Evaluate(const Node& node, const EvalContext& ctx) {
  Evaluator ev(ctx);
  Value v = ev.Eval(node);
  if (RequestBudget* b = CurrentBudget()) b->AddWork(ev.steps());
  return v;
}

}  // namespace airbase::formula
