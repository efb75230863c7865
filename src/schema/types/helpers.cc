// The shared pieces of the field type rows (helpers.h).
#include "schema/types/helpers.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace airbase::types {

Status OptionsError(std::string msg) {
  return Error(ErrorCode::kInvalidFieldTypeOptions, std::move(msg));
}

const json::object* AsObject(const json::value* v) {
  return v && v->is_object() ? &v->as_object() : nullptr;
}

const std::set<std::string_view> kBrightColors = {
    "greenBright", "tealBright", "cyanBright",   "blueBright",   "purpleBright",
    "pinkBright",  "redBright",  "orangeBright", "yellowBright", "grayBright"};

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

Result<json::array> WatchedFieldIds(const json::object* o, const std::vector<Field>& siblings) {
  json::array refs;
  const json::value* r = o ? o->if_contains("referencedFieldIds") : nullptr;
  if (!r || r->is_null()) return refs;
  if (!r->is_array()) return OptionsError("referencedFieldIds must be an array");
  for (const auto& id : r->as_array()) {
    if (!id.is_string()) return OptionsError("referencedFieldIds must hold field ids");
    auto it = std::find_if(siblings.begin(), siblings.end(),
                           [&](const Field& f) { return f.id == id.as_string(); });
    if (it == siblings.end() || IsComputed(it->type))
      return OptionsError("referencedFieldIds must name writable fields of this table");
    refs.push_back(id);
  }
  return refs;
}

Result<json::object> NoOptions(const json::object* o, const std::vector<Field>&, IdGenerator&) {
  if (o && !o->empty()) return OptionsError("This field type takes no options");
  return json::object();
}

Status ValueError(const Field& f) {
  return Error(ErrorCode::kInvalidValueForColumn,
               "Field \"" + f.name + "\" cannot accept the provided value");
}

Status ParseError(const Field& f, std::string_view raw) {
  return Error(ErrorCode::kInvalidValueForColumn,
               "Cannot parse value \"" + std::string(raw) + "\" for field " + f.name);
}

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

void WriteText(const Field&, const SqlValue& v, JsonWriter& out) { out.String(TextOf(v)); }
std::string PlainText(const Field&, const SqlValue& v) { return TextOf(v); }

}  // namespace airbase::types
