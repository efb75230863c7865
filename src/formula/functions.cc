// Every function of formula.md §6, one row each in kFunctions below, grouped by family.
#include "formula/functions.h"

#include <re2/re2.h>

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "common/text.h"
#include "common/time_util.h"
#include "common/timezone.h"
#include "formula/dates.h"

namespace airbase::formula {

namespace {

// The arguments of one call: most functions take at most four, kept inline (no allocation per
// call in a scan).
using Args = boost::container::small_vector<Value, 4>;
using Values = std::vector<Value>;  // a list built (an array's items)

// A number as a count or position: truncated, NaN as 0, and bounded (a cast of a double past
// int64's range is undefined; no text or date is that long).
int64_t AsCount(double d) {
  if (std::isnan(d)) return 0;
  return static_cast<int64_t>(std::clamp(d, -1e15, 1e15));
}

// Evaluates every argument; the first error, if any, is returned in *err.
Args EvalArgs(Evaluator& ev, const Node& call, Value* err) {
  Args out;
  out.reserve(call.args.size());
  for (const auto& a : call.args) {
    out.push_back(ev.Eval(*a));
    if (out.back().is_error() && err->kind != Value::Kind::kError) *err = out.back();
  }
  return out;
}

// Flattens array arguments (rollup `values`, lookups) into one list of scalars.
template <typename List>
void Spread(const Value& v, List* out) {
  if (v.kind == Value::Kind::kArray) {
    for (const Value& x : *v.items) Spread(x, out);
  } else {
    out->push_back(v);
  }
}
Args SpreadAll(const Args& args) {
  Args out;
  for (const Value& v : args) Spread(v, &out);
  return out;
}

#define EVAL_ARGS(name)                  \
  Value err_ = Value::Blank();           \
  Args name = EvalArgs(ev, call, &err_); \
  if (err_.is_error()) return err_

// ---- UTF-8 helpers: positions count code points -------------------------------------------------
std::vector<size_t> Boundaries(const std::string& s) {
  std::vector<size_t> b;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) b.push_back(i);
  b.push_back(s.size());
  return b;
}
std::string Substr(const std::string& s, int64_t start, int64_t count) {
  auto b = Boundaries(s);
  int64_t n = static_cast<int64_t>(b.size()) - 1;
  start = std::clamp<int64_t>(start, 0, n);
  count = std::clamp<int64_t>(count, 0, n - start);
  return s.substr(b[start], b[start + count] - b[start]);
}
int64_t Length(const std::string& s) { return Utf8Length(s); }
int64_t CharIndex(const std::string& s, size_t byte) {
  int64_t n = 0;
  for (size_t i = 0; i < byte && i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  return n;
}
size_t ByteIndex(const std::string& s, int64_t chars) {
  auto b = Boundaries(s);
  return b[static_cast<size_t>(std::clamp<int64_t>(chars, 0, static_cast<int64_t>(b.size()) - 1))];
}
std::string AsciiLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string AsciiUpper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string MapCase(const std::string& s, bool upper) { return Utf8MapCase(s, upper); }

Value TextOrError(std::string s) {
  if (s.size() > kMaxTextLength) return Value::Error();
  return Value::Text(std::move(s));
}

// ---- text ---------------------------------------------------------------------------------------
Value Concatenate(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  std::string s;
  for (const Value& v : a) s += ToText(v);
  return TextOrError(std::move(s));
}
Value FindImpl(Evaluator& ev, const Node& call, bool insensitive) {
  EVAL_ARGS(a);
  std::string needle_text, hay_text;
  const std::string* needle_p = &TextOf(a[0], &needle_text);
  const std::string* hay_p = &TextOf(a[1], &hay_text);
  if (insensitive) {
    needle_text = MapCase(*needle_p, false);
    hay_text = MapCase(*hay_p, false);
    needle_p = &needle_text;
    hay_p = &hay_text;
  }
  const std::string& needle = *needle_p;
  const std::string& hay = *hay_p;
  int64_t start = a.size() > 2 ? AsCount(ToNumber(a[2])) : 0;
  if (start < 1) start = 1;
  size_t pos = hay.find(needle, start > 1 ? ByteIndex(hay, start - 1) : 0);
  if (pos == std::string::npos || (needle.empty() && hay.empty()))
    return insensitive ? Value::Blank() : Value::Number(0);
  return Value::Number(static_cast<double>(CharIndex(hay, pos) + 1));
}
Value Find(Evaluator& ev, const Node& c) { return FindImpl(ev, c, false); }
Value Search(Evaluator& ev, const Node& c) { return FindImpl(ev, c, true); }
Value Left(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  return Value::Text(Substr(ToText(a[0]), 0, AsCount(ToNumber(a[1]))));
}
Value Right(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  std::string s = ToText(a[0]);
  int64_t n = AsCount(ToNumber(a[1])), len = Length(s);
  n = std::clamp<int64_t>(n, 0, len);
  return Value::Text(Substr(s, len - n, n));
}
Value Mid(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  int64_t start = AsCount(ToNumber(a[1]));
  return Value::Text(
      Substr(ToText(a[0]), std::max<int64_t>(start, 1) - 1, AsCount(ToNumber(a[2]))));
}
Value Len(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  std::string text;
  return Value::Number(static_cast<double>(Length(TextOf(a[0], &text))));
}
Value Lower(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  std::string text;
  return Value::Text(MapCase(TextOf(a[0], &text), false));
}
Value Upper(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  std::string text;
  return Value::Text(MapCase(TextOf(a[0], &text), true));
}
Value Trim(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  std::string text;
  const std::string& s = TextOf(a[0], &text);
  size_t b = s.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return Value::Text("");
  size_t e = s.find_last_not_of(" \t\n\r\f\v");
  return Value::Text(s.substr(b, e - b + 1));
}
Value Substitute(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  std::string s = ToText(a[0]), from = ToText(a[1]), to = ToText(a[2]);
  if (from.empty()) return Value::Text(s);
  int64_t which = a.size() > 3 ? AsCount(ToNumber(a[3])) : 0;
  std::string out;
  size_t pos = 0;
  int64_t n = 0;
  while (true) {
    size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    ++n;
    out += s.substr(pos, hit - pos);
    out += (which <= 0 || n == which) ? to : from;
    pos = hit + from.size();
    if (out.size() > kMaxTextLength) return Value::Error();
  }
  out += s.substr(pos);
  return TextOrError(std::move(out));
}
Value Replace(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  std::string s = ToText(a[0]);
  int64_t start = std::max<int64_t>(AsCount(ToNumber(a[1])), 1) - 1;
  int64_t count = std::max<int64_t>(AsCount(ToNumber(a[2])), 0);
  return TextOrError(Substr(s, 0, start) + ToText(a[3]) + Substr(s, start + count, Length(s)));
}
Value Rept(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  std::string s = ToText(a[0]);
  double n = ToNumber(a[1]);
  if (std::isnan(n) || n < 0) return Value::Error();
  if (s.empty()) return Value::Text("");  // whatever the count: no loop of a trillion turns
  if (s.size() * n > kMaxTextLength) return Value::Error();
  std::string out;
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) out += s;
  return Value::Text(std::move(out));
}
Value TFn(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  if (a[0].kind == Value::Kind::kText) return a[0];
  if (a[0].kind == Value::Kind::kArray) return Value::Text(ToText(a[0]));
  return Value::Blank();
}
Value ValueFn(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  if (a[0].is_number()) return Value::Number(a[0].number);
  std::string s = ToText(a[0]), digits;
  bool seen_digit = false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
      seen_digit = true;
    } else if (c == '.' || ((c == '-' || c == '+') && !seen_digit && digits.empty()) || c == 'e' ||
               c == 'E') {
      digits.push_back(c);
    }  // currency symbols, thousands separators and spaces are ignored
  }
  if (!seen_digit) return s.empty() ? Value::Blank() : Value::Error();
  char* end = nullptr;
  double d = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size()) return Value::Error();
  bool percent = s.find('%') != std::string::npos;
  return Value::Number(percent ? d / 100 : d);
}
Value EncodeUrl(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : ToText(a[0])) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '!' || c == '*' ||
        c == '\'' || c == '(' || c == ')') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return Value::Text(std::move(out));
}

