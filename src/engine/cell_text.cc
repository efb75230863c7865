// Cell text (cell_text.h): dispatch by the field type table's row, then by kind.
#include "engine/cell_text.h"

#include "common/time_util.h"
#include "common/timezone.h"
#include "engine/linked_records.h"
#include "formula/dates.h"
#include "formula/value.h"

namespace airbase::engine {

namespace {

namespace json = boost::json;

Status Invalid(std::string msg) { return Error(ErrorCode::kInvalidRequestUnknown, std::move(msg)); }

std::string FormatOf(const json::object& opts, const char* key) {
  const json::value* f = opts.if_contains(key);
  if (!f || !f->is_object()) return {};
  const json::value* fmt = f->as_object().if_contains("format");
  return fmt && fmt->is_string() ? std::string(fmt->as_string()) : std::string();
}

std::string InstantText(int64_t ms, const json::object& opts, const StringFormat& sf, bool time) {
  int64_t offset = ZoneOffsetMs(sf.time_zone, ms).value_or(0);
  std::string fmt = FormatOf(opts, "dateFormat");
  if (fmt.empty()) fmt = "l";
  if (time) {
    std::string t = FormatOf(opts, "timeFormat");
    fmt += " " + (t.empty() ? std::string("HH:mm") : t);
  }
  return formula::FormatDate(ms + offset, fmt, sf.locale, offset, sf.time_zone);
}

// A computed cell arrives as its V1 JSON; as text, arrays join with ", ".
std::string ComputedText(const SqlValue& v) {
  boost::system::error_code ec;
  json::value cell = json::parse(std::get<std::string>(v), ec);
  if (ec) return {};
  auto one = [](const json::value& x) -> std::string {
    if (x.is_string()) return std::string(x.as_string());
    if (x.is_number()) return formula::NumberText(x.to_number<double>());
    if (x.is_object()) {
      const json::object& o = x.as_object();
      if (o.contains("specialValue")) return std::string(o.at("specialValue").as_string());
      if (const json::value* label = o.if_contains("label"); label && label->is_string())
        return std::string(label->as_string());  // a button
      return "#ERROR!";
    }
    return json::serialize(x);
  };
  if (!cell.is_array()) return one(cell);
  std::string out;
  for (const auto& x : cell.as_array()) out += (out.empty() ? "" : ", ") + one(x);
  return out;
}

// createdTime/lastModifiedTime: shown per their result's options, with or without the time.
std::string TimestampText(const Field& f, int64_t ms, const StringFormat& sf) {
  const json::value* r = f.options.if_contains("result");
  json::object opts;
  bool time = true;
  if (r && r->is_object()) {
    if (const json::value* o = r->as_object().if_contains("options"); o && o->is_object())
      opts = o->as_object();
    const json::value* t = r->as_object().if_contains("type");
    time = !(t && t->is_string() && t->as_string() == "date");
  }
  return InstantText(ms, opts, sf, time);
}

}  // namespace

// The type's own text where it needs no context; dates in the request's zone and locale, links
// as their records' primary text, computed cells from their JSON.
std::string CellText(const Field& f, const SqlValue& v, const StringFormat& sf) {
  const FieldTypeTraits& t = Traits(f.type);
  if (t.computed_at_read) return ComputedText(v);
  if (t.text) return t.text(f, v);
  switch (t.kind) {
    case CellKind::kLinks:
      if (sf.links) return sf.links->Joined(f, v);
      return std::get<std::string>(v);
    case CellKind::kDay: {
      auto days = ParseIsoDate(std::get<std::string>(v));
      return days ? InstantText(*days * 86400000, f.options, StringFormat{"utc", sf.locale}, false)
                  : std::get<std::string>(v);
    }
    case CellKind::kInstant: {
      const int64_t ms = std::holds_alternative<int64_t>(v)
                             ? std::get<int64_t>(v)
                             : static_cast<int64_t>(std::get<double>(v));
      // createdTime and lastModifiedTime keep their formats under options.result.
      if (f.options.contains("result")) return TimestampText(f, ms, sf);
      return InstantText(ms, f.options, sf, true);
    }
    default:
      return {};
  }
}

// cellFormat=string requires a known timeZone and a userLocale (airtable-api.md §4.2).
Result<StringFormat> StringFormatOf(const std::string& tz, const std::string& locale) {
  if (tz.empty() || locale.empty())
    return Invalid("cellFormat \"string\" requires timeZone and userLocale");
  if (!ZoneOffsetMs(tz, 0)) return Invalid("Unknown timeZone \"" + tz + "\"");
  return StringFormat{tz, locale};
}

std::string CellString(const Field& f, const SqlValue& v) {
  return CellText(f, v, StringFormat{"UTC", "en"});
}

}  // namespace airbase::engine
