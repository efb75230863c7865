// SQL text for the per-table record storage, and the physical layout it names (docs/STORAGE.md):
// table "t_<tbl id>", a column "c_<fld id>" per stored field. Every statement airbase builds
// over user tables is produced here or in predicate_sql.h, written once and spelled for an
// engine by its Dialect. All values are bound as parameters; identifiers are generated ids
// (alphanumeric), quoted anyway.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schema/model.h"
#include "storage/sql/dialect.h"
#include "storage/store.h"

namespace airbase::sql {

// The quoted name of the SQL table holding a table's records.
std::string TableRef(std::string_view table_id);
// A field's physical column (unquoted), or empty when it has none: its value is derived from row
// columns (autoNumber, createdTime) or kept in a junction table (links, link_sql.h).
std::string ColumnName(const Field& field);
// The SQL expression that reads a field's stored value from a record row ("rowid" for
// autoNumber, "created_ms" for createdTime, a junction subquery for links, NULL for fields
// computed above the store, else the quoted column).
std::string ValueExpr(const Dialect& d, const Field& field);

// CREATE TABLE "t_<id>"(rowid, id TEXT UNIQUE, created_ms, modified_ms, c_...)
std::string CreateRecordTable(const Dialect& d, const Table& table);
std::string AddColumn(const Dialect& d, const std::string& table_id, const Field& field);
// The statements that drop a field's column and its lazy indexes, in order: those over
// `field` alone, and the two-column ones it shares with any of `others` (its table's fields).
std::vector<std::string> DropColumn(const std::string& table_id, const Field& field,
                                    const std::vector<Field>& others = {});
std::string RenameColumn(const std::string& table_id, const std::string& from,
                         const std::string& to);
// UPDATE ... SET "<column>"=?1 WHERE id=?2
std::string SetColumnById(const std::string& table_id, const std::string& column);
// A lazy index (made on a list's first use of it, record_store.cc): its name, unique in the
// database, and the words after the name in CREATE INDEX: `ON "t_<id>"(<expr>)`. No name when
// the field needs none.
struct IndexSpec {
  std::string name;
  std::string on;
};
// The index over the expression SelectList sorts `field` by; none when a sort on this field
// cannot use an index (e.g. select choice order).
IndexSpec SortIndex(const Dialect& d, const Table& table, const Field& field, bool desc);
// The index over the plain column, for equality and range filters.
IndexSpec FilterIndex(const Dialect& d, const Table& table, const Field& field);
// The index over two plain columns, `first` compared for equality and `then` for equality or a
// range: the rows it finds are exactly those of both terms, read in order of `then`.
IndexSpec CompoundIndex(const Dialect& d, const Table& table, const Field& first,
                        const Field& then);
// The index on a function of a column (lower("c"), as the dialect spells the predicate's
// Transform), so LOWER({Name}) = 'x' reads its rows as an equality on the column does.
IndexSpec TransformIndex(const Dialect& d, const Table& table, const Field& field,
                         Predicate::Transform transform);
// The two fields of a filter that one compound index serves (an AND with an equality on an
// indexable column, and a range or another equality on a second one), or none.
std::optional<std::pair<const Field*, const Field*>> CompoundShape(const Predicate& filter);

// A statement and its parameters, in placeholder order.
struct BoundSql {
  std::string text;
  std::vector<SqlValue> params;
  int test_param = 0;  // the placeholder of ListQuery::test (Statement::BindRowTest); 0: none
};
// SELECT rowid, id, created_ms, modified_ms, <cells> ... for one page of `q`.
BoundSql SelectList(const Dialect& d, const Table& table, const ListQuery& q);
// Same columns, WHERE id=?1.
std::string SelectById(const Dialect& d, const Table& table,
                       const std::vector<const Field*>& fields);
// The same for `n` ids at once (?1 ... ?n), in no particular order.
std::string SelectByIds(const Dialect& d, const Table& table,
                        const std::vector<const Field*>& fields, size_t n);
// INSERT ... VALUES(?1 id, ?2 created_ms, ?3.. cells)
std::string Insert(const Table& table, const std::vector<std::pair<const Field*, SqlValue>>& cells);
// UPDATE ... SET cells(?1..?n), modified_ms=?n+2 WHERE id=?n+1
std::string Update(const Table& table, const std::vector<std::pair<const Field*, SqlValue>>& cells);
// SELECT id ... WHERE each cell IS ?i ... LIMIT ?n+1
std::string SelectEqual(const Dialect& d, const Table& table,
                        const std::vector<std::pair<const Field*, SqlValue>>& values);

}  // namespace airbase::sql
