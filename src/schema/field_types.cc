#include "schema/field_types.h"

#include "common/text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "common/limits.h"
#include "common/time_util.h"
#include "common/timezone.h"
#include "schema/model.h"

namespace airbase {

namespace json = boost::json;

namespace {

struct TypeRow {
  FieldType type;
  const char* name;
  bool computed;
  bool primary;
  SqlType storage;
};

constexpr TypeRow kTypes[] = {
    {FieldType::kSingleLineText, "singleLineText", false, true, SqlType::kText},
    {FieldType::kMultilineText, "multilineText", false, true, SqlType::kText},
    {FieldType::kEmail, "email", false, true, SqlType::kText},
    {FieldType::kUrl, "url", false, true, SqlType::kText},
    {FieldType::kPhoneNumber, "phoneNumber", false, true, SqlType::kText},
    {FieldType::kNumber, "number", false, true, SqlType::kReal},
    {FieldType::kCurrency, "currency", false, true, SqlType::kReal},
    {FieldType::kPercent, "percent", false, true, SqlType::kReal},
    {FieldType::kRating, "rating", false, false, SqlType::kInteger},
    {FieldType::kCheckbox, "checkbox", false, false, SqlType::kInteger},
    {FieldType::kSingleSelect, "singleSelect", false, false, SqlType::kText},
    {FieldType::kMultipleSelects, "multipleSelects", false, false, SqlType::kText},
    {FieldType::kDate, "date", false, true, SqlType::kText},
    {FieldType::kDateTime, "dateTime", false, true, SqlType::kInteger},
    {FieldType::kAutoNumber, "autoNumber", true, true, SqlType::kInteger},
    {FieldType::kCreatedTime, "createdTime", true, false, SqlType::kInteger},
    {FieldType::kLastModifiedTime, "lastModifiedTime", true, false, SqlType::kInteger},
    {FieldType::kFormula, "formula", true, true, SqlType::kText},
    {FieldType::kRichText, "richText", false, true, SqlType::kText},
    {FieldType::kDuration, "duration", false, true, SqlType::kReal},
    {FieldType::kMultipleRecordLinks, "multipleRecordLinks", false, false, SqlType::kText},
    {FieldType::kCount, "count", true, false, SqlType::kText},
    {FieldType::kMultipleLookupValues, "multipleLookupValues", true, false, SqlType::kText},
    {FieldType::kRollup, "rollup", true, false, SqlType::kText},
};

const TypeRow& Row(FieldType t) { return kTypes[static_cast<int>(t)]; }

const std::set<std::string_view> kChoiceColors = [] {
  std::set<std::string_view> s;
  static std::vector<std::string> storage;
  for (const char* hue :
       {"blue", "cyan", "teal", "green", "yellow", "orange", "red", "pink", "purple", "gray"})
    for (const char* shade : {"Light2", "Light1", "Bright", "Dark1"})
      storage.push_back(std::string(hue) + shade);
  for (const auto& c : storage) s.insert(c);
  return s;
}();
const std::set<std::string_view> kBrightColors = {
    "greenBright", "tealBright", "cyanBright",   "blueBright",   "purpleBright",
    "pinkBright",  "redBright",  "orangeBright", "yellowBright", "grayBright"};
const std::set<std::string_view> kCheckboxIcons = {"check",    "xCheckbox", "star", "heart",
                                                   "thumbsUp", "flag",      "dot"};
const std::set<std::string_view> kRatingIcons = {"star", "heart", "thumbsUp", "flag", "dot"};

Status OptionsError(std::string msg) {
  return Error(ErrorCode::kInvalidFieldTypeOptions, std::move(msg));
}

const json::object* AsObject(const json::value* v) {
  return v && v->is_object() ? &v->as_object() : nullptr;
}

// Reads an integer option in [lo, hi]; `def` when absent.
Result<int64_t> IntOption(const json::object* o, const char* key, int64_t lo, int64_t hi,
                          std::optional<int64_t> def) {
  const json::value* v = o ? o->if_contains(key) : nullptr;
  if (!v || v->is_null()) {
    if (def) return *def;
    return OptionsError(std::string("Missing option \"") + key + "\"");
  }
  double d;
  if (v->is_int64())
    d = static_cast<double>(v->as_int64());
  else if (v->is_uint64())
    d = static_cast<double>(v->as_uint64());
  else if (v->is_double())
    d = v->as_double();
  else
    return OptionsError(std::string("Option \"") + key + "\" must be an integer");
  if (d != std::floor(d) || d < lo || d > hi)
    return OptionsError(std::string("Option \"") + key + "\" must be an integer from " +
                        std::to_string(lo) + " to " + std::to_string(hi));
  return static_cast<int64_t>(d);
}

Result<std::string> EnumOption(const json::object* o, const char* key,
                               const std::set<std::string_view>& allowed, const char* def) {
  const json::value* v = o ? o->if_contains(key) : nullptr;
  if (!v || v->is_null()) return std::string(def);
  if (!v->is_string() || !allowed.count(std::string_view(v->as_string())))
    return OptionsError(std::string("Invalid value for option \"") + key + "\"");
  return std::string(v->as_string());
}

Result<json::object> DateFormatOption(const json::object* o) {
  static const std::pair<const char*, const char*> kFormats[] = {{"local", "l"},
                                                                 {"friendly", "LL"},
                                                                 {"us", "M/D/YYYY"},
                                                                 {"european", "D/M/YYYY"},
                                                                 {"iso", "YYYY-MM-DD"}};
  const json::object* df = o ? AsObject(o->if_contains("dateFormat")) : nullptr;
  std::string name = "local";
  if (df) {
    const json::value* n = df->if_contains("name");
    if (!n || !n->is_string()) return OptionsError("dateFormat.name is required");
    name = n->as_string();
  } else if (o && o->if_contains("dateFormat")) {
    return OptionsError("dateFormat must be an object");
  }
  for (auto& [n, f] : kFormats) {
    if (name != n) continue;
    if (df) {
      const json::value* given = df->if_contains("format");
      if (given && !(given->is_string() && given->as_string() == f))
        return OptionsError("dateFormat.format does not match dateFormat.name");
    }
    return json::object{{"name", n}, {"format", f}};
  }
  return OptionsError("Invalid dateFormat.name");
}

Result<json::object> TimeFormatOption(const json::object* o) {
  const json::object* tf = o ? AsObject(o->if_contains("timeFormat")) : nullptr;
  std::string name = "24hour";
  if (tf) {
    const json::value* n = tf->if_contains("name");
    if (!n || !n->is_string()) return OptionsError("timeFormat.name is required");
    name = n->as_string();
  }
  const char* format = name == "12hour" ? "h:mma" : name == "24hour" ? "HH:mm" : nullptr;
  if (!format) return OptionsError("Invalid timeFormat.name");
  if (tf) {
    const json::value* given = tf->if_contains("format");
    if (given && !(given->is_string() && given->as_string() == format))
      return OptionsError("timeFormat.format does not match timeFormat.name");
  }
  return json::object{{"name", name}, {"format", format}};
}

Result<std::string> TimeZoneOption(const json::object* o) {
  const json::value* v = o ? o->if_contains("timeZone") : nullptr;
  if (!v || v->is_null()) return std::string("utc");
  if (!v->is_string()) return OptionsError("Invalid timeZone");
  std::string zone(v->as_string());
  // utc, client, or a zone of the system's tz database.
  if (zone != "client" && !ZoneOffsetMs(zone, 0))
    return OptionsError("Invalid timeZone \"" + zone + "\"");
  return zone;
}

Result<json::object> DateTimeResult(const json::object* o) {
  // createdTime/lastModifiedTime: {"result": {"type": "date"|"dateTime", "options": {...}}}
  const json::object* r = o ? AsObject(o->if_contains("result")) : nullptr;
  std::string type = "dateTime";
  const json::object* ro = nullptr;
  if (r) {
    if (auto* t = r->if_contains("type"); t && t->is_string()) type = t->as_string();
    ro = AsObject(r->if_contains("options"));
  }
  json::object out_opts;
  ASSIGN_OR_RETURN(out_opts["dateFormat"], DateFormatOption(ro));
  if (type == "dateTime") {
    ASSIGN_OR_RETURN(out_opts["timeFormat"], TimeFormatOption(ro));
    ASSIGN_OR_RETURN(out_opts["timeZone"], TimeZoneOption(ro));
  } else if (type != "date") {
    return OptionsError("result.type must be date or dateTime");
  }
  return json::object{{"type", type}, {"options", std::move(out_opts)}};
}

Result<json::array> ChoicesOption(const json::object* o, IdGenerator& ids) {
  json::array out;
  const json::value* cs = o ? o->if_contains("choices") : nullptr;
  if (!cs || cs->is_null()) return out;
  if (!cs->is_array()) return OptionsError("choices must be an array");
  std::set<std::string> seen_ids, seen_names;
  for (const auto& c : cs->as_array()) {
    const json::object* co = AsObject(&c);
    if (!co) return OptionsError("Each choice must be an object");
    const json::value* name = co->if_contains("name");
    if (!name || !name->is_string() || TrimSpace(name->as_string()).empty())
      return OptionsError("Each choice needs a non-empty name");
    json::object choice;
    const json::value* id = co->if_contains("id");
    std::string cid;
    if (id && id->is_string()) {
      cid = id->as_string();
      if (!IsId(cid, "sel")) return OptionsError("Invalid choice id");
    } else {
      cid = ids.Next("sel");
    }
    if (!seen_ids.insert(cid).second) return OptionsError("Duplicate choice id");
    if (!seen_names.insert(std::string(name->as_string())).second)
      return OptionsError("Choice names must be unique (\"" + std::string(name->as_string()) +
                          "\" appears more than once)");
    choice["id"] = cid;
    choice["name"] = name->as_string();
    if (const json::value* color = co->if_contains("color"); color && !color->is_null()) {
      if (!color->is_string() || !kChoiceColors.count(std::string_view(color->as_string())))
        return OptionsError("Invalid choice color");
      choice["color"] = color->as_string();
    }
    out.push_back(std::move(choice));
  }
  return out;
}

Status ValueError(const Field& f) {
  return Error(ErrorCode::kInvalidValueForColumn,
               "Field \"" + f.name + "\" cannot accept the provided value");
}

Status ParseError(const Field& f, std::string_view raw) {
  return Error(ErrorCode::kInvalidValueForColumn,
               "Cannot parse value \"" + std::string(raw) + "\" for field " + f.name);
}

std::string Trim(std::string_view s) { return TrimSpace(s); }

std::optional<double> NumberOf(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nullopt;
}

std::optional<double> ParseNumberString(std::string_view raw) {
  std::string s;
  for (char c : raw)
    if (c != ',' && c != '$' && c != '%' && !std::isspace(static_cast<unsigned char>(c)))
      s.push_back(c);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::string NumberToText(double d) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, r.ptr);
}

double RoundTo(double v, int digits) {
  double scale = std::pow(10.0, digits);
  double r = std::round(v * scale) / scale;
  return std::isfinite(r) ? r : v;
}

Result<std::string> SelectChoiceId(Field& field, std::string_view name, bool typecast,
                                   IdGenerator& ids, bool* schema_changed) {
  if (const Choice* c = field.ChoiceByName(name)) return c->id;
  if (!typecast || name.empty())
    return Error(
        ErrorCode::kInvalidMultipleChoiceOptions,
        "Insufficient permissions to create new select option \"\"" + std::string(name) + "\"\"");
  Choice c{ids.Next("sel"), std::string(name), ""};
  json::array& arr = field.options["choices"].is_array() ? field.options["choices"].as_array()
                                                         : field.options["choices"].emplace_array();
  arr.push_back(json::object{{"id", c.id}, {"name", c.name}});
  field.choices.push_back(c);
  *schema_changed = true;
  return c.id;
}

// True when an ISO date-time string carries "Z" or a numeric offset after its time.
bool HasExplicitZone(std::string_view s) {
  if (s.size() <= 10) return false;
  if (s.back() == 'Z' || s.back() == 'z') return true;
  return s.find_first_of("+-", 11) != std::string_view::npos;
}

std::optional<int64_t> ParseLooseDate(std::string_view s) {
  if (auto ms = ParseIsoDateTime(s)) return *ms;
  // M/D/YYYY (US), the form spreadsheets export most.
  int m = 0, d = 0, y = 0;
  char tail;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%d/%d/%d%c", &m, &d, &y, &tail) == 3 && y >= 1000 && y <= 9999 &&
      m >= 1 && m <= 12 && d >= 1 && d <= 31) {
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
    if (auto days = ParseIsoDate(buf)) return *days * 86400000;
  }
  return std::nullopt;
}

}  // namespace

