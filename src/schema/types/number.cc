// The number types: number, currency, percent (stored as the fraction), rating, duration
// (seconds), autoNumber (the row id, computed), and checkbox (1 or empty). Numbers are rounded
// to the field's precision when written; their text is grouped as Airtable shows it.
#include <algorithm>
#include <cmath>

#include "common/limits.h"
#include "common/text.h"
#include "schema/types/helpers.h"

namespace airbase::types {

namespace {

// 1234567.891 at precision 2: "1,234,567.89" (of the magnitude; callers add the sign).
std::string Grouped(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", precision, std::fabs(v));
  std::string digits(buf), frac;
  if (size_t dot = digits.find('.'); dot != std::string::npos) {
    frac = digits.substr(dot);
    digits.resize(dot);
  }
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return (v < 0 ? "-" : "") + out + frac;
}

// A number a client gave; with typecast, text as a spreadsheet shows it. Blank text clears.
Result<std::optional<double>> NumberIn(const Field& f, const json::value& v, bool typecast,
                                       std::optional<double> (*parse)(std::string_view)) {
  std::optional<double> d = NumberOf(v);
  if (!d && typecast && v.is_string()) {
    if (TrimSpace(v.as_string()).empty()) return std::optional<double>();
    d = parse(v.as_string());
    if (!d) return ParseError(f, v.as_string());
  }
  if (!d || !std::isfinite(*d)) return ValueError(f);
  return d;
}

Result<SqlValue> EncodeNumber(Field& f, const json::value& v, bool typecast, IdGenerator&, bool*) {
  ASSIGN_OR_RETURN(std::optional<double> d, NumberIn(f, v, typecast, ParseNumberString));
  if (!d) return SqlValue{};
  // A percent is shown multiplied by 100: beyond this it would overflow to infinity.
  if (f.type == FieldType::kPercent && std::fabs(*d) > kMaxPercentMagnitude) return ValueError(f);
  return SqlValue{RoundTo(*d, f.precision + (f.type == FieldType::kPercent ? 2 : 0))};
}

Result<SqlValue> EncodeDuration(Field& f, const json::value& v, bool typecast, IdGenerator&,
                                bool*) {
  ASSIGN_OR_RETURN(std::optional<double> d, NumberIn(f, v, typecast, ParseDuration));
  if (!d) return SqlValue{};
  if (std::fabs(*d) > kMaxDurationSeconds) return ValueError(f);
  return SqlValue{RoundTo(*d, DurationDecimals(f))};
}

Result<SqlValue> EncodeRating(Field& f, const json::value& v, bool typecast, IdGenerator&, bool*) {
  std::optional<double> d = NumberOf(v);
  if (!d && typecast && v.is_string()) d = ParseNumberString(v.as_string());
  if (!d) return ValueError(f);
  if (*d == 0) return SqlValue{};
  if (*d != std::floor(*d) || *d < 1 || *d > f.max) return ValueError(f);
  return SqlValue{static_cast<int64_t>(*d)};
}

Result<SqlValue> EncodeCheckbox(Field& f, const json::value& v, bool typecast, IdGenerator&,
                                bool*) {
  bool b;
  if (v.is_bool()) {
    b = v.as_bool();
  } else if (typecast && v.is_string()) {
    std::string s = TrimSpace(v.as_string());
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    b = !(s.empty() || s == "false" || s == "0" || s == "no" || s == "off" || s == "unchecked");
  } else if (typecast && NumberOf(v)) {
    b = *NumberOf(v) != 0;
  } else {
    return ValueError(f);
  }
  return b ? SqlValue{int64_t{1}} : SqlValue{};
}

Result<json::object> NumberOptions(const json::object* o, const std::vector<Field>&, IdGenerator&) {
  json::object out;
  ASSIGN_OR_RETURN(out["precision"], IntOption(o, "precision", 0, 8, 0));
  return out;
}

Result<json::object> CurrencyOptions(const json::object* o, const std::vector<Field>&,
                                     IdGenerator&) {
  json::object out;
  ASSIGN_OR_RETURN(out["precision"], IntOption(o, "precision", 0, 7, 2));
  const json::value* sym = o ? o->if_contains("symbol") : nullptr;
  if (sym && (!sym->is_string() || sym->as_string().size() > 16))
    return OptionsError("Invalid currency symbol");
  out["symbol"] = sym ? sym->as_string() : json::string("$");
  return out;
}

Result<json::object> RatingOptions(const json::object* o, const std::vector<Field>&, IdGenerator&) {
  static const std::set<std::string_view> kIcons = {"star", "heart", "thumbsUp", "flag", "dot"};
  json::object out;
  ASSIGN_OR_RETURN(out["icon"], EnumOption(o, "icon", kIcons, "star"));
  ASSIGN_OR_RETURN(out["color"], EnumOption(o, "color", kBrightColors, "yellowBright"));
  ASSIGN_OR_RETURN(out["max"], IntOption(o, "max", 1, 10, 5));
  return out;
}

Result<json::object> DurationOptions(const json::object* o, const std::vector<Field>&,
                                     IdGenerator&) {
  static const std::set<std::string_view> kFormats = {"h:mm", "h:mm:ss", "h:mm:ss.S", "h:mm:ss.SS",
                                                      "h:mm:ss.SSS"};
  json::object out;
  ASSIGN_OR_RETURN(out["durationFormat"], EnumOption(o, "durationFormat", kFormats, "h:mm"));
  return out;
}

Result<json::object> CheckboxOptions(const json::object* o, const std::vector<Field>&,
                                     IdGenerator&) {
  static const std::set<std::string_view> kIcons = {"check",    "xCheckbox", "star", "heart",
                                                    "thumbsUp", "flag",      "dot"};
  json::object out;
  ASSIGN_OR_RETURN(out["icon"], EnumOption(o, "icon", kIcons, "check"));
  ASSIGN_OR_RETURN(out["color"], EnumOption(o, "color", kBrightColors, "greenBright"));
  return out;
}

// Whole numbers as integers, others as doubles (Airtable writes 5, not 5.0).
void WriteNumber(const Field&, const SqlValue& value, JsonWriter& out) {
  double d = AsDouble(value);
  if (d == std::floor(d) && std::fabs(d) < 9e15)
    out.Int(static_cast<int64_t>(d));
  else
    out.Double(d);
}
void WriteInt(const Field&, const SqlValue& value, JsonWriter& out) { out.Int(AsInt(value)); }
void WriteChecked(const Field&, const SqlValue&, JsonWriter& out) { out.Bool(true); }

std::string NumberText(const Field& f, const SqlValue& v) {
  return Grouped(AsDouble(v), f.precision);
}
std::string CurrencyText(const Field& f, const SqlValue& v) {
  const json::value* sym = f.options.if_contains("symbol");
  std::string symbol = sym && sym->is_string() ? std::string(sym->as_string()) : "$";
  double x = AsDouble(v);
  return (x < 0 ? "-" : "") + symbol + Grouped(std::fabs(x), f.precision);
}
std::string PercentText(const Field& f, const SqlValue& v) {
  return Grouped(AsDouble(v) * 100, f.precision) + "%";
}
std::string IntText(const Field&, const SqlValue& v) { return std::to_string(AsInt(v)); }
std::string DurationText(const Field& f, const SqlValue& v) {
  const json::value* fmt = f.options.if_contains("durationFormat");
  return FormatDuration(AsDouble(v), fmt && fmt->is_string() ? std::string_view(fmt->as_string())
                                                             : std::string_view("h:mm"));
}
std::string CheckedText(const Field&, const SqlValue&) { return "checked"; }

}  // namespace

const FieldTypeTraits kNumber = {
    FieldType::kNumber, "number",      false,        false,       true,      SqlType::kReal,
    CellKind::kNumber,  NumberOptions, EncodeNumber, WriteNumber, NumberText};
const FieldTypeTraits kCurrency = {
    FieldType::kCurrency, "currency",      false,        false,       true,        SqlType::kReal,
    CellKind::kNumber,    CurrencyOptions, EncodeNumber, WriteNumber, CurrencyText};
const FieldTypeTraits kPercent = {
    FieldType::kPercent, "percent",     false,        false,       true,       SqlType::kReal,
    CellKind::kNumber,   NumberOptions, EncodeNumber, WriteNumber, PercentText};
const FieldTypeTraits kRating = {
    FieldType::kRating, "rating",      false,        false,    false,  SqlType::kInteger,
    CellKind::kNumber,  RatingOptions, EncodeRating, WriteInt, IntText};
const FieldTypeTraits kDuration = {
    FieldType::kDuration, "duration",      false,          false,       true,        SqlType::kReal,
    CellKind::kNumber,    DurationOptions, EncodeDuration, WriteNumber, DurationText};
const FieldTypeTraits kAutoNumber = {
    FieldType::kAutoNumber, "autoNumber", true,    false,    true,   SqlType::kInteger,
    CellKind::kNumber,      NoOptions,    nullptr, WriteInt, IntText};
const FieldTypeTraits kCheckbox = {
    FieldType::kCheckbox, "checkbox",          false,           false,          false,
    SqlType::kInteger,    CellKind::kCheckbox, CheckboxOptions, EncodeCheckbox, WriteChecked,
    CheckedText};

}  // namespace airbase::types

