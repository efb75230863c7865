// Formula values (value.h): constructors, coercions to number and text, truthiness.
#include "formula/value.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/time_util.h"
#include "formula/dates.h"

namespace airbase::formula {

bool IsTruthy(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kBlank:
    case Value::Kind::kError:
      return false;
    case Value::Kind::kNumber:
    case Value::Kind::kBool:
      return v.number != 0 && !std::isnan(v.number);
    case Value::Kind::kText:
      return !v.text.empty();
    case Value::Kind::kDate:
      return true;
    case Value::Kind::kArray:
      return !v.items->empty();
  }
  return false;
}

std::string NumberText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  char buf[64];
  double a = std::fabs(d);
  if (a >= 1e21 || a < 1e-6) {
    // JavaScript's exponent form: 1e+21, 1.5e-7.
    auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
    std::string s(buf, r.ptr);
    size_t e = s.find('e');
    std::string mant = s.substr(0, e), exp = s.substr(e + 1);
    char sign = exp[0];
    exp = exp.substr(1);
    while (exp.size() > 1 && exp[0] == '0') exp.erase(0, 1);
    return mant + "e" + (sign == '-' ? "-" : "+") + exp;
  }
  auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

std::string ToText(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kBlank:
      return "";
    case Value::Kind::kNumber:
    case Value::Kind::kBool:
      return NumberText(v.number);
    case Value::Kind::kText:
      return v.text;
    case Value::Kind::kError:
      return v.text;
    case Value::Kind::kDate:
      return v.date_only ? airbase::FormatDate(v.ms) : FormatIsoMs(v.ms);
    case Value::Kind::kArray: {
      std::string out;
      for (size_t i = 0; i < v.items->size(); ++i) {
        if (i) out += ", ";
        out += ToText((*v.items)[i]);
      }
      return out;
    }
  }
  return "";
}

namespace {
std::optional<double> ParseNumber(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  if (b == e) return 0.0;
  std::string t = s.substr(b, e - b);
  char* end = nullptr;
  double d = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) return std::nullopt;
  return d;
}
}  // namespace

double ToNumber(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kBlank:
      return 0;
    case Value::Kind::kNumber:
    case Value::Kind::kBool:
      return v.number;
    case Value::Kind::kText: {
      auto d = ParseNumber(v.text);
      return d ? *d : std::nan("");
    }
    case Value::Kind::kDate:
      return static_cast<double>(v.ms) / 1000.0;
    case Value::Kind::kArray:
      if (v.items->size() == 1) return ToNumber((*v.items)[0]);
      if (v.items->empty()) return 0;
      return std::nan("");
    case Value::Kind::kError:
      return std::nan("");
  }
  return std::nan("");
}

namespace {
std::optional<int64_t> AsInstant(const Value& v) {
  if (v.kind == Value::Kind::kDate) return v.ms;
  if (v.kind == Value::Kind::kText) {
    if (auto p = ParseDateText(v.text)) return p->ms;
  }
  return std::nullopt;
}
}  // namespace

int Compare(const Value& a, const Value& b) {
  if (a.is_number() || b.is_number()) {
    double x = ToNumber(a), y = ToNumber(b);
    if (std::isnan(x) || std::isnan(y)) return 2;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind == Value::Kind::kDate || b.kind == Value::Kind::kDate) {
    auto x = AsInstant(a), y = AsInstant(b);
    if (x && y) return *x < *y ? -1 : *x > *y ? 1 : 0;
    if (!x && !y) return 0;
    return 2;  // a date against blank or unparseable text: unordered and unequal
  }
  std::string xs, ys;
  int c = TextOf(a, &xs).compare(TextOf(b, &ys));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool Equal(const Value& a, const Value& b) { return Compare(a, b) == 0; }

}  // namespace airbase::formula
