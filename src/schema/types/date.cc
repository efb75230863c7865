// The date types: date (YYYY-MM-DD text), dateTime (UTC milliseconds; zone-less input is local
// time in the field's zone), and the computed createdTime and lastModifiedTime (milliseconds;
// lastModifiedTime is set by the store when a watched field changes). Their text needs a time
// zone and a locale, so it is rendered above (api/records.cc, by CellKind).
#include <algorithm>

#include "common/time_util.h"
#include "common/timezone.h"
#include "schema/types/helpers.h"

namespace airbase::types {

namespace {

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

// createdTime/lastModifiedTime: {"result": {"type": "date"|"dateTime", "options": {...}}}
Result<json::object> DateTimeResult(const json::object* o) {
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

Result<json::object> DateOptions(const json::object* o, const std::vector<Field>&, IdGenerator&) {
  json::object out;
  ASSIGN_OR_RETURN(out["dateFormat"], DateFormatOption(o));
  return out;
}

Result<json::object> DateTimeOptions(const json::object* o, const std::vector<Field>&,
                                     IdGenerator&) {
  json::object out;
  ASSIGN_OR_RETURN(out["dateFormat"], DateFormatOption(o));
  ASSIGN_OR_RETURN(out["timeFormat"], TimeFormatOption(o));
  ASSIGN_OR_RETURN(out["timeZone"], TimeZoneOption(o));
  return out;
}

Result<json::object> CreatedTimeOptions(const json::object* o, const std::vector<Field>&,
                                        IdGenerator&) {
  json::object out;
  ASSIGN_OR_RETURN(out["result"], DateTimeResult(o));
  return out;
}

Result<json::object> LastModifiedOptions(const json::object* o, const std::vector<Field>& siblings,
                                         IdGenerator&) {
  json::object out;
  out["isValid"] = true;
  ASSIGN_OR_RETURN(out["referencedFieldIds"], WatchedFieldIds(o, siblings));
  ASSIGN_OR_RETURN(out["result"], DateTimeResult(o));
  return out;
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

Result<SqlValue> EncodeDate(Field& f, const json::value& v, bool typecast, IdGenerator&, bool*) {
  if (!v.is_string()) return ValueError(f);
  std::string_view s = v.as_string();
  if (s.empty()) return SqlValue{};
  if (auto days = ParseIsoDate(s)) return SqlValue{std::string(s)};
  std::optional<int64_t> ms = typecast ? ParseLooseDate(s) : ParseIsoDateTime(s);
  if (!ms) return ParseError(f, s);
  return SqlValue{FormatDate(*ms)};
}

Result<SqlValue> EncodeDateTime(Field& f, const json::value& v, bool typecast, IdGenerator&,
                                bool*) {
  if (!v.is_string()) {
    if (typecast && NumberOf(v)) return SqlValue{static_cast<int64_t>(*NumberOf(v))};
    return ValueError(f);
  }
  std::string_view s = v.as_string();
  if (s.empty()) return SqlValue{};
  std::optional<int64_t> ms = typecast ? ParseLooseDate(s) : ParseIsoDateTime(s);
  if (!ms) return ParseError(f, s);
  // Zone-less input is local time in the field's zone, unless that is utc or client.
  const json::value* tz = f.options.if_contains("timeZone");
  if (!HasExplicitZone(s) && tz && tz->is_string() && tz->as_string() != "utc" &&
      tz->as_string() != "client") {
    std::string_view zone = tz->as_string();
    auto first = ZoneOffsetMs(zone, *ms);
    if (!first) return ParseError(f, s);
    int64_t utc = *ms - *first;
    auto second = ZoneOffsetMs(zone, utc);  // the offset in force at that instant (DST)
    if (second && *second != *first) utc = *ms - *second;
    ms = utc;
  }
  return SqlValue{*ms};
}

bool IsDateResult(const Field& f) {
  const json::value* r = f.options.if_contains("result");
  if (!r || !r->is_object()) return false;
  const json::value* t = r->as_object().if_contains("type");
  return t && t->is_string() && t->as_string() == "date";
}

void WriteInstant(const Field&, const SqlValue& v, JsonWriter& out) {
  out.String(FormatIsoMs(AsInt(v)));
}
void WriteTimestamp(const Field& f, const SqlValue& v, JsonWriter& out) {
  out.String(IsDateResult(f) ? FormatDate(AsInt(v)) : FormatIsoMs(AsInt(v)));
}

}  // namespace

const FieldTypeTraits kDate = {FieldType::kDate, "date",         false,       false,      true,
                               SqlType::kText,   CellKind::kDay, DateOptions, EncodeDate, WriteText,
                               nullptr};
const FieldTypeTraits kDateTime = {
    FieldType::kDateTime, "dateTime",      false,          false,        true,   SqlType::kInteger,
    CellKind::kInstant,   DateTimeOptions, EncodeDateTime, WriteInstant, nullptr};
const FieldTypeTraits kCreatedTime = {
    FieldType::kCreatedTime, "createdTime",      true,    false,          false,  SqlType::kInteger,
    CellKind::kInstant,      CreatedTimeOptions, nullptr, WriteTimestamp, nullptr};
const FieldTypeTraits kLastModifiedTime = {FieldType::kLastModifiedTime,
                                           "lastModifiedTime",
                                           true,
                                           false,
                                           false,
                                           SqlType::kInteger,
                                           CellKind::kInstant,
                                           LastModifiedOptions,
                                           nullptr,
                                           WriteTimestamp,
                                           nullptr};

}  // namespace airbase::types
