// Runtime values of the formula language (formula.md §3): blank, number, text, boolean, date,
// array and error, with Airtable's coercions and truthiness.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace airbase::formula {

struct Value {
  enum class Kind { kBlank, kNumber, kText, kBool, kDate, kArray, kError };
  Kind kind = Kind::kBlank;
  double number = 0;       // kNumber; kBool as 0/1
  int64_t ms = 0;          // kDate: instant, ms since the epoch (UTC)
  bool date_only = false;  // kDate from a date-only field or a date without time
  std::string text;        // kText; kError: the error text (#ERROR!); kDate: time zone (may be "")
  std::string locale;      // kDate: SET_LOCALE
  std::shared_ptr<const std::vector<Value>> items;  // kArray

  static Value Blank() { return Value(); }
  static Value Number(double d) {
    Value v;
    v.kind = Kind::kNumber;
    v.number = d;
    return v;
  }
  static Value Text(std::string s) {
    Value v;
    v.kind = Kind::kText;
    v.text = std::move(s);
    return v;
  }
  static Value Bool(bool b) {
    Value v;
    v.kind = Kind::kBool;
    v.number = b ? 1 : 0;
    return v;
  }
  static Value Date(int64_t ms, bool date_only = false) {
    Value v;
    v.kind = Kind::kDate;
    v.ms = ms;
    v.date_only = date_only;
    return v;
  }
  static Value Array(std::vector<Value> items) {
    Value v;
    v.kind = Kind::kArray;
    v.items = std::make_shared<const std::vector<Value>>(std::move(items));
    return v;
  }
  static Value Error(std::string what = "#ERROR!") {
    Value v;
    v.kind = Kind::kError;
    v.text = std::move(what);
    return v;
  }

  bool is_blank() const { return kind == Kind::kBlank; }
  bool is_error() const { return kind == Kind::kError; }
  bool is_number() const { return kind == Kind::kNumber || kind == Kind::kBool; }
};

// Excluded from a filter: 0, false, "", blank, NaN, [], errors (formula.md §5).
bool IsTruthy(const Value& v);
// Text context: blank "", numbers as JavaScript prints them, arrays joined with ", ",
// dates as ISO-8601 (YYYY-MM-DD for date-only values).
std::string ToText(const Value& v);
// ToText(v) without a copy where `v` holds its text (text and errors); else made in `scratch`.
inline const std::string& TextOf(const Value& v, std::string* scratch) {
  if (v.kind == Value::Kind::kText || v.kind == Value::Kind::kError) return v.text;
  return *scratch = ToText(v);
}
// Numeric context: blank 0, booleans 1/0, numeric text parsed, otherwise NaN.
double ToNumber(const Value& v);
// A number as JavaScript's String(number) prints it.
std::string NumberText(double d);
// `=` as Airtable compares (formula.md §4.3).
bool Equal(const Value& a, const Value& b);
// <0, 0, >0, or nullopt-like 2 when the values do not order (NaN).
int Compare(const Value& a, const Value& b);

}  // namespace airbase::formula