std::unique_ptr<RE2> Regex(const std::string& pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(8 << 20);
  auto re = std::make_unique<RE2>(pattern, opts);
  if (!re->ok()) return nullptr;
  return re;
}
Value RegexMatch(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  auto re = Regex(ToText(a[1]));
  if (!re) return Value::Error();
  return Value::Bool(RE2::PartialMatch(ToText(a[0]), *re));
}
Value RegexExtract(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  auto re = Regex(ToText(a[1]));
  if (!re) return Value::Error();
  std::string s = ToText(a[0]);
  re2::StringPiece input(s), match;
  if (!re->Match(input, 0, s.size(), RE2::UNANCHORED, &match, 1)) return Value::Error();
  return Value::Text(std::string(match));
}
Value RegexReplace(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  auto re = Regex(ToText(a[1]));
  if (!re) return Value::Error();
  std::string s = ToText(a[0]);
  // Airtable's replacement uses $1; RE2 uses \1.
  std::string rep, raw = ToText(a[2]);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '$' && i + 1 < raw.size() &&
        std::isdigit(static_cast<unsigned char>(raw[i + 1]))) {
      rep += '\\';
      rep += raw[++i];
    } else if (raw[i] == '\\') {
      rep += "\\\\";
    } else {
      rep += raw[i];
    }
  }
  RE2::GlobalReplace(&s, *re, rep);
  return TextOrError(std::move(s));
}