// "h:mm", "h:mm:ss" or "h:mm:ss.SSS" (hours may exceed 24; a leading "-" negates) in seconds.
std::optional<double> ParseDuration(std::string_view text) {
  std::string s = Trim(text);
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.erase(0, 1);
  double parts[3] = {0, 0, 0};
  int n = 0;
  size_t start = 0;
  while (n < 3) {
    size_t colon = s.find(':', start);
    std::string piece = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (piece.empty()) return std::nullopt;
    char* end = nullptr;
    double d = std::strtod(piece.c_str(), &end);
    if (*end != '\0' || d < 0 || (n < 2 && piece.find('.') != std::string::npos)) return std::nullopt;
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
  if (decimals > 0) std::snprintf(buf + n, sizeof buf - n, ".%0*lld", decimals, frac);
  return buf;
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (const TypeRow& r : kTypes)
    if (name == r.name) return r.type;
  return std::nullopt;
}
std::string_view FieldTypeName(FieldType type) { return Row(type).name; }
bool IsComputed(FieldType type) { return Row(type).computed; }
bool IsComputedAtRead(FieldType type) {
  return type == FieldType::kFormula || type == FieldType::kCount ||
         type == FieldType::kMultipleLookupValues || type == FieldType::kRollup;
}
bool CanBePrimary(FieldType type) { return Row(type).primary; }
SqlType StorageType(FieldType type) { return Row(type).storage; }

Result<json::object> NormalizeOptions(FieldType type, const json::value* options,
                                      const std::vector<Field>& siblings, IdGenerator& ids) {
  if (options && !options->is_null() && !options->is_object())
    return OptionsError("options must be an object");
  const json::object* o = AsObject(options);
  json::object out;
  switch (type) {
    case FieldType::kSingleLineText:
    case FieldType::kMultilineText:
    case FieldType::kEmail:
    case FieldType::kUrl:
    case FieldType::kPhoneNumber:
    case FieldType::kRichText:
    case FieldType::kAutoNumber: {
      if (o && !o->empty()) return OptionsError("This field type takes no options");
      break;
    }
    case FieldType::kDuration: {
      static const std::set<std::string_view> kFormats = {"h:mm", "h:mm:ss", "h:mm:ss.S",
                                                          "h:mm:ss.SS", "h:mm:ss.SSS"};
      ASSIGN_OR_RETURN(out["durationFormat"], EnumOption(o, "durationFormat", kFormats, "h:mm"));
      break;
    }
    case FieldType::kNumber:
    case FieldType::kPercent: {
      ASSIGN_OR_RETURN(out["precision"], IntOption(o, "precision", 0, 8, 0));
      break;
    }
    case FieldType::kCurrency: {
      ASSIGN_OR_RETURN(out["precision"], IntOption(o, "precision", 0, 7, 2));
      const json::value* sym = o ? o->if_contains("symbol") : nullptr;
      if (sym && (!sym->is_string() || sym->as_string().size() > 16))
        return OptionsError("Invalid currency symbol");
      out["symbol"] = sym ? sym->as_string() : json::string("$");
      break;
    }
    case FieldType::kRating: {
      ASSIGN_OR_RETURN(out["icon"], EnumOption(o, "icon", kRatingIcons, "star"));
      ASSIGN_OR_RETURN(out["color"], EnumOption(o, "color", kBrightColors, "yellowBright"));
      ASSIGN_OR_RETURN(out["max"], IntOption(o, "max", 1, 10, 5));
      break;
    }
    case FieldType::kCheckbox: {
      ASSIGN_OR_RETURN(out["icon"], EnumOption(o, "icon", kCheckboxIcons, "check"));
      ASSIGN_OR_RETURN(out["color"], EnumOption(o, "color", kBrightColors, "greenBright"));
      break;
    }
    case FieldType::kSingleSelect:
    case FieldType::kMultipleSelects: {
      ASSIGN_OR_RETURN(out["choices"], ChoicesOption(o, ids));
      break;
    }
    case FieldType::kMultipleRecordLinks: {
      // The API layer checks linkedTableId against the base and fills inverseLinkFieldId.
      const json::value* linked = o ? o->if_contains("linkedTableId") : nullptr;
      if (!linked || !linked->is_string() || !IsId(linked->as_string(), "tbl"))
        return OptionsError("options.linkedTableId must name a table of this base");
      out["linkedTableId"] = linked->as_string();
      out["isReversed"] = false;
      const json::value* single = o->if_contains("prefersSingleRecordLink");
      if (single && !single->is_null() && !single->is_bool())
        return OptionsError("prefersSingleRecordLink must be a boolean");
      out["prefersSingleRecordLink"] = single && single->is_bool() && single->as_bool();
      if (const json::value* inv = o->if_contains("inverseLinkFieldId");
          inv && inv->is_string() && IsId(inv->as_string(), "fld"))
        out["inverseLinkFieldId"] = inv->as_string();
      break;
    }
    case FieldType::kDate: {
      ASSIGN_OR_RETURN(out["dateFormat"], DateFormatOption(o));
      break;
    }
    case FieldType::kDateTime: {
      ASSIGN_OR_RETURN(out["dateFormat"], DateFormatOption(o));
      ASSIGN_OR_RETURN(out["timeFormat"], TimeFormatOption(o));
      ASSIGN_OR_RETURN(out["timeZone"], TimeZoneOption(o));
      break;
    }
    case FieldType::kCreatedTime: {
      ASSIGN_OR_RETURN(out["result"], DateTimeResult(o));
      break;
    }
    case FieldType::kFormula:
    case FieldType::kCount:
    case FieldType::kRollup:
    case FieldType::kMultipleLookupValues: {
      // Built and validated above this layer (formula::FormulaFieldOptions, the metadata API for
      // count and lookup, which need other tables); stored options are trusted as they are.
      if (o) out = *o;
      break;
    }
    case FieldType::kLastModifiedTime: {
      json::array refs;
      const json::value* r = o ? o->if_contains("referencedFieldIds") : nullptr;
      if (r && !r->is_null()) {
        if (!r->is_array()) return OptionsError("referencedFieldIds must be an array");
        for (const auto& id : r->as_array()) {
          if (!id.is_string()) return OptionsError("referencedFieldIds must hold field ids");
          auto it = std::find_if(siblings.begin(), siblings.end(),
                                 [&](const Field& f) { return f.id == id.as_string(); });
          if (it == siblings.end() || IsComputed(it->type))
            return OptionsError("referencedFieldIds must name writable fields of this table");
          refs.push_back(id);
        }
      }
      out["isValid"] = true;
      out["referencedFieldIds"] = std::move(refs);
      ASSIGN_OR_RETURN(out["result"], DateTimeResult(o));
      break;
    }
  }
  return out;
}

Result<SqlValue> EncodeCell(Field& field, const json::value& v, bool typecast, IdGenerator& ids,
                            bool* schema_changed) {
  if (IsComputed(field.type))
    return Error(
        ErrorCode::kInvalidValueForColumn,
        "Field \"" + field.name + "\" cannot accept a value because the field is computed");
  if (v.is_null()) return SqlValue{};
  switch (field.type) {
    case FieldType::kSingleLineText:
    case FieldType::kMultilineText:
    case FieldType::kRichText:
    case FieldType::kEmail:
    case FieldType::kUrl:
    case FieldType::kPhoneNumber: {
      std::string s;
      if (v.is_string())
        s = v.as_string();
      else if (typecast && NumberOf(v))
        s = NumberToText(*NumberOf(v));
      else if (typecast && v.is_bool())
        s = v.as_bool() ? "true" : "false";
      else
        return ValueError(field);
      if (s.size() > kMaxCellTextLength) return ValueError(field);
      if (field.type == FieldType::kSingleLineText) {
        // A single line holds no line breaks; Airtable turns them into spaces.
        std::replace(s.begin(), s.end(), '\n', ' ');
        std::replace(s.begin(), s.end(), '\r', ' ');
      }
      if (field.type == FieldType::kEmail && !s.empty()) {
        std::string t = Trim(s);
        auto at = t.find('@');
        if (at == std::string::npos || at == 0 || at + 1 == t.size() ||
            t.find_first_of(" \t") != std::string::npos)
          return ValueError(field);
        s = t;
      }
      if (s.empty()) return SqlValue{};
      return SqlValue{std::move(s)};
    }
    case FieldType::kNumber:
    case FieldType::kCurrency:
    case FieldType::kPercent: {
      std::optional<double> d = NumberOf(v);
      if (!d && typecast && v.is_string()) {
        if (Trim(v.as_string()).empty()) return SqlValue{};
        d = ParseNumberString(v.as_string());
        if (!d) return ParseError(field, v.as_string());
      }
      if (!d || !std::isfinite(*d)) return ValueError(field);
      // A percent is shown multiplied by 100: beyond this it would overflow to infinity.
      if (field.type == FieldType::kPercent && std::fabs(*d) > kMaxPercentMagnitude)
        return ValueError(field);
      int digits = field.precision + (field.type == FieldType::kPercent ? 2 : 0);
      return SqlValue{RoundTo(*d, digits)};
    }
    case FieldType::kDuration: {
      std::optional<double> d = NumberOf(v);
      if (!d && typecast && v.is_string()) {
        if (Trim(v.as_string()).empty()) return SqlValue{};
        d = ParseDuration(v.as_string());
        if (!d) return ParseError(field, v.as_string());
      }
      if (!d || !std::isfinite(*d) || std::fabs(*d) > kMaxDurationSeconds) return ValueError(field);
      return SqlValue{RoundTo(*d, DurationDecimals(field))};
    }
    case FieldType::kRating: {
      std::optional<double> d = NumberOf(v);
      if (!d && typecast && v.is_string()) d = ParseNumberString(v.as_string());
      if (!d) return ValueError(field);
      if (*d == 0) return SqlValue{};
      if (*d != std::floor(*d) || *d < 1 || *d > field.max) return ValueError(field);
      return SqlValue{static_cast<int64_t>(*d)};
    }
    case FieldType::kCheckbox: {
      bool b;
      if (v.is_bool()) {
        b = v.as_bool();
      } else if (typecast && v.is_string()) {
        std::string s = Trim(v.as_string());
        std::transform(s.begin(), s.end(), s.begin(), ::tolower);
        b = !(s.empty() || s == "false" || s == "0" || s == "no" || s == "off" || s == "unchecked");
      } else if (typecast && NumberOf(v)) {
        b = *NumberOf(v) != 0;
      } else {
        return ValueError(field);
      }
      return b ? SqlValue{int64_t{1}} : SqlValue{};
    }
    case FieldType::kSingleSelect: {
      std::string name;
      if (v.is_string())
        name = v.as_string();
      else if (typecast && NumberOf(v))
        name = NumberToText(*NumberOf(v));
      else
        return ValueError(field);
      if (name.empty()) return SqlValue{};
      ASSIGN_OR_RETURN(std::string id, SelectChoiceId(field, name, typecast, ids, schema_changed));
      return SqlValue{std::move(id)};
    }
    case FieldType::kMultipleSelects: {
      std::vector<std::string> names;
      if (v.is_array()) {
        for (const auto& e : v.as_array()) {
          if (e.is_string())
            names.emplace_back(e.as_string());
          else if (typecast && NumberOf(e))
            names.push_back(NumberToText(*NumberOf(e)));
          else
            return ValueError(field);
        }
      } else if (typecast && v.is_string()) {
        std::string_view s = v.as_string();
        size_t start = 0;
        while (start <= s.size()) {
          size_t comma = s.find(',', start);
          if (comma == std::string_view::npos) comma = s.size();
          std::string part = Trim(s.substr(start, comma - start));
          if (!part.empty()) names.push_back(part);
          start = comma + 1;
        }
      } else {
        return ValueError(field);
      }
      // Stored as comma-joined choice ids ("selA,selB"): ids are alphanumeric.
      std::string joined;
      std::set<std::string> seen;
      for (const auto& n : names) {
        ASSIGN_OR_RETURN(std::string id, SelectChoiceId(field, n, typecast, ids, schema_changed));
        if (!seen.insert(id).second) continue;
        if (!joined.empty()) joined.push_back(',');
        joined += id;
      }
      if (joined.empty()) return SqlValue{};
      return SqlValue{std::move(joined)};
    }
    case FieldType::kMultipleRecordLinks: {
      // Record ids, stored comma-joined in order; the API layer checks they exist and keeps the
      // inverse field in step. (Typecast's matching of primary-field text happens there too.)
      std::vector<std::string> recs;
      if (v.is_array()) {
        for (const auto& e : v.as_array()) {
          if (!e.is_string()) return ValueError(field);
          recs.emplace_back(e.as_string());
        }
      } else if (typecast && v.is_string()) {
        std::string_view s = v.as_string();  // "recA, recB" or primary-field texts
        while (!s.empty()) {
          size_t comma = s.find(',');
          std::string part = Trim(s.substr(0, comma));
          if (!part.empty()) recs.push_back(part);
          s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
        }
      } else {
        return ValueError(field);
      }
      std::string joined;
      std::set<std::string> seen;
      for (const auto& r : recs) {
        if (r.empty() || r.find(',') != std::string::npos) return ValueError(field);
        if (!seen.insert(r).second) continue;
        if (!joined.empty()) joined.push_back(',');
        joined += r;
      }
      if (joined.empty()) return SqlValue{};
      return SqlValue{std::move(joined)};
    }
    case FieldType::kDate: {
      if (!v.is_string()) return ValueError(field);
      std::string_view s = v.as_string();
      if (s.empty()) return SqlValue{};
      if (auto days = ParseIsoDate(s)) return SqlValue{std::string(s)};
      std::optional<int64_t> ms = typecast ? ParseLooseDate(s) : ParseIsoDateTime(s);
      if (!ms) return ParseError(field, s);
      return SqlValue{FormatDate(*ms)};
    }
    case FieldType::kDateTime: {
      if (!v.is_string()) {
        if (typecast && NumberOf(v)) return SqlValue{static_cast<int64_t>(*NumberOf(v))};
        return ValueError(field);
      }
      std::string_view s = v.as_string();
      if (s.empty()) return SqlValue{};
      std::optional<int64_t> ms = typecast ? ParseLooseDate(s) : ParseIsoDateTime(s);
      if (!ms) return ParseError(field, s);
      // Zone-less input is local time in the field's zone, unless that is utc or client.
      const json::value* tz = field.options.if_contains("timeZone");
      if (!HasExplicitZone(s) && tz && tz->is_string() && tz->as_string() != "utc" &&
          tz->as_string() != "client") {
        std::string_view zone = tz->as_string();
        auto first = ZoneOffsetMs(zone, *ms);
        if (!first) return ParseError(field, s);
        int64_t utc = *ms - *first;
        auto second = ZoneOffsetMs(zone, utc);  // the offset in force at that instant (DST)
        if (second && *second != *first) utc = *ms - *second;
        ms = utc;
      }
      return SqlValue{*ms};
    }
    case FieldType::kAutoNumber:
    case FieldType::kCreatedTime:
    case FieldType::kLastModifiedTime:
    case FieldType::kFormula:
    case FieldType::kCount:
    case FieldType::kRollup:
    case FieldType::kMultipleLookupValues:
      break;
  }
  return ValueError(field);
}

bool IsEmptyCell(const Field& field, const SqlValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return true;
  if (field.type == FieldType::kCheckbox) return std::get<int64_t>(value) == 0;
  if (const auto* s = std::get_if<std::string>(&value)) {
    if (s->empty()) return true;
    if (field.type == FieldType::kSingleSelect) return field.ChoiceById(*s) == nullptr;
  }
  return false;
}

namespace {
bool IsDateResult(const Field& f) {
  const json::value* r = f.options.if_contains("result");
  if (!r || !r->is_object()) return false;
  const json::value* t = r->as_object().if_contains("type");
  return t && t->is_string() && t->as_string() == "date";
}
double AsDouble(const SqlValue& v) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return 0;
}
int64_t AsInt(const SqlValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  return 0;
}
}  // namespace

