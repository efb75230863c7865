// Formula fields (formula.md §10): their options (formula text with {fldXXX} references,
// referencedFieldIds, the inferred result type) and their values, computed per record.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "formula/formula.h"
#include "schema/model.h"

namespace airbase::formula {

// Compiles `text` against the table's other fields (names or ids) and returns the field's
// options in read format. 422 INVALID_FIELD_TYPE_OPTIONS for an invalid formula or a cycle
// through other formula fields.
Result<boost::json::object> FormulaFieldOptions(std::string_view text, const std::string& self_id,
                                                const std::vector<Field>& fields);

// A rollup's formula over `values` (the looked-up values, e.g. SUM(values)): compiled against
// that one name, and its options' `result` in read format.
Result<CompiledFormula> CompileRollup(std::string_view text);
Result<boost::json::object> RollupResult(std::string_view text);

// What a formula field reads from one record.
struct RowAccess {
  std::function<const SqlValue*(const std::string& field_id)> cell;  // null: not fetched
  std::string record_id;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  int64_t now_ms = 0;
  // The primary-field text of a record a link field points to; null: links read as record ids.
  std::function<std::string(const Field& link, const std::string& record_id)> link_name;
  // The value of a field of a record a link field points to (lookups); null: lookups are blank.
  std::function<Value(const Field& link, const std::string& record_id, const std::string& field_id)>
      linked_value;
};

// The formula fields of one table, compiled once per request.
class TableFormulas {
 public:
  explicit TableFormulas(const Table& table);
  bool any() const { return !compiled_.empty(); }
  // The value of any field of the table for the row: stored fields read their cell, formula
  // fields evaluate (through other formula fields as needed).
  Value ValueOf(const Field& field, const RowAccess& row) const;
  // A button's V1 cell: {"label", "url"} (url null without a formula, or when it gives no text).
  std::string ButtonJson(const Field& field, const RowAccess& row) const;

 private:
  Value ValueOf(const Field& field, const RowAccess& row, int depth) const;
  // Evaluates a compiled formula of the table (a formula field's, a button's URL) for the row.
  Value Run(const CompiledFormula& c, const RowAccess& row, int depth) const;
  // count, lookup and rollup: over the records the field's link field names.
  Value ThroughLinks(const Field& field, const RowAccess& row) const;
  // Any other stored field: its cell (a link as its records' names when the row can name them).
  Value Stored(const Field& field, const RowAccess& row) const;
  const Table& table_;
  std::map<std::string, CompiledFormula> compiled_;  // by field id; invalid formulas absent
};

// A formula value as its V1 cell JSON ("" when the cell is empty): numbers, text, ISO dates,
// arrays; {"specialValue": "NaN" | "Infinity"}; {"error": "#ERROR!"}.
std::string CellJson(const Value& v);

}  // namespace airbase::formula