// ---- logical ------------------------------------------------------------------------------------
Value If(Evaluator& ev, const Node& call) {
  Value c = ev.Eval(*call.args[0]);
  if (c.is_error()) return c;
  if (IsTruthy(c)) return ev.Eval(*call.args[1]);
  return call.args.size() > 2 ? ev.Eval(*call.args[2]) : Value::Blank();
}
Value And(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  for (const Value& v : SpreadAll(a))
    if (!IsTruthy(v)) return Value::Bool(false);
  return Value::Bool(true);
}
Value Or(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  for (const Value& v : SpreadAll(a))
    if (IsTruthy(v)) return Value::Bool(true);
  return Value::Bool(false);
}
Value Xor(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  int n = 0;
  for (const Value& v : SpreadAll(a)) n += IsTruthy(v) ? 1 : 0;
  return Value::Bool(n % 2 == 1);
}
Value Not(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  return Value::Bool(!IsTruthy(a[0]));
}
Value Switch(Evaluator& ev, const Node& call) {
  Value subject = ev.Eval(*call.args[0]);
  if (subject.is_error()) return subject;
  size_t n = call.args.size();
  size_t i = 1;
  for (; i + 1 < n; i += 2) {
    Value pattern = ev.Eval(*call.args[i]);
    if (pattern.is_error()) return pattern;
    if (Equal(subject, pattern)) return ev.Eval(*call.args[i + 1]);
  }
  return i < n ? ev.Eval(*call.args[i]) : Value::Blank();
}
Value IsError(Evaluator& ev, const Node& call) {
  Value v = ev.Eval(*call.args[0]);
  return Value::Bool(v.is_error());
}
Value ErrorFn(Evaluator&, const Node&) { return Value::Error(); }
Value BlankFn(Evaluator&, const Node&) { return Value::Blank(); }
Value TrueFn(Evaluator&, const Node&) { return Value::Bool(true); }
Value FalseFn(Evaluator&, const Node&) { return Value::Bool(false); }

