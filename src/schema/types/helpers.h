// What the field type rows (src/schema/types/*.cc) share: option readers, the 422 errors of a
// bad cell, number parsing and rounding. Internal to src/schema/.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schema/field_type.h"
#include "schema/model.h"

namespace airbase::types {

namespace json = boost::json;

Status OptionsError(std::string msg);
// Reads an integer option in [lo, hi]; `def` when absent.
Result<int64_t> IntOption(const json::object* o, const char* key, int64_t lo, int64_t hi,
                          std::optional<int64_t> def);
Result<std::string> EnumOption(const json::object* o, const char* key,
                               const std::set<std::string_view>& allowed, const char* def);
const json::object* AsObject(const json::value* v);
extern const std::set<std::string_view> kBrightColors;

// The referencedFieldIds option of lastModifiedTime and lastModifiedBy: writable fields of the
// table (empty: every field).
Result<json::array> WatchedFieldIds(const json::object* o, const std::vector<Field>& siblings);

// Options of a type that takes none.
Result<json::object> NoOptions(const json::object* o, const std::vector<Field>&, IdGenerator&);

// "Field "X" cannot accept the provided value" and "Cannot parse value ... for field X".
Status ValueError(const Field& f);
Status ParseError(const Field& f, std::string_view raw);

std::optional<double> NumberOf(const json::value& v);
// "1,234.5", "$12", "50%": the number a spreadsheet cell shows.
std::optional<double> ParseNumberString(std::string_view raw);
std::string NumberToText(double d);
double RoundTo(double v, int digits);
double AsDouble(const SqlValue& v);
int64_t AsInt(const SqlValue& v);

// The stored text of a text-like cell.
inline const std::string& TextOf(const SqlValue& v) { return std::get<std::string>(v); }
void WriteText(const Field&, const SqlValue& v, JsonWriter& out);
std::string PlainText(const Field&, const SqlValue& v);

}  // namespace airbase::types
