// SQLite's spellings (sqlite_dialect.h): `IS` is its NULL-safe equality, instr() its substring
// position, NOCASE its ASCII case folding, and an INTEGER PRIMARY KEY AUTOINCREMENT column named
// rowid aliases the table's own row id.
#include "storage/sqlite/sqlite_dialect.h"

namespace airbase::sqlite {

namespace {

class SqliteDialect final : public sql::Dialect {
 public:
  std::string_view Name() const override { return "sqlite"; }
  std::string SameAs(std::string_view expr, bool negate) const override {
    return std::string(expr) + (negate ? " IS NOT ?" : " IS ?");
  }
  std::string Position(std::string_view expr) const override {
    return "instr(" + std::string(expr) + ", ?)";
  }
  std::string_view Direction(bool desc) const override {
    return desc ? " DESC" : " ASC";  // SQLite's NULLs are the smallest values
  }
  std::string Greatest(std::string_view a, std::string_view b) const override {
    return "max(" + std::string(a) + ", " + std::string(b) + ")";
  }
  // airbase_lower, airbase_upper and airbase_length are the evaluator's own functions, which
  // every connection registers (sqlite_connection.cc); trim() is given the evaluator's set.
  std::string TextFunction(Predicate::Transform t, std::string_view expr) const override {
    const std::string e(expr);
    switch (t) {
      case Predicate::Transform::kLower:
        return "airbase_lower(" + e + ")";
      case Predicate::Transform::kUpper:
        return "airbase_upper(" + e + ")";
      case Predicate::Transform::kTrim:
        return "trim(" + e + ", ' ' || char(9, 10, 11, 12, 13))";
      case Predicate::Transform::kLength:
        return "airbase_length(" + e + ")";
      case Predicate::Transform::kNone:
        break;
    }
    return e;
  }
  // Without statistics SQLite prefers any index that reads rows in rowid order (the list's keyset
  // order) to a narrower one, e.g. (Category) over (Category, Quantity) for an equality and a
  // range. A sampled ANALYZE (400 rows per index) takes a few milliseconds.
  std::string AfterIndexBuilt(std::string_view table) const override {
    return "PRAGMA analysis_limit=400; ANALYZE " + std::string(table);
  }
  // Registered on every connection (sqlite_connection.cc).
  std::string_view RowTestFunction() const override { return "airbase_row_test"; }
  std::string NoCase(std::string_view expr) const override {
    return std::string(expr) + " COLLATE NOCASE";
  }
  std::string OrderedList(std::string_view column, std::string_view from, std::string_view where,
                          std::string_view order) const override {
    // A FROM subquery with ORDER BY is not flattened into an aggregate, so group_concat sees
    // its rows in order (SQLite before 3.44 has no ORDER BY inside an aggregate).
    std::string c(column);
    return "(SELECT group_concat(" + c + ", ',') FROM (SELECT " + c + " FROM " + std::string(from) +
           " WHERE " + std::string(where) + " ORDER BY " + std::string(order) + "))";
  }
  std::string_view ColumnType(SqlType type) const override {
    switch (type) {
      case SqlType::kReal:
        return "REAL";
      case SqlType::kInteger:
        return "INTEGER";
      case SqlType::kText:
        break;
    }
    return "TEXT";
  }
  std::string_view ScanOrder() const override { return " ORDER BY rowid"; }
  std::string_view KeepIdentity() const override { return ""; }
  std::string_view SkipLocked() const override { return ""; }
  std::string ResetIdentity(std::string_view, std::string_view) const override {
    return "";  // AUTOINCREMENT follows the largest row id inserted
  }
  std::string_view RowidColumn() const override {
    return "rowid INTEGER PRIMARY KEY AUTOINCREMENT";
  }
};

}  // namespace

const sql::Dialect& Dialect() {
  static const SqliteDialect d;
  return d;
}

}  // namespace airbase::sqlite