// ---- numeric ------------------------------------------------------------------------------------
template <double (*F)(double)>
Value Unary(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  return Value::Number(F(ToNumber(a[0])));
}
double AbsD(double x) { return std::fabs(x); }
double ExpD(double x) { return std::exp(x); }
double IntD(double x) { return std::floor(x); }
double SqrtD(double x) { return x < 0 ? std::nan("") : std::sqrt(x); }
double EvenD(double x) {
  double r = std::ceil(std::fabs(x));
  if (std::fmod(r, 2) != 0) r += 1;
  return x < 0 ? -r : r;
}
double OddD(double x) {
  double r = std::ceil(std::fabs(x));
  if (std::fmod(r, 2) == 0) r += 1;
  return x < 0 ? -r : r;
}

Args Numbers(const Args& a) {
  Args out;
  for (const Value& v : SpreadAll(a))
    if (v.is_number()) out.push_back(v);
  return out;
}
Value Sum(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  double s = 0;
  for (const Value& v : SpreadAll(a)) s += v.kind == Value::Kind::kText ? 0 : ToNumber(v);
  return Value::Number(s);
}
Value Average(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  double s = 0;
  int n = 0;
  for (const Value& v : SpreadAll(a)) {
    if (v.is_blank() || v.kind == Value::Kind::kText) continue;
    s += ToNumber(v);
    ++n;
  }
  return Value::Number(n ? s / n : std::nan(""));
}
Value MinMax(Evaluator& ev, const Node& call, bool max) {
  EVAL_ARGS(a);
  Args all = SpreadAll(a);
  bool any = false;
  double best = 0;
  for (const Value& v : all) {
    if (v.is_blank() || v.kind == Value::Kind::kText) continue;
    double x = v.kind == Value::Kind::kDate ? static_cast<double>(v.ms) : ToNumber(v);
    if (!any || (max ? x > best : x < best)) best = x;
    any = true;
  }
  return Value::Number(any ? best : 0);
}
Value Max(Evaluator& ev, const Node& c) { return MinMax(ev, c, true); }
Value Min(Evaluator& ev, const Node& c) { return MinMax(ev, c, false); }
Value Count(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  return Value::Number(static_cast<double>(Numbers(a).size()));
}
Value CountA(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  int n = 0;
  for (const Value& v : SpreadAll(a))
    if (!v.is_blank() && !(v.kind == Value::Kind::kText && v.text.empty())) ++n;
  return Value::Number(n);
}
Value CountAll(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  return Value::Number(static_cast<double>(SpreadAll(a).size()));
}
Value CeilFloor(Evaluator& ev, const Node& call, bool ceil) {
  EVAL_ARGS(a);
  double x = ToNumber(a[0]);
  double sig = a.size() > 1 ? ToNumber(a[1]) : 1;
  if (sig == 0) return Value::Number(0);
  sig = std::fabs(sig);
  double q = x / sig;
  // Snap values within rounding noise of a multiple (1.0000000001 stays 1).
  double r = std::round(q);
  if (std::fabs(q - r) < 1e-9) q = r;
  double res = (ceil ? std::ceil(q) : std::floor(q)) * sig;
  double digits = std::max(0.0, -std::floor(std::log10(sig)) + 1);
  double scale = std::pow(10.0, std::min(digits, 15.0));
  return Value::Number(std::round(res * scale) / scale);
}
Value Ceiling(Evaluator& ev, const Node& c) { return CeilFloor(ev, c, true); }
Value Floor(Evaluator& ev, const Node& c) { return CeilFloor(ev, c, false); }
Value Log(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  double x = ToNumber(a[0]), base = a.size() > 1 ? ToNumber(a[1]) : 10;
  return Value::Number(std::log(x) / std::log(base));
}
Value Mod(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  double x = ToNumber(a[0]), d = ToNumber(a[1]);
  if (d == 0) return Value::Error();
  return Value::Number(std::fmod(x, d));  // keeps the dividend's sign, like JavaScript's %
}
Value Power(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  return Value::Number(std::pow(ToNumber(a[0]), ToNumber(a[1])));
}
double Scale(double p) { return std::pow(10.0, p); }
Value Round(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  double x = ToNumber(a[0]), p = a.size() > 1 ? std::trunc(ToNumber(a[1])) : 0;
  double s = Scale(p);
  return Value::Number(std::floor(x * s + 0.5) / s);  // ties toward +infinity
}
Value RoundUp(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  double x = ToNumber(a[0]), s = Scale(std::trunc(a.size() > 1 ? ToNumber(a[1]) : 0));
  double r = x * s;
  if (std::fabs(r - std::round(r)) < 1e-9) r = std::round(r);
  return Value::Number((x < 0 ? std::floor(r) : std::ceil(r)) / s);
}
Value RoundDown(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  double x = ToNumber(a[0]), s = Scale(std::trunc(a.size() > 1 ? ToNumber(a[1]) : 0));
  double r = x * s;
  if (std::fabs(r - std::round(r)) < 1e-9) r = std::round(r);
  return Value::Number(std::trunc(r) / s);
}

