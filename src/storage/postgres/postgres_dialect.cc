// PostgreSQL's spellings (postgres_dialect.h): IS [NOT] DISTINCT FROM for NULL-safe equality,
// strpos() for substring position, lower() for the case-insensitive key (it folds beyond ASCII,
// where SQLite's NOCASE does not: to be matched or documented with the adapter), and an identity
// column for the row id.
#include "storage/postgres/postgres_dialect.h"

namespace airbase::postgres {

namespace {

class PostgresDialect final : public sql::Dialect {
 public:
  std::string_view Name() const override { return "postgres"; }
  std::string SameAs(std::string_view expr, bool negate) const override {
    return std::string(expr) + (negate ? " IS DISTINCT FROM ?" : " IS NOT DISTINCT FROM ?");
  }
  std::string Position(std::string_view expr) const override {
    return "strpos(" + std::string(expr) + ", ?)";
  }
  std::string_view Direction(bool desc) const override {
    return desc ? " DESC NULLS LAST" : " ASC NULLS FIRST";  // PostgreSQL's are the largest
  }
  std::string Greatest(std::string_view a, std::string_view b) const override {
    return "greatest(" + std::string(a) + ", " + std::string(b) + ")";
  }
  // lower() and upper() under the C.utf8 collation apply glibc's towlower_l/towupper_l per code
  // point, the evaluator's own case map; a server checks at open that they agree with its own
  // (RecordStore::CaseMappingInSql) and is never given them otherwise.
  std::string TextFunction(Predicate::Transform t, std::string_view expr) const override {
    const std::string e(expr);
    switch (t) {
      case Predicate::Transform::kLower:
        return "lower(" + e + " COLLATE \"C.utf8\")";
      case Predicate::Transform::kUpper:
        return "upper(" + e + " COLLATE \"C.utf8\")";
      case Predicate::Transform::kTrim:
        return "btrim(" + e + ", E' \\t\\n\\r\\f\\x0B')";  // \v is not an E-string escape
      case Predicate::Transform::kLength:
        return "CAST(char_length(" + e + ") AS double precision)";  // compared with float8
      case Predicate::Transform::kNone:
        break;
    }
    return e;
  }
  // Indexes are built by the background builder; autovacuum keeps the statistics.
  std::string AfterIndexBuilt(std::string_view) const override { return ""; }
  std::string NoCase(std::string_view expr) const override {
    return "lower(" + std::string(expr) + ")";
  }
  std::string OrderedList(std::string_view column, std::string_view from, std::string_view where,
                          std::string_view order) const override {
    return "(SELECT string_agg(" + std::string(column) + ", ',' ORDER BY " + std::string(order) +
           ") FROM " + std::string(from) + " WHERE " + std::string(where) + ")";
  }
  std::string_view ColumnType(SqlType type) const override {
    switch (type) {
      case SqlType::kReal:
        return "double precision";
      case SqlType::kInteger:
        return "bigint";
      case SqlType::kText:
        break;
    }
    return "text";
  }
  std::string_view ScanOrder() const override { return ""; }
  std::string_view KeepIdentity() const override { return " OVERRIDING SYSTEM VALUE"; }
  std::string_view SkipLocked() const override { return " FOR UPDATE SKIP LOCKED"; }
  std::string ResetIdentity(std::string_view table, std::string_view column) const override {
    std::string t(table), c(column);
    return "SELECT setval(pg_get_serial_sequence('" + t + "', '" + c + "'), coalesce(max(" + c +
           "), 0) + 1, false) FROM " + t;
  }
  std::string_view RowidColumn() const override {
    return "rowid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  }
};

}  // namespace

const sql::Dialect& Dialect() {
  static const PostgresDialect d;
  return d;
}

}  // namespace airbase::postgres
