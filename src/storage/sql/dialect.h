// The spellings that differ between SQL engines, for the portable statements of storage/sql/:
// NULL-safe equality, substring position, case-insensitive ordering, an ordered list
// aggregate, column types and the row id. An engine adapter supplies one (sqlite/sqlite_dialect.cc,
// postgres/postgres_dialect.cc); everything else in storage/sql/ is written once. Stateless and
// safe for concurrent use.
#pragma once

#include <string>
#include <string_view>

#include "schema/field_type.h"
#include "schema/predicate.h"

namespace airbase::sql {

class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string_view Name() const = 0;
  // `expr` equal to the next placeholder, NULL equal only to NULL (never NULL itself); with
  // `negate`, its negation. Ends with the placeholder `?`, so a caller may number it.
  virtual std::string SameAs(std::string_view expr, bool negate) const = 0;
  // The 1-based position of the next placeholder's text in `expr`, 0 when absent.
  virtual std::string Position(std::string_view expr) const = 0;
  // An ORDER BY term's direction, blanks first when ascending and last when descending (as
  // Airtable sorts them): " ASC" or " DESC" and whatever the engine needs for its NULLs.
  virtual std::string_view Direction(bool desc) const = 0;
  // The larger of two values (a scalar, not the aggregate).
  virtual std::string Greatest(std::string_view a, std::string_view b) const = 0;
  // `expr` (a text column) through the formula function `t` names (schema/predicate.h), computed
  // exactly as the evaluator computes it.
  virtual std::string TextFunction(Predicate::Transform t, std::string_view expr) const = 0;
  // What runs after a lazy index is built inline on `table` (quoted), so the planner weighs it
  // against the table's other indexes; "" for nothing.
  virtual std::string AfterIndexBuilt(std::string_view table) const = 0;
  // `expr` as the key of a case-insensitive sort (and of the index that serves it).
  virtual std::string NoCase(std::string_view expr) const = 0;
  // The column type holding a stored cell of this kind.
  virtual std::string_view ColumnType(SqlType type) const = 0;
  // A scalar subquery: the values of `column` from `from` WHERE `where`, ordered by `order`,
  // joined by commas; NULL when there are none. `where` may name the outer query's columns.
  virtual std::string OrderedList(std::string_view column, std::string_view from,
                                  std::string_view where, std::string_view order) const = 0;
  // Copying a database (copy.h): the order of a plain table scan ("" when rows have no order
  // of their own), the words that let an INSERT give the row id column its value, and a
  // statement that moves an identity column's counter past the values copied into it ("" when
  // the engine needs none).
  virtual std::string_view ScanOrder() const = 0;
  virtual std::string_view KeepIdentity() const = 0;
  virtual std::string ResetIdentity(std::string_view table, std::string_view column) const = 0;
  // The declaration of a record table's first column: an integer row id assigned in insertion
  // order and never reused, named "rowid".
  virtual std::string_view RowidColumn() const = 0;
  // The words ending a SELECT that lock the rows it picks until the transaction ends, skipping
  // rows another transaction holds (a queue claimed by several servers); "" on an engine that
  // runs one writer at a time.
  virtual std::string_view SkipLocked() const = 0;
  // The SQL function that runs a RowTest (ListQuery::test) on a row, given the test as a bound
  // pointer (Statement::BindRowTest), then the row's id, created_ms, modified_ms and cells; ""
  // where the engine cannot call back into this process.
  virtual std::string_view RowTestFunction() const { return {}; }
};

}  // namespace airbase::sql