// ---- arrays -------------------------------------------------------------------------------------
Values Items(const Value& v) {
  if (v.kind == Value::Kind::kArray) return *v.items;
  if (v.is_blank()) return {};
  return {v};
}
Value ArrayJoin(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  std::string sep = a.size() > 1 ? ToText(a[1]) : ", ";
  std::string out;
  bool first = true;
  for (const Value& v : SpreadAll({a[0]})) {
    if (!first) out += sep;
    out += ToText(v);
    first = false;
    if (out.size() > kMaxTextLength) return Value::Error();
  }
  return Value::Text(std::move(out));
}
Value ArrayCompact(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  Values out;
  for (const Value& v : Items(a[0]))
    if (!v.is_blank() && !(v.kind == Value::Kind::kText && v.text.empty())) out.push_back(v);
  return Value::Array(std::move(out));
}
Value ArrayFlatten(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  Values out;
  Spread(a[0], &out);
  return Value::Array(std::move(out));
}
Value ArrayUnique(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  Values out;
  for (const Value& v : Items(a[0])) {
    bool seen = false;
    for (const Value& o : out)
      if (o.kind == v.kind && Equal(o, v)) seen = true;
    if (!seen) out.push_back(v);
  }
  return Value::Array(std::move(out));
}
Value ArraySlice(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  Values items = Items(a[0]);
  int64_t n = static_cast<int64_t>(items.size());
  auto idx = [&](double x) {
    int64_t i = AsCount(x);
    return i < 0 ? n + i + 1 : i;
  };
  int64_t start = std::max<int64_t>(idx(ToNumber(a[1])), 1);
  int64_t end = a.size() > 2 ? std::min<int64_t>(idx(ToNumber(a[2])), n) : n;
  Values out;
  for (int64_t i = start; i <= end; ++i) out.push_back(items[i - 1]);
  return Value::Array(std::move(out));
}

// ---- dates --------------------------------------------------------------------------------------
std::optional<Value> AsDate(const Value& v) {
  if (v.kind == Value::Kind::kDate) return v;
  if (v.kind == Value::Kind::kText || v.kind == Value::Kind::kArray) {
    if (auto p = ParseDateText(ToText(v))) return Value::Date(p->ms, p->date_only);
  }
  return std::nullopt;
}
#define DATE_ARG(name, value)                      \
  auto name##_opt = AsDate(value);                 \
  if (!name##_opt) {                               \
    if ((value).is_blank()) return Value::Blank(); \
    return Value::Error();                         \
  }                                                \
  const Value& name = *name##_opt

Value Now(Evaluator& ev, const Node&) { return Value::Date(ev.ctx().now_ms); }
Value Today(Evaluator& ev, const Node&) {
  int64_t d = ev.ctx().now_ms - ((ev.ctx().now_ms % 86400000) + 86400000) % 86400000;
  return Value::Date(d, true);
}
Value CreatedTime(Evaluator& ev, const Node&) { return Value::Date(ev.ctx().created_ms); }
Value LastModifiedTime(Evaluator& ev, const Node&) {
  return Value::Date(ev.ctx().modified_ms ? ev.ctx().modified_ms : ev.ctx().created_ms);
}
Value RecordId(Evaluator& ev, const Node&) { return Value::Text(ev.ctx().record_id); }

