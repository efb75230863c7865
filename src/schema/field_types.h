// Field types, their options and their cell codecs (airtable-api.md §5.8). A codec turns a
// client's JSON cell into the value stored in the field's SQL column, and a stored value back
// into Airtable's V1 cell JSON.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/ids.h"
#include "common/json_writer.h"
#include "common/status.h"

namespace airbase {

enum class FieldType {
  kSingleLineText,
  kMultilineText,
  kEmail,
  kUrl,
  kPhoneNumber,
  kNumber,
  kCurrency,
  kPercent,
  kRating,
  kCheckbox,
  kSingleSelect,
  kMultipleSelects,
  kDate,
  kDateTime,
  kAutoNumber,
  kCreatedTime,
  kLastModifiedTime,
  kFormula,
  kRichText,  // Markdown text
  kDuration,  // seconds, shown per options.durationFormat
  kMultipleRecordLinks,  // record ids of another (or the same) table; see docs/STORAGE.md
  kCount,                 // how many records a link field of the table holds
  kMultipleLookupValues,  // a field's values in the records a link field holds
  kRollup,                // a formula over those values (SUM(values), ARRAYJOIN(values), ...)
};

std::optional<FieldType> ParseFieldType(std::string_view name);

// duration fields: "h:mm[:ss[.S..]]" in seconds; a value shown in a durationFormat
// (h:mm, h:mm:ss, h:mm:ss.S, .SS, .SSS); the decimals a field keeps.
std::optional<double> ParseDuration(std::string_view text);
std::string FormatDuration(double seconds, std::string_view format);
struct Field;
int DurationDecimals(const Field& field);
std::string_view FieldTypeName(FieldType type);
// Computed fields are never written by clients (422 INVALID_VALUE_FOR_COLUMN).
bool IsComputed(FieldType type);
// Computed when read, from other cells of the record (and of linked records): formula, count,
// lookup. Their cells reach the writer as V1 JSON text.
bool IsComputedAtRead(FieldType type);
// Types allowed as a table's primary (first) field.
bool CanBePrimary(FieldType type);

// What a stored cell is at the storage seam: SQL NULL, INTEGER, REAL or TEXT.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;
enum class SqlType { kText, kReal, kInteger };
SqlType StorageType(FieldType type);

struct Field;

// Validates create/update `options` for `type` and returns them in complete read format (ids
// given to new select choices). `siblings` are the table's other fields (for references).
Result<boost::json::object> NormalizeOptions(FieldType type, const boost::json::value* options,
                                             const std::vector<Field>& siblings, IdGenerator& ids);

// Converts a client's cell value for `field` into its stored form. JSON null clears. With
// `typecast`, strings are converted where possible and unknown select choices are added to
// `field` (then *schema_changed is set). Errors are Airtable's 422s.
Result<SqlValue> EncodeCell(Field& field, const boost::json::value& value, bool typecast,
                            IdGenerator& ids, bool* schema_changed);

// True when the stored value is an empty cell, which Airtable omits from `fields`.
bool IsEmptyCell(const Field& field, const SqlValue& value);
// Writes the V1 cell JSON of a non-empty stored value.
void WriteCell(const Field& field, const SqlValue& value, JsonWriter& out);
// The same cell as a Boost.JSON value (null when empty); for non-hot paths such as upsert match.
boost::json::value CellToJson(const Field& field, const SqlValue& value);

}  // namespace airbase