void WriteCell(const Field& field, const SqlValue& value, JsonWriter& out) {
  switch (field.type) {
    case FieldType::kSingleLineText:
    case FieldType::kMultilineText:
    case FieldType::kRichText:
    case FieldType::kEmail:
    case FieldType::kUrl:
    case FieldType::kPhoneNumber:
    case FieldType::kDate:
      out.String(std::get<std::string>(value));
      return;
    case FieldType::kNumber:
    case FieldType::kCurrency:
    case FieldType::kDuration:
    case FieldType::kPercent: {
      double d = AsDouble(value);
      if (d == std::floor(d) && std::fabs(d) < 9e15)
        out.Int(static_cast<int64_t>(d));
      else
        out.Double(d);
      return;
    }
    case FieldType::kRating:
    case FieldType::kAutoNumber:
      out.Int(AsInt(value));
      return;
    case FieldType::kCheckbox:
      out.Bool(true);
      return;
    case FieldType::kSingleSelect:
      out.String(field.ChoiceById(std::get<std::string>(value))->name);
      return;
    case FieldType::kMultipleSelects: {
      out.BeginArray();
      std::string_view ids = std::get<std::string>(value);
      while (!ids.empty()) {
        size_t comma = ids.find(',');
        if (const Choice* c = field.ChoiceById(ids.substr(0, comma))) out.String(c->name);
        ids = comma == std::string_view::npos ? std::string_view() : ids.substr(comma + 1);
      }
      out.EndArray();
      return;
    }
    case FieldType::kMultipleRecordLinks: {
      out.BeginArray();
      std::string_view recs = std::get<std::string>(value);
      while (!recs.empty()) {
        size_t comma = recs.find(',');
        out.String(recs.substr(0, comma));
        recs = comma == std::string_view::npos ? std::string_view() : recs.substr(comma + 1);
      }
      out.EndArray();
      return;
    }
    case FieldType::kDateTime:
      out.String(FormatIsoMs(AsInt(value)));
      return;
    case FieldType::kCreatedTime:
    case FieldType::kLastModifiedTime:
      out.String(IsDateResult(field) ? FormatDate(AsInt(value)) : FormatIsoMs(AsInt(value)));
      return;
    case FieldType::kFormula:
    case FieldType::kCount:
    case FieldType::kRollup:
    case FieldType::kMultipleLookupValues:
      // Computed by the API layer per record and handed over as its V1 JSON.
      out.Raw(std::get<std::string>(value));
      return;
  }
}

json::value CellToJson(const Field& field, const SqlValue& value) {
  if (IsEmptyCell(field, value)) return nullptr;
  std::string s;
  JsonWriter w(&s);
  WriteCell(field, value, w);
  return json::parse(s);
}

}  // namespace airbase