Value DateAdd(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  auto unit = ParseUnit(ToText(a[2]));
  double n = ToNumber(a[1]);
  if (!unit || std::isnan(n)) return Value::Error();
  Value out = Value::Date(AddUnits(d.ms, n, *unit));
  out.text = d.text;
  out.locale = d.locale;
  return out;
}
Value DateTimeDiff(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(x, a[0]);
  DATE_ARG(y, a[1]);
  Unit unit = Unit::kSecond;
  if (a.size() > 2) {
    auto u = ParseUnit(ToText(a[2]));
    if (u) unit = *u;
  }
  return Value::Number(DiffUnits(x.ms, y.ms, unit));
}
// The UTC offset of a date's attached zone (SET_TIMEZONE); 0 without one.
std::optional<int64_t> OffsetOf(const Value& d) {
  if (d.text.empty()) return int64_t{0};
  return ZoneOffsetMs(d.text, d.ms);
}

Value DateTimeFormat(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  auto offset = OffsetOf(d);
  if (!offset) return Value::Error();
  std::string fmt = a.size() > 1     ? ToText(a[1])
                    : d.text.empty() ? "YYYY-MM-DDTHH:mm:ss.SSS[Z]"
                                     : "YYYY-MM-DDTHH:mm:ss.SSSZ";
  return Value::Text(FormatDate(d.ms + *offset, fmt, d.locale, *offset, d.text));
}
Value DateTimeParse(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  if (a[0].kind == Value::Kind::kDate) return a[0];
  std::string s = ToText(a[0]);
  if (s.empty()) return Value::Blank();
  std::optional<ParsedDate> p =
      a.size() > 1 && !ToText(a[1]).empty()
          ? ParseDateWithFormat(s, ToText(a[1]), a.size() > 2 ? ToText(a[2]) : "en",
                                ev.ctx().now_ms)
          : ParseDateText(s);
  if (!p) return Value::Error();
  return Value::Date(p->ms);
}
Value DateStr(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  return Value::Text(FormatDate(d.ms, "YYYY-MM-DD", "en"));
}
Value TimeStr(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  return Value::Text(FormatDate(d.ms, "HH:mm:ss", "en"));
}
template <int Part>
Value DatePart(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  auto offset = OffsetOf(d);
  if (!offset) return Value::Error();
  Civil c = ToCivil(d.ms + *offset);
  switch (Part) {
    case 0:
      return Value::Number(static_cast<double>(c.year));
    case 1:
      return Value::Number(c.month);
    case 2:
      return Value::Number(c.day);
    case 3:
      return Value::Number(c.hour);
    case 4:
      return Value::Number(c.minute);
    default:
      return Value::Number(c.second);
  }
}
bool MondayStart(const Args& a) { return a.size() > 1 && AsciiLower(ToText(a[1])) == "monday"; }
Value Weekday(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  int w = ToCivil(d.ms).weekday;
  return Value::Number(MondayStart(a) ? (w + 6) % 7 : w);
}
Value Weeknum(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  Civil c = ToCivil(d.ms);
  int jan1_dow = ToCivil(FromCivil(c.year, 1, 1)).weekday;
  int first = MondayStart(a) ? 1 : 0;
  int offset = (jan1_dow - first + 7) % 7;  // days of week 1 before January 1
  return Value::Number((c.yday - 1 + offset) / 7 + 1);
}
std::set<int64_t> Holidays(const Args& a, size_t i) {
  std::set<int64_t> out;
  if (a.size() <= i) return out;
  std::string s = ToText(a[i]);
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    if (auto p = ParseDateText(s.substr(pos, comma - pos))) out.insert(p->ms / 86400000);
    pos = comma + 1;
  }
  return out;
}
bool Workday(int64_t day, const std::set<int64_t>& hol) {
  int w = static_cast<int>(((day % 7) + 7 + 4) % 7);
  return w != 0 && w != 6 && !hol.count(day);
}
Value WorkdayFn(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  double n = ToNumber(a[1]);
  if (std::isnan(n) || std::fabs(n) > 100000) return Value::Error();
  auto hol = Holidays(a, 2);
  int64_t day = d.ms / 86400000;
  int64_t left = static_cast<int64_t>(n), step = left < 0 ? -1 : 1;
  while (left != 0) {
    day += step;
    if (Workday(day, hol)) left -= step;
  }
  return Value::Date(day * 86400000, true);
}
Value WorkdayDiff(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(x, a[0]);
  DATE_ARG(y, a[1]);
  auto hol = Holidays(a, 2);
  int64_t s = x.ms / 86400000, e = y.ms / 86400000;
  int sign = 1;
  if (s > e) {
    std::swap(s, e);
    sign = -1;
  }
  if (e - s > 1000000) return Value::Error();
  int64_t n = 0;
  for (int64_t day = s; day <= e; ++day) n += Workday(day, hol) ? 1 : 0;
  return Value::Number(static_cast<double>(sign * n));
}
Value IsSame(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(x, a[0]);
  DATE_ARG(y, a[1]);
  if (a.size() > 2) {
    auto u = ParseUnit(ToText(a[2]));
    if (!u) return Value::Error();
    return Value::Bool(SameUnit(x.ms, y.ms, *u));
  }
  return Value::Bool(x.ms == y.ms);
}
Value IsAfter(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(x, a[0]);
  DATE_ARG(y, a[1]);
  return Value::Bool(x.ms > y.ms);
}
Value IsBefore(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(x, a[0]);
  DATE_ARG(y, a[1]);
  return Value::Bool(x.ms < y.ms);
}
Value SetTimezone(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  Value out = d;
  out.text = ToText(a[1]);
  if (!ZoneOffsetMs(out.text, out.ms)) return Value::Error();  // unknown zone
  out.date_only = false;
  return out;
}
Value SetLocale(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  Value out = d;
  out.locale = ToText(a[1]);
  return out;
}
Value ToNow(Evaluator& ev, const Node& call) {
  EVAL_ARGS(a);
  DATE_ARG(d, a[0]);
  double days = std::fabs(DiffUnits(ev.ctx().now_ms, d.ms, Unit::kDay));
  return Value::Text(NumberText(days) + (days == 1 ? " day" : " days"));
}

