// Field types (airtable-api.md §5.8): one trait row per type, defined beside its codec in
// src/schema/types/. A row says what the type is (name, whether clients may write it, whether it
// can be primary, how it is stored, what kind of value it holds) and how its cells move (options
// normalised, a client's JSON encoded into the stored value, the stored value written as V1 JSON
// and as plain text). Layers above interpret the few CellKinds, never the types, so a type that
// reads like an existing one is added by its row alone:
//
//   1. its name in AIRBASE_FIELD_TYPES below (in Airtable's order of appearance; the enum value),
//   2. its FieldTypeTraits row in src/schema/types/<family>.cc,
//   3. its row in the web app's field-type table, TYPES in src/web/fields.js.
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

#define AIRBASE_FIELD_TYPES(X)                                                              \
  X(kSingleLineText)                                                                        \
  X(kMultilineText)                                                                         \
  X(kEmail)                                                                                 \
  X(kUrl)                                                                                   \
  X(kPhoneNumber)                                                                           \
  X(kNumber)                                                                                \
  X(kCurrency)                                                                              \
  X(kPercent)                                                                               \
  X(kRating)                                                                                \
  X(kCheckbox)                                                                              \
  X(kSingleSelect)                                                                          \
  X(kMultipleSelects)                                                                       \
  X(kDate)                                                                                  \
  X(kDateTime)                                                                              \
  X(kAutoNumber)                                                                            \
  X(kCreatedTime)                                                                           \
  X(kLastModifiedTime)                                                                      \
  X(kFormula)                                                                               \
  X(kRichText)             /* Markdown text */                                              \
  X(kDuration)             /* seconds, shown per options.durationFormat */                  \
  X(kMultipleRecordLinks)  /* record ids of another (or the same) table; docs/STORAGE.md */ \
  X(kCount)                /* how many records a link field of the table holds */           \
  X(kMultipleLookupValues) /* a field's values in the records a link field holds */         \
  X(kRollup)               /* a formula over those values (SUM(values), ...) */             \
  X(kMultipleAttachments)  /* files: a JSON array of items, schema/attachments.h */         \
  X(kSingleCollaborator)   /* a user of the base, schema/collaborators.h */                 \
  X(kMultipleCollaborators)                                                                 \
  X(kCreatedBy)      /* who created the record (set by the store) */                        \
  X(kLastModifiedBy) /* who last changed a watched field (set by the store) */              \
  X(kBarcode)        /* {text, type?} */                                                    \
  X(kButton)         /* {label, url}: options.label and options.urlFormula (computed) */

enum class FieldType {
#define AIRBASE_FIELD_TYPE_ENUM(name) name,
  AIRBASE_FIELD_TYPES(AIRBASE_FIELD_TYPE_ENUM)
#undef AIRBASE_FIELD_TYPE_ENUM
};

// What a stored cell is at the storage seam: SQL NULL, INTEGER, REAL or TEXT.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;
enum class SqlType { kText, kReal, kInteger };

// The kind of value a field holds, as the layers above read it (the evaluator's values, the
// filters a view offers, a formula's inferred result type, what can be pushed down to SQL).
enum class CellKind {
  kText,         // a string
  kNumber,       // a number (REAL, or INTEGER for rating and autoNumber)
  kCheckbox,     // checked or blank
  kSelect,       // a choice id
  kMultiSelect,  // comma-joined choice ids
  kDay,          // YYYY-MM-DD
  kInstant,      // milliseconds since the epoch
  kLinks,        // comma-joined record ids
  kAttachments,  // a JSON array of attachment items (schema/attachments.h)
  kPerson,       // one user (schema/collaborators.h)
  kPeople,       // users, in the cell's order
  kBarcode,      // "text" or "text\x1ftype"; reads as its text
  kLookup,       // values of linked records (computed)
  kAny,          // whatever its formula returns (computed)
};

struct Field;

struct FieldTypeTraits {
  FieldType type;
  std::string_view name;  // the API's name
  bool computed;          // never written by clients (422 INVALID_VALUE_FOR_COLUMN)
  bool computed_at_read;  // computed per read from other cells (no stored value of its own)
  bool can_be_primary;
  SqlType storage;
  CellKind kind;
  // Validates create/update options and returns them in complete read format. `o` is null when
  // absent; `siblings` are the table's other fields.
  Result<boost::json::object> (*normalize)(const boost::json::object* o,
                                           const std::vector<Field>& siblings, IdGenerator& ids);
  // A client's non-null cell value into its stored form (null when it is empty). With typecast,
  // strings convert where possible and selects may gain choices (then *schema_changed is set).
  // Null for computed types.
  Result<SqlValue> (*encode)(Field& field, const boost::json::value& v, bool typecast,
                             IdGenerator& ids, bool* schema_changed);
  // The V1 cell JSON of a non-empty stored value.
  void (*write)(const Field& field, const SqlValue& value, JsonWriter& out);
  // The cell as text (cellFormat=string, CSV, type changes) when that needs no time zone, locale
  // or linked record; null for dates, links and computed types, which callers render by kind.
  std::string (*text)(const Field& field, const SqlValue& value);
};

namespace types {
#define AIRBASE_FIELD_TYPE_ROW(name) extern const FieldTypeTraits name;
AIRBASE_FIELD_TYPES(AIRBASE_FIELD_TYPE_ROW)
#undef AIRBASE_FIELD_TYPE_ROW
}  // namespace types

// Indexed by FieldType (field_type.cc); inline so that the hot paths' kind checks are one load.
extern const FieldTypeTraits* const kFieldTypeTable[];
inline const FieldTypeTraits& Traits(FieldType type) {
  return *kFieldTypeTable[static_cast<int>(type)];
}
std::optional<FieldType> ParseFieldType(std::string_view name);
inline std::string_view FieldTypeName(FieldType type) { return Traits(type).name; }
inline bool IsComputed(FieldType type) { return Traits(type).computed; }
inline bool IsComputedAtRead(FieldType type) { return Traits(type).computed_at_read; }
inline bool CanBePrimary(FieldType type) { return Traits(type).can_be_primary; }
inline SqlType StorageType(FieldType type) { return Traits(type).storage; }
inline CellKind KindOf(FieldType type) { return Traits(type).kind; }
// The people types: single/multiple collaborator, createdBy, lastModifiedBy.
inline bool HoldsPeople(FieldType type) {
  return KindOf(type) == CellKind::kPerson || KindOf(type) == CellKind::kPeople;
}

// duration fields: "h:mm[:ss[.S..]]" in seconds; a value shown in a durationFormat
// (h:mm, h:mm:ss, h:mm:ss.S, .SS, .SSS); the decimals a field keeps.
std::optional<double> ParseDuration(std::string_view text);
std::string FormatDuration(double seconds, std::string_view format);
int DurationDecimals(const Field& field);

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