namespace airbase {

namespace json = boost::json;

// "h:mm", "h:mm:ss" or "h:mm:ss.SSS" (hours may exceed 24; a leading "-" negates) in seconds.
std::optional<double> ParseDuration(std::string_view text) {
  std::string s = TrimSpace(text);
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.erase(0, 1);
  double parts[3] = {0, 0, 0};
  int n = 0;
  size_t start = 0;
  while (n < 3) {
    size_t colon = s.find(':', start);
    std::string piece =
        s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (piece.empty()) return std::nullopt;
    char* end = nullptr;
    double d = std::strtod(piece.c_str(), &end);
    if (*end != '\0' || d < 0 || (n < 2 && piece.find('.') != std::string::npos))
      return std::nullopt;
    parts[n++] = d;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (n < 2 || (n == 3 && s.find(':', start) != std::string::npos)) return std::nullopt;
  if (parts[1] >= 60 || parts[2] >= 60) return std::nullopt;
  double secs = parts[0] * 3600 + parts[1] * 60 + parts[2];
  return neg ? -secs : secs;
}

int DurationDecimals(const Field& field) {
  const json::value* f = field.options.if_contains("durationFormat");
  std::string_view fmt = f && f->is_string() ? std::string_view(f->as_string()) : "h:mm";
  size_t dot = fmt.find('.');
  return dot == std::string_view::npos ? 0 : static_cast<int>(fmt.size() - dot - 1);
}

std::string FormatDuration(double seconds, std::string_view format) {
  bool neg = seconds < 0;
  double s = std::fabs(seconds);
  size_t dot = format.find('.');
  int decimals = dot == std::string_view::npos ? 0 : static_cast<int>(format.size() - dot - 1);
  bool with_seconds = format.find(":ss") != std::string_view::npos;
  double scale = std::pow(10.0, decimals);
  // Round once, at the shown precision (h:mm shows whole minutes).
  long long units = with_seconds ? std::llround(s * scale) : std::llround(s / 60.0);
  char buf[64];
  if (!with_seconds) {
    std::snprintf(buf, sizeof buf, "%s%lld:%02lld", neg ? "-" : "", units / 60, units % 60);
    return buf;
  }
  long long per_sec = static_cast<long long>(scale);
  long long whole = units / per_sec, frac = units % per_sec;
  int n = std::snprintf(buf, sizeof buf, "%s%lld:%02lld:%02lld", neg ? "-" : "", whole / 3600,
                        (whole / 60) % 60, whole % 60);
  if (decimals > 0 && n > 0 && n < 40)  // decimals come from the format: at most 3
    std::snprintf(buf + n, sizeof buf - n, ".%0*lld", std::min(decimals, 9), frac);
  return buf;
}

}  // namespace airbase