#define F(name, min, max, impl) \
  { name, min, max, impl }
const std::vector<FunctionInfo>& Registry() {
  static std::vector<FunctionInfo> kFunctions = [] {
    std::vector<FunctionInfo> v = {
        // text
        F("CONCATENATE", 1, -1, Concatenate),
        F("FIND", 2, 3, Find),
        F("SEARCH", 2, 3, Search),
        F("LEFT", 2, 2, Left),
        F("RIGHT", 2, 2, Right),
        F("MID", 3, 3, Mid),
        F("LEN", 1, 1, Len),
        F("LOWER", 1, 1, Lower),
        F("UPPER", 1, 1, Upper),
        F("TRIM", 1, 1, Trim),
        F("SUBSTITUTE", 3, 4, Substitute),
        F("REPLACE", 4, 4, Replace),
        F("REPT", 2, 2, Rept),
        F("T", 1, 1, TFn),
        F("VALUE", 1, 1, ValueFn),
        F("ENCODE_URL_COMPONENT", 1, 1, EncodeUrl),
        F("REGEX_MATCH", 2, 2, RegexMatch),
        F("REGEX_EXTRACT", 2, 2, RegexExtract),
        F("REGEX_REPLACE", 3, 3, RegexReplace),
        // logical
        F("IF", 2, 3, If),
        F("AND", 1, -1, And),
        F("OR", 1, -1, Or),
        F("XOR", 1, -1, Xor),
        F("NOT", 1, 1, Not),
        F("SWITCH", 2, -1, Switch),
        F("ISERROR", 1, 1, IsError),
        F("ERROR", 0, 1, ErrorFn),
        F("BLANK", 0, 0, BlankFn),
        F("TRUE", 0, 0, TrueFn),
        F("FALSE", 0, 0, FalseFn),
        // numeric
        F("ABS", 1, 1, Unary<AbsD>),
        F("AVERAGE", 1, -1, Average),
        F("CEILING", 1, 2, Ceiling),
        F("FLOOR", 1, 2, Floor),
        F("COUNT", 1, -1, Count),
        F("COUNTA", 1, -1, CountA),
        F("COUNTALL", 1, -1, CountAll),
        F("EVEN", 1, 1, Unary<EvenD>),
        F("ODD", 1, 1, Unary<OddD>),
        F("EXP", 1, 1, Unary<ExpD>),
        F("INT", 1, 1, Unary<IntD>),
        F("LOG", 1, 2, Log),
        F("MAX", 1, -1, Max),
        F("MIN", 1, -1, Min),
        F("MOD", 2, 2, Mod),
        F("POWER", 2, 2, Power),
        F("ROUND", 1, 2, Round),
        F("ROUNDUP", 1, 2, RoundUp),
        F("ROUNDDOWN", 1, 2, RoundDown),
        F("SQRT", 1, 1, Unary<SqrtD>),
        F("SUM", 1, -1, Sum),
        // dates
        F("NOW", 0, 0, Now),
        F("TODAY", 0, 0, Today),
        F("CREATED_TIME", 0, 0, CreatedTime),
        F("LAST_MODIFIED_TIME", 0, -1, LastModifiedTime),
        F("DATEADD", 3, 3, DateAdd),
        F("DATETIME_DIFF", 2, 3, DateTimeDiff),
        F("DATETIME_FORMAT", 1, 2, DateTimeFormat),
        F("DATETIME_PARSE", 1, 3, DateTimeParse),
        F("DATESTR", 1, 1, DateStr),
        F("TIMESTR", 1, 1, TimeStr),
        F("YEAR", 1, 1, DatePart<0>),
        F("MONTH", 1, 1, DatePart<1>),
        F("DAY", 1, 1, DatePart<2>),
        F("HOUR", 1, 1, DatePart<3>),
        F("MINUTE", 1, 1, DatePart<4>),
        F("SECOND", 1, 1, DatePart<5>),
        F("WEEKDAY", 1, 2, Weekday),
        F("WEEKNUM", 1, 2, Weeknum),
        F("WORKDAY", 2, 3, WorkdayFn),
        F("WORKDAY_DIFF", 2, 3, WorkdayDiff),
        F("IS_SAME", 2, 3, IsSame),
        F("IS_AFTER", 2, 2, IsAfter),
        F("IS_BEFORE", 2, 2, IsBefore),
        F("SET_TIMEZONE", 2, 2, SetTimezone),
        F("SET_LOCALE", 2, 2, SetLocale),
        F("TONOW", 1, 1, ToNow),
        F("FROMNOW", 1, 1, ToNow),
        // arrays
        F("ARRAYJOIN", 1, 2, ArrayJoin),
        F("ARRAYCOMPACT", 1, 1, ArrayCompact),
        F("ARRAYFLATTEN", 1, 1, ArrayFlatten),
        F("ARRAYUNIQUE", 1, 1, ArrayUnique),
        F("ARRAYSLICE", 2, 3, ArraySlice),
        // record
        F("RECORD_ID", 0, 0, RecordId),
    };
    for (size_t i = 0; i < v.size(); ++i) v[i].index = static_cast<int>(i);
    return v;
  }();
  return kFunctions;
}
#undef F

}  // namespace

const FunctionInfo* FindFunction(std::string_view name) {
  static const std::map<std::string, int> kByName = [] {
    std::map<std::string, int> m;
    for (const FunctionInfo& f : Registry()) m[f.name] = f.index;
    return m;
  }();
  auto it = kByName.find(AsciiUpper(std::string(name)));
  return it == kByName.end() ? nullptr : &Registry()[static_cast<size_t>(it->second)];
}

const FunctionInfo& FunctionAt(int index) { return Registry()[static_cast<size_t>(index)]; }

}  // namespace airbase::formula
